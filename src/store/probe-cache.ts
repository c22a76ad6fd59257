import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from './atomic.js';
import { FieldReader, isRecord, present } from './fields.js';
import { readJsonFile } from './json-file.js';

export const PROBE_FORMAT = 'tensorsmith.probe/1';

/** op -> dtype of T -> supported, with the reason when not. */
export type SupportMatrix = Record<string, Record<string, { readonly supported: boolean; readonly reason?: string }>>;

/** What a capability probe found a SUT version implements, cached per SUT, package version and opset. */
export interface ProbeResult {
  readonly format: 'tensorsmith.probe/1';
  readonly backend: string;
  readonly package: string;
  readonly version: string;
  readonly opset: number;
  readonly matrix: SupportMatrix;
}

/** The default cache folder: $XDG_CACHE_HOME/tensorsmith or ~/.cache/tensorsmith. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tensorsmith');
}

/** The cache file of one SUT version and opset; its name is made of safe characters only, so it stays in `cacheDir`. */
export function probeCacheFile(cacheDir: string, d: { name: string; package: string; version: string }, opset: number): string {
  const safe = (s: string) => s.replace(/[^\w.-]+/g, '_');
  return join(cacheDir, `probe-${safe(d.name)}-${safe(d.package)}-${safe(d.version)}-opset${opset}.json`);
}

/** Checks a probe cache file's value. */
export function checkProbe(raw: unknown, file: string): ProbeResult {
  const r = new FieldReader(file, 'delete the file: the next probe writes it again');
  const o = isRecord(raw) ? raw : r.fail('the file', 'a JSON object (a tensorsmith probe)', raw);
  r.format(o, PROBE_FORMAT, 'a tensorsmith probe');
  const matrix = r.record(o.matrix, 'matrix', (row, w) =>
    r.record(row, w, (cell, wc) => {
      const c = r.object(cell, wc);
      return { supported: r.boolean(c.supported, `${wc}.supported`), ...present('reason', r.optional(c.reason, `${wc}.reason`, (v, wr) => r.string(v, wr))) };
    }),
  );
  return {
    format: PROBE_FORMAT,
    backend: r.string(o.backend, 'backend'),
    package: r.string(o.package, 'package'),
    version: r.string(o.version, 'version'),
    opset: r.count(o.opset, 'opset'),
    matrix,
  };
}

/**
 * The cached probe of this SUT version and opset, or undefined when there is none. A damaged cache
 * entry is a UserError naming it: a cache that silently stops working hides every gap it knew.
 */
export function readProbeCache(cacheDir: string, d: { name: string; package: string; version: string }, opset: number): ProbeResult | undefined {
  const file = probeCacheFile(cacheDir, d, opset);
  return existsSync(file) ? checkProbe(readJsonFile(file), file) : undefined;
}

/** Writes a probe into the cache (atomically: two campaigns, --jobs, may write one entry); returns the file. */
export function writeProbeCache(cacheDir: string, probe: ProbeResult): string {
  mkdirSync(cacheDir, { recursive: true });
  const file = probeCacheFile(cacheDir, { name: probe.backend, package: probe.package, version: probe.version }, probe.opset);
  writeJsonAtomic(file, probe);
  return file;
}
