import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../ir/errors.js';

/** Long values are cut in messages: one line a person can read. */
const SHOWN_CHARS = 200;

/** A recorded value as a message quotes it: control characters (a NUL, a newline) escaped, so it stays one line. */
export function quoted(value: unknown): string {
  const text = typeof value === 'string' ? `'${JSON.stringify(value).slice(1, -1)}'` : (JSON.stringify(value) ?? String(value));
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}...` : text;
}

/** Whether `path` (absolute, normalized) is `root` or below it. */
function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return !isAbsolute(rel) && rel.split(sep)[0] !== '..';
}

/**
 * `path` with the symbolic links of its longest existing prefix resolved: where the folder really
 * is, or would be once created. A link that leads nowhere cannot be followed and gives undefined.
 */
function realPathSoFar(path: string): string | undefined {
  let existing = path;
  const rest: string[] = [];
  for (;;) {
    try {
      lstatSync(existing);
      break;
    } catch {
      const parent = dirname(existing);
      if (parent === existing) break;
      rest.unshift(basename(existing));
      existing = parent;
    }
  }
  try {
    return join(realpathSync(existing), ...rest);
  } catch {
    return undefined;
  }
}

/**
 * Why `path` (absolute, or relative to `root`) is not strictly inside the folder `root`, or
 * undefined when it is: below it by name and, following symbolic links where they exist, on disk.
 */
export function outsideReason(root: string, path: string): string | undefined {
  const rootPath = resolve(root);
  const target = resolve(rootPath, path);
  if (target === rootPath) return 'it names that folder itself';
  if (!isWithin(rootPath, target)) return 'it leads out of that folder';
  const realRoot = realPathSoFar(rootPath) ?? rootPath;
  const realTarget = realPathSoFar(target);
  if (realTarget === undefined) return 'it goes through a symbolic link that leads nowhere';
  if (realTarget === realRoot || !isWithin(realRoot, realTarget)) return `through a symbolic link it leads to ${realTarget}`;
  return undefined;
}

/**
 * The absolute path of `recorded`, a path a campaign file (summary.json) holds relative to its
 * campaign folder `root`, checked to lie strictly inside that folder. A campaign folder comes from
 * anywhere (a CI artifact, a colleague's upload), so its paths are data, not orders: '../x', an
 * absolute path or '' would have merge delete and overwrite folders outside --out, and report
 * embed files from outside the campaign. `where` names the file and the field
 * ("/x/summary.json: bugs[3].dir"); anything else is a UserError calling the file corrupt.
 */
export function insideFolder(root: string, recorded: unknown, where: string): string {
  const reason =
    typeof recorded !== 'string'
      ? `it is ${recorded === null ? 'null' : typeof recorded}, not a path`
      : recorded === ''
        ? 'it is empty'
        : recorded.includes('\0')
          ? 'it holds a NUL character'
          : isAbsolute(recorded)
            ? 'it is an absolute path'
            : outsideReason(root, recorded);
  if (reason === undefined) return resolve(root, recorded as string);
  throw new UserError(
    `${where} ${quoted(recorded)} is not a folder inside ${root} (${reason}); the file is corrupt: take it again from the run that wrote it, or delete that entry`,
  );
}
