import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../ir/errors.js';
import { writeJsonAtomic } from './atomic.js';
import { isRecord } from './fields.js';
import { readJsonFile } from './json-file.js';

/**
 * campaign.json: the flags a fuzz campaign was started with, by attribute name (`maxNodes`,
 * `backendModule`...). `--resume` restores them, so that a resumed campaign runs the same tests as
 * the one that was killed.
 */
export const CAMPAIGN_FLAGS_FILE = 'campaign.json';
const FORMAT = 'tensorsmith.campaign-flags/1';

export type FlagValue = string | boolean | readonly string[];

export function writeCampaignFlags(outDir: string, flags: Readonly<Record<string, FlagValue>>): void {
  writeJsonAtomic(join(outDir, CAMPAIGN_FLAGS_FILE), { format: FORMAT, flags });
}

/** The recorded flags, or undefined when the folder has no campaign.json; a damaged file is a UserError. */
export function readCampaignFlags(outDir: string): Record<string, FlagValue> | undefined {
  const file = join(outDir, CAMPAIGN_FLAGS_FILE);
  if (!existsSync(file)) return undefined;
  const corrupt = (why: string) => new UserError(`${file} is corrupt (${why}); restore it, or start a new campaign folder`);
  const raw = readJsonFile(file);
  if (!isRecord(raw)) throw corrupt('not a JSON object');
  if (raw.format !== FORMAT) throw corrupt(`format is ${JSON.stringify(raw.format)}, expected "${FORMAT}"`);
  if (!isRecord(raw.flags)) throw corrupt('"flags" is not an object');
  const flags: Record<string, FlagValue> = {};
  for (const [key, value] of Object.entries(raw.flags)) {
    const ok = typeof value === 'string' || typeof value === 'boolean' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
    if (!ok) throw corrupt(`flag "${key}" is ${value === null ? 'null' : typeof value}, not a string, boolean or list of strings`);
    flags[key] = value as FlagValue;
  }
  return flags;
}
