import { randomUUID } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { stableStringify } from '../ir/json.js';

/**
 * Writes a file through a temporary sibling renamed into place, so that a reader (or a campaign
 * killed mid-write) never sees half of it. The sibling's name is unique: two processes (--jobs) may
 * write one file at once, and the last rename wins whole.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${randomUUID().slice(0, 8)}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Writes a value as stable JSON (sorted keys: the same value gives the same bytes), atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, stableStringify(value));
}
