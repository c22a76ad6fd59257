import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../ir/errors.js';

export const CONFIG_FILE = 'tensorsmith.config.json';

type ConfigValue = string | number | boolean | readonly (string | number)[];

/**
 * Reads the config file: flag names in camelCase (or kebab-case) as keys, applying to every command
 * that has such a flag, and optionally a section per command name ({"fuzz": {...}}) that wins.
 */
export function readConfigFile(path: string, required: boolean): Record<string, unknown> | undefined {
  if (!existsSync(path)) {
    if (required) throw new UserError(`config file '${path}' does not exist`);
    return undefined;
  }
  try {
    const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('it must hold a JSON object');
    return raw as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`config file '${path}' is not valid: ${(e as Error).message}`);
  }
}

const camel = (key: string) => key.replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase());

/**
 * Applies config values to the options of a command that the command line left at their defaults:
 * the command line always wins. Unknown keys are an error (a typo should not be silently ignored).
 */
export function applyConfig(command: Command, config: Record<string, unknown>, commandNames: readonly string[]): void {
  const section = config[command.name()];
  const entries: [string, unknown][] = [
    ...Object.entries(config).filter(([k]) => !commandNames.includes(k) && k !== '$schema'),
    ...(section && typeof section === 'object' && !Array.isArray(section) ? Object.entries(section) : []),
  ];
  const known = new Map(command.options.map((o) => [o.attributeName(), o]));
  for (const [rawKey, value] of entries) {
    const key = camel(rawKey);
    const option = known.get(key);
    if (!option) {
      // Top-level keys may belong to other commands' flags.
      if (section && Object.prototype.hasOwnProperty.call(section, rawKey)) {
        throw new UserError(`${CONFIG_FILE}: '${command.name()}' has no option '${rawKey}'`);
      }
      continue;
    }
    const source = command.getOptionValueSource(key);
    if (source === 'cli' || source === 'env') continue;
    command.setOptionValueWithSource(key, toOptionValue(value as ConfigValue, option.variadic || Array.isArray(command.getOptionValue(key))), 'config');
  }
}

function toOptionValue(value: ConfigValue, repeatable: boolean): string | boolean | string[] {
  if (Array.isArray(value)) return repeatable ? value.map(String) : value.map(String).join(',');
  if (typeof value === 'boolean') return value;
  return repeatable ? [String(value)] : String(value);
}
