import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readModelJsonFile } from '../ir/json.js';
import type { Model } from '../ir/model.js';
import type { BugSignature } from '../oracles/signature.js';
import { isNumeric } from '../oracles/verdict.js';
import { readCaseMeta } from '../store/case-meta.js';
import { readCorpusEntry } from '../store/corpus-entry.js';

/** tensorsmith's own corpus of real bugs (corpus/ beside dist/ and src/). */
export const BUNDLED_CORPUS = fileURLToPath(new URL('../../corpus/', import.meta.url));

/** The folders of a corpus that are entries (corpus.json and meta.json), by name; none when the folder is missing. */
function entryFolders(dir: string): { name: string; folder: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ name: e.name, folder: join(dir, e.name) }))
    .filter(({ folder }) => existsSync(join(folder, 'corpus.json')) && existsSync(join(folder, 'meta.json')))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The signature of each corpus entry (a folder with corpus.json and meta.json), by hash: the name a
 * campaign gives a bug it meets again. A folder without the corpus is an empty corpus.
 */
export function corpusSignatures(dir: string): Map<string, string> {
  return new Map(entryFolders(dir).map(({ name, folder }) => [readCaseMeta(join(folder, 'meta.json')).signature.hash, name]));
}

/** A bug of the corpus as a campaign recognizes it in another model: by its reduced case. */
export interface CorpusBug {
  /** The entry's folder name: the bug's name. */
  readonly name: string;
  readonly signature: BugSignature;
  /** The SUTs it was reproduced on (corpus.json). */
  readonly seenOn: readonly string[];
  /** Classes other models show it as besides its signature's (corpus.json alsoShowsAs). */
  readonly alsoShowsAs: readonly string[];
  /** The reduced model: a model that holds its nodes (on the same SUT family, failing the same way) is taken for it. */
  readonly model: Model;
  /** For wrong values: the output that was wrong (its cone is the trigger). */
  readonly output?: string;
}

/** Every entry of a corpus folder as a CorpusBug (none when the folder is missing). */
export function readCorpusBugs(dir: string): CorpusBug[] {
  return entryFolders(dir).map(({ name, folder }) => {
    const meta = readCaseMeta(join(folder, 'meta.json'));
    const output = isNumeric(meta.verdict.kind) ? meta.verdict.worst?.output : undefined;
    const entry = readCorpusEntry(join(folder, 'corpus.json'));
    return {
      name,
      signature: meta.signature,
      seenOn: entry.seenOn,
      alsoShowsAs: entry.alsoShowsAs ?? [],
      model: readModelJsonFile(join(folder, 'model.json')),
      ...(output !== undefined ? { output } : {}),
    };
  });
}
