import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCaseMeta } from '../store/case-meta.js';

/** tensorsmith's own corpus of real bugs (corpus/ beside dist/ and src/). */
export const BUNDLED_CORPUS = fileURLToPath(new URL('../../corpus/', import.meta.url));

/**
 * The signature of each corpus entry (a folder with corpus.json and meta.json), by hash: the name a
 * campaign gives a bug it meets again. A folder without the corpus is an empty corpus.
 */
export function corpusSignatures(dir: string): Map<string, string> {
  const names = new Map<string, string>();
  if (!existsSync(dir)) return names;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const folder = join(dir, entry.name);
    if (!existsSync(join(folder, 'corpus.json')) || !existsSync(join(folder, 'meta.json'))) continue;
    names.set(readCaseMeta(join(folder, 'meta.json')).signature.hash, entry.name);
  }
  return names;
}
