import { statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DTYPES, isDType, type DType } from '../ir/dtype.js';
import { UserError } from '../ir/errors.js';

export function parseList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A comma-separated list that must name something: '' or ' , ' is a mistake, not "nothing". */
export function parseNonEmptyList(flag: string, value: string, what: string): string[] {
  const list = parseList(value);
  if (list.length === 0) throw new UserError(`${flag} is empty: name at least one ${what}`);
  return list;
}

/** The largest a count flag may be, and why (a value past it would run for ever or allocate without end). */
export interface Ceiling {
  readonly max: number;
  readonly why: string;
}

/** Counts past this are not exact in a double: no flag means them. */
const SAFE: Ceiling = { max: Number.MAX_SAFE_INTEGER, why: 'larger integers are not exact' };

export function parsePositiveInt(flag: string, value: string, ceiling: Ceiling = SAFE): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} must be a positive integer, got '${value}'`);
  if (n > ceiling.max) throw new UserError(`${flag} must be at most ${ceiling.max} (${ceiling.why}), got '${value}'`);
  return n;
}

export function parseNonNegativeInt(flag: string, value: string, ceiling: Ceiling = SAFE): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${flag} must be a whole number (0 or more), got '${value}'`);
  if (n > ceiling.max) throw new UserError(`${flag} must be at most ${ceiling.max} (${ceiling.why}), got '${value}'`);
  return n;
}

export function parsePositiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`${flag} must be a positive number, got '${value}'`);
  return n;
}

const DURATION_UNITS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600 };

/** A duration in seconds: '90', '90s', '5m', '1.5h'. */
export function parseDurationSec(flag: string, value: string): number {
  const match = /^\s*([\d.eE+-]+)\s*([smh]?)\s*$/.exec(value);
  const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2]!]! : NaN;
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UserError(`${flag} must be a positive duration (seconds, or with a unit: 30s, 5m, 1h), got '${value}'`);
  return seconds;
}

/** Node's timers hold at most 2^31 - 1 ms; a longer delay wraps to 1 ms, which would make every test a hang. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** --timeout in milliseconds: positive, and within what a Node timer can wait (about 24.8 days). */
export function parseTimeoutMs(value: string): number {
  const ms = parseDurationSec('--timeout', value) * 1000;
  if (ms > MAX_TIMER_MS) throw new UserError(`--timeout must be at most ${Math.floor(MAX_TIMER_MS / 1000)} seconds (Node's timer limit), got '${value}'`);
  return ms;
}

/** A percentage, '25' or '25%', as a fraction (0.25). */
export function parsePercent(flag: string, value: string): number {
  const n = Number(value.trim().replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new UserError(`${flag} must be a percentage from 0 to 100, got '${value}'`);
  return n / 100;
}

/** --dtypes: a list of dtypes, or `all` (every dtype the generator supports). */
export function parseDtypes(value: string): DType[] {
  const list = parseNonEmptyList('--dtypes', value, `dtype (${DTYPES.join(', ')}), or all`);
  if (list.length === 1 && list[0] === 'all') return [...DTYPES];
  for (const d of list) {
    if (!isDType(d)) throw new UserError(`--dtypes: unknown dtype '${d}' (use ${DTYPES.join(', ')}, or all)`);
  }
  return list as DType[];
}

/** Commander's accumulator for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The path's stat, or undefined when nothing is there (a path below a file, too: ENOTDIR). */
function statOrNothing(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** The path itself or, when it does not exist yet, its nearest existing ancestor (which creating it goes through). */
function nearestExisting(path: string): { path: string; isDirectory: boolean } {
  let at = resolve(path);
  for (;;) {
    const stat = statOrNothing(at);
    if (stat) return { path: at, isDirectory: stat.isDirectory() };
    const parent = dirname(at);
    if (parent === at) return { path: at, isDirectory: true };
    at = parent;
  }
}

/** Checks, before anything is written, that a folder flag can be a folder: neither it nor a parent is a file. */
export function checkFolderFlag(flag: string, path: string): void {
  const existing = nearestExisting(path);
  if (existing.isDirectory) return;
  const which = existing.path === resolve(path) ? `'${path}' is a file` : `'${existing.path}' (on the way to '${path}') is a file`;
  throw new UserError(`${flag} must be a folder, but ${which}: give a folder path`);
}

/** Checks, before anything is written, that a file flag can be a file: it is not a folder, and no parent is a file. */
export function checkFileFlag(flag: string, path: string): void {
  if (statOrNothing(resolve(path))?.isDirectory()) {
    throw new UserError(`${flag} must be a file, but '${path}' is a folder: give a file path, such as one inside that folder`);
  }
  const existing = nearestExisting(dirname(resolve(path)));
  if (!existing.isDirectory) throw new UserError(`${flag}: cannot write '${path}' because '${existing.path}' is a file, not a folder`);
}
