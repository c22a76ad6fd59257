import { isDType, type DType } from '../ir/dtype.js';
import { UserError } from '../ir/errors.js';

export function parseList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function parsePositiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} must be a positive integer, got '${value}'`);
  return n;
}

export function parseNonNegativeInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${flag} must be a whole number (0 or more), got '${value}'`);
  return n;
}

export function parsePositiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`${flag} must be a positive number, got '${value}'`);
  return n;
}

/** Node's timers hold at most 2^31 - 1 ms; a longer delay wraps to 1 ms, which would make every test a hang. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** --timeout in milliseconds: positive, and within what a Node timer can wait (about 24.8 days). */
export function parseTimeoutMs(value: string): number {
  const ms = parsePositiveNumber('--timeout', value) * 1000;
  if (ms > MAX_TIMER_MS) throw new UserError(`--timeout must be at most ${Math.floor(MAX_TIMER_MS / 1000)} seconds (Node's timer limit), got '${value}'`);
  return ms;
}

/** A percentage, '25' or '25%', as a fraction (0.25). */
export function parsePercent(flag: string, value: string): number {
  const n = Number(value.trim().replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new UserError(`${flag} must be a percentage from 0 to 100, got '${value}'`);
  return n / 100;
}

export function parseDtypes(value: string): DType[] {
  const list = parseList(value);
  for (const d of list) {
    if (!isDType(d)) throw new UserError(`--dtypes: unknown dtype '${d}' (use float32, float64, int32, int64, bool)`);
  }
  return list as DType[];
}

/** Commander's accumulator for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
