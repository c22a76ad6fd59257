import { existsSync } from 'node:fs';
import { UserError } from '../ir/errors.js';
import { describeValue, FieldReader, isRecord } from './fields.js';
import { readJsonFile } from './json-file.js';

export const CONFIG_FILE = 'tensorsmith.config.json';

/** A value the config file may give a flag: what a command line can say. */
export type ConfigValue = string | number | boolean | readonly (string | number)[];

/** The config file: flag values by name, and sections (a command's name -> its own flag values). */
export type ConfigFile = Record<string, ConfigValue | Readonly<Record<string, ConfigValue>>>;

const REMEDY = 'fix it or pass another with --config';
const WANT = 'a string, a number, true or false, or a list of strings and numbers';

function readValue(r: FieldReader, x: unknown, where: string): ConfigValue {
  if (typeof x === 'string' || typeof x === 'boolean') return x;
  if (typeof x === 'number' && Number.isFinite(x)) return x;
  if (Array.isArray(x) && x.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) return x as (string | number)[];
  return r.fail(where, WANT, x);
}

/**
 * Reads the config file: flag names in camelCase (or kebab-case) as keys, applying to every command
 * that has such a flag, and optionally a section per command name ({"fuzz": {...}}) that wins. Each
 * value must be something a command line could give; which flag takes which type is checked when
 * the values are applied to a command (cli/config-file.ts). A missing file is undefined unless
 * `required` (named by --config).
 */
export function readConfigFile(path: string, required: boolean): ConfigFile | undefined {
  if (!existsSync(path)) {
    if (required) throw new UserError(`config file '${path}' does not exist`);
    return undefined;
  }
  let raw: unknown;
  try {
    raw = readJsonFile(path);
  } catch (e) {
    // The config file is named as such: its problems are not a campaign's.
    throw new UserError(`config file '${path}': ${(e as Error).message.replace(`${path} `, '')}`);
  }
  if (!isRecord(raw)) throw new UserError(`config file '${path}' must hold a JSON object of flag values ({"maxNodes": 5, ...}), got ${Array.isArray(raw) ? 'an array' : describeValue(raw)}`);
  const r = new FieldReader(`config file '${path}'`, REMEDY);
  const config: ConfigFile = {};
  for (const [key, value] of Object.entries(raw)) {
    config[key] = isRecord(value) ? r.record(value, `'${key}'`, (v, w) => readValue(r, v, w)) : readValue(r, value, `'${key}'`);
  }
  return config;
}
