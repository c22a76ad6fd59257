import { writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { UserError } from '../../src/ir/errors.js';
import { stableStringify } from '../../src/ir/json.js';

/** Asserts that `read` refuses with a UserError of one line naming `file` (and matching `pattern`). */
export function expectRefused(read: () => unknown, file: string, pattern?: RegExp): void {
  let error: unknown;
  try {
    read();
  } catch (e) {
    error = e;
  }
  expect(error, `${file} was accepted`).toBeInstanceOf(UserError);
  const message = (error as Error).message;
  expect(message.split('\n')).toHaveLength(1);
  expect(message).toContain(file);
  if (pattern) expect(message).toMatch(pattern);
}

/** Writes each text to `file` in turn and asserts that `read` refuses it. */
export function expectEachRefused(file: string, texts: readonly (readonly [string, RegExp?])[], read: () => unknown): void {
  for (const [text, pattern] of texts) {
    writeFileSync(file, text);
    expectRefused(read, file, pattern);
  }
}

/** `value` with the field at `path` replaced (undefined deletes it), through a JSON copy as the stores write it (NaN as "NaN"). */
export function withField(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  const copy = JSON.parse(stableStringify(value)) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (replacement === undefined) delete at[last];
  else at[last] = replacement;
  return copy;
}
