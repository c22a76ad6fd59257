import { UserError } from '../ir/errors.js';
import { insideFolder } from './contained-path.js';

export function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** A JSON value as a message names what it got: its kind, and short scalars themselves. */
export function describeValue(x: unknown): string {
  if (x === undefined) return 'nothing (it is missing)';
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'a list';
  if (typeof x === 'object') return 'an object';
  const text = JSON.stringify(x) ?? String(x);
  return `${typeof x} ${text.length > 60 ? `${text.slice(0, 60)}...` : text}`;
}

/**
 * Checks the fields of one JSON file. Every failure is a UserError of one line naming the file, the
 * field, what it must be, what it is, and what to do (`remedy`): a damaged file never reaches the
 * code that trusts its types.
 */
export class FieldReader {
  constructor(
    readonly file: string,
    private readonly remedy: string,
  ) {}

  fail(where: string, what: string, got?: unknown): never {
    const found = arguments.length > 2 ? `, got ${describeValue(got)}` : '';
    throw new UserError(`${this.file}: ${where} must be ${what}${found}; ${this.remedy}`);
  }

  object(x: unknown, where: string): Record<string, unknown> {
    return isRecord(x) ? x : this.fail(where, 'an object', x);
  }

  string(x: unknown, where: string): string {
    return typeof x === 'string' ? x : this.fail(where, 'a string', x);
  }

  number(x: unknown, where: string): number {
    return typeof x === 'number' && Number.isFinite(x) ? x : this.fail(where, 'a number', x);
  }

  /** A count or an index: an integer, at least 0. */
  count(x: unknown, where: string): number {
    return typeof x === 'number' && Number.isInteger(x) && x >= 0 ? x : this.fail(where, 'a non-negative integer', x);
  }

  boolean(x: unknown, where: string): boolean {
    return typeof x === 'boolean' ? x : this.fail(where, 'true or false', x);
  }

  /** One of a fixed set of strings. */
  oneOf<T extends string>(x: unknown, allowed: readonly T[], where: string): T {
    const found = allowed.find((a) => a === x);
    return found ?? this.fail(where, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, x);
  }

  /** The file's "format" field: another value means another kind of file (`kind`), or another version of tensorsmith. */
  format(o: Record<string, unknown>, expected: string, kind: string): void {
    if (o.format === expected) return;
    throw new UserError(`${this.file} is not ${kind} (its "format" is ${describeValue(o.format)}, not "${expected}"); ${this.remedy}`);
  }

  array(x: unknown, where: string): readonly unknown[] {
    return Array.isArray(x) ? x : this.fail(where, 'a list', x);
  }

  strings(x: unknown, where: string): string[] {
    return this.array(x, where).map((s, i) => this.string(s, `${where}[${i}]`));
  }

  /** A tally (key -> count). */
  counts(x: unknown, where: string): Record<string, number> {
    return Object.fromEntries(Object.entries(this.object(x, where)).map(([k, v]) => [k, this.count(v, `${where}.${JSON.stringify(k)}`)]));
  }

  /** An object whose values all pass `read`. */
  record<T>(x: unknown, where: string, read: (v: unknown, where: string) => T): Record<string, T> {
    return Object.fromEntries(Object.entries(this.object(x, where)).map(([k, v]) => [k, read(v, `${where}.${JSON.stringify(k)}`)]));
  }

  /** `read(x)` when x is present; undefined when absent (a field the writer leaves out when it has nothing to say). */
  optional<T>(x: unknown, where: string, read: (v: unknown, where: string) => T): T | undefined {
    return x === undefined ? undefined : read(x, where);
  }

  /** A path relative to `folder`, checked to lie strictly inside it (following symbolic links): readers of the file open what it names. */
  pathInside(folder: string, x: unknown, where: string): string {
    insideFolder(folder, x, `${this.file}: ${where}`);
    return x as string;
  }
}

/** `{ key: value }` when value is defined, else `{}`: for spreading optional fields into a result. */
export function present<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
