import type { Command, Option } from 'commander';
import { UserError } from '../ir/errors.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A JSON value as a message shows it: short, with its type when that is what was wrong. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

const camel = (key: string) => key.replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase());

/** Flags whose argument is a number; the config file may give it as a JSON number or a string ("25%"). */
const NUMBER_ARGUMENTS = new Set(['n', 'seconds', 'ms', 'mb', 'percent', 'i']);

/**
 * Applies config values to the options of a command that the command line left at their defaults:
 * the command line always wins. Unknown keys and values of the wrong type are errors: a typo or a
 * `"resume": "yes"` must not be silently ignored or turned into something else.
 */
export function applyConfig(command: Command, config: Record<string, unknown>, commandNames: readonly string[], path: string): void {
  const name = command.name();
  const section = config[name];
  if (section !== undefined && !isObject(section)) {
    throw new UserError(`config file '${path}': '${name}' must be an object of ${name}'s flag values ({"maxNodes": 5, ...}), got ${describe(section)}`);
  }
  const entries: [string, unknown][] = [
    ...Object.entries(config).filter(([k]) => !commandNames.includes(k) && k !== '$schema'),
    ...(section ? Object.entries(section) : []),
  ];
  const known = new Map(command.options.map((o) => [o.attributeName(), o]));
  for (const [rawKey, value] of entries) {
    const key = camel(rawKey);
    const option = known.get(key);
    if (!option) {
      // Top-level keys may belong to other commands' flags.
      if (section && Object.prototype.hasOwnProperty.call(section, rawKey)) {
        throw new UserError(`config file '${path}': '${name}' has no option '${rawKey}' (see tensorsmith ${name} --help)`);
      }
      continue;
    }
    const repeatable = option.variadic || Array.isArray(command.getOptionValue(key));
    const where = `config file '${path}': '${section && Object.prototype.hasOwnProperty.call(section, rawKey) ? `${name}.${rawKey}` : rawKey}'`;
    // Checked even when the command line overrides it: the file is wrong either way.
    const optionValue = toOptionValue(value, option, repeatable, where);
    const source = command.getOptionValueSource(key);
    if (source === 'cli' || source === 'env') continue;
    command.setOptionValueWithSource(key, optionValue, 'config');
  }
}

/** The value the command line would have given the option, or a UserError naming the expected type. */
function toOptionValue(value: unknown, option: Option, repeatable: boolean, where: string): string | boolean | string[] {
  const flag = option.long ?? option.flags;
  // An option without an argument is a switch: only true or false says what it means.
  if (option.isBoolean() || option.negate) {
    if (typeof value === 'boolean') return value;
    const meaning = option.negate ? `false means ${flag}` : `the switch ${flag}`;
    throw new UserError(`${where} must be true or false (${meaning}), got ${describe(value)}`);
  }
  const argument = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1]?.replace(/\.\.\.$/, '') ?? '';
  const isList = repeatable || argument === 'list';
  const scalar = (v: unknown) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
  if (isList) {
    if (Array.isArray(value) && value.every(scalar)) return repeatable ? value.map(String) : value.map(String).join(',');
    if (typeof value === 'string') return repeatable ? [value] : value;
    throw new UserError(`${where} must be a list of strings (["a", "b"]) or a comma-separated string (the value of ${flag}), got ${describe(value)}`);
  }
  if (NUMBER_ARGUMENTS.has(argument)) {
    if (scalar(value)) return String(value);
    throw new UserError(`${where} must be a number (the value of ${flag}), got ${describe(value)}`);
  }
  if (scalar(value)) return String(value);
  throw new UserError(`${where} must be a string (the value of ${flag} <${argument}>), got ${describe(value)}`);
}
