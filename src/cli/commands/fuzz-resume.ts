import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../ir/errors.js';
import { readCampaignFlags, writeCampaignFlags, CAMPAIGN_FLAGS_FILE, type FlagValue } from '../../store/campaign-flags.js';

/**
 * The flags that decide which tests a campaign runs and how they are judged. `--resume` restores
 * them from campaign.json and refuses a value that contradicts the recorded one: a resumed campaign
 * that quietly ran other models or other SUTs would not be the campaign it claims to continue.
 */
const DEFINING_FLAGS = [
  'seed',
  'shard',
  'jobs',
  'indexLimit',
  'backends',
  'backendModule',
  'timeout',
  'memoryLimit',
  'isolation',
  'maxNodes',
  'ops',
  'excludeOps',
  'dtypes',
  'maxElements',
  'method',
  'opset',
  'patternShare',
  'guidance',
  'inputSearch',
  'searchMs',
  'searchSteps',
  'reduceMs',
  'reduceSteps',
  'reduceShare',
  'oracle',
  'known',
] as const;

/** Budgets: restored when not given, but a resume may change them (run longer, or more tests). */
const BUDGET_FLAGS = ['time', 'maxTests'] as const;

type FlagName = (typeof DEFINING_FLAGS)[number] | (typeof BUDGET_FLAGS)[number];

/** How a flag is spelled on the command line. */
const flagSpelling = (key: string) => '--' + key.replace(/[A-Z]/g, (ch) => '-' + ch.toLowerCase());

/** Values as campaign.json records them: module paths absolute, so that resuming from another folder loads the same files. */
function recordedValue(key: FlagName, value: unknown): FlagValue | undefined {
  if (value === undefined) return undefined;
  if (key === 'backendModule') return (value as string[]).map((m) => resolve(m));
  if (key === 'known') return resolve(value as string);
  return value as FlagValue;
}

const same = (a: FlagValue | undefined, b: FlagValue | undefined) => JSON.stringify(a) === JSON.stringify(b);

/** A flag's setting as a user would say it: `with --max-nodes 10`, `with --no-isolation`, `without --ops`. */
function setting(key: string, value: FlagValue | undefined): string {
  if (typeof value === 'boolean') return `${value ? 'without' : 'with'} --no-${flagSpelling(key).slice(2)}`;
  if (value === undefined) return `without ${flagSpelling(key)}`;
  return `with ${flagSpelling(key)} ${Array.isArray(value) ? value.join(' ') : String(value)}`;
}

/** The flags of a new campaign as campaign.json records them. */
export function campaignFlagsOf(opts: object, seed: string): Record<string, FlagValue> {
  const flags: Record<string, FlagValue> = {};
  for (const key of [...DEFINING_FLAGS, ...BUDGET_FLAGS]) {
    const value = key === 'seed' ? seed : recordedValue(key, (opts as Partial<Record<FlagName, unknown>>)[key]);
    if (value !== undefined) flags[key] = value;
  }
  return flags;
}

export function recordCampaignFlags(outDir: string, opts: object, seed: string): void {
  writeCampaignFlags(outDir, campaignFlagsOf(opts, seed));
}

/**
 * Restores a resumed campaign's flags into the command's option values: every flag the user did not
 * give (on the command line or in the config file) takes its recorded value; a given flag must agree
 * with the record. Adapter modules are the exception: a campaign folder may come from someone else,
 * and loading the code it names needs the user's own --backend-module, so a recorded module that was
 * not given is refused with the flag to add.
 */
export function restoreCampaignFlags(command: Command, outDir: string): void {
  const recorded = readCampaignFlags(outDir);
  if (recorded === undefined) {
    throw new UserError(
      `'${outDir}' has no ${CAMPAIGN_FLAGS_FILE}, so its flags cannot be restored (a campaign started by an older tensorsmith, or not a campaign folder): start a new campaign folder`,
    );
  }
  const given = (key: string) => ['cli', 'config', 'env'].includes(command.getOptionValueSource(key) ?? '');
  const current = (key: FlagName) => recordedValue(key, command.getOptionValue(key));
  for (const key of [...DEFINING_FLAGS, ...BUDGET_FLAGS]) {
    const record = recorded[key];
    if (key === 'backendModule') {
      const mine = (current(key) ?? []) as readonly string[];
      const theirs = (record ?? []) as readonly string[];
      const missing = theirs.filter((m) => !mine.includes(m));
      if (missing.length > 0) {
        throw new UserError(
          `the campaign in '${outDir}' ran adapters from ${missing.join(', ')}; tensorsmith loads no code a campaign folder names: add ${missing.map((m) => `--backend-module ${m}`).join(' ')} to resume it`,
        );
      }
      if (mine.some((m) => !theirs.includes(m))) throw contradiction(outDir, key, record, mine);
      continue;
    }
    // The seed has no default: a seed that is there was given.
    if (given(key) || (key === 'seed' && current(key) !== undefined)) {
      if ((DEFINING_FLAGS as readonly string[]).includes(key) && !same(current(key), record)) throw contradiction(outDir, key, record, current(key));
      continue;
    }
    command.setOptionValueWithSource(key, record, 'implied');
  }
}

function contradiction(outDir: string, key: string, record: FlagValue | undefined, mine: FlagValue | undefined): UserError {
  const flag = typeof mine === 'boolean' || typeof record === 'boolean' ? `--no-${flagSpelling(key).slice(2)}` : flagSpelling(key);
  return new UserError(
    `--resume: the campaign in '${outDir}' was run ${setting(key, record)}, not ${setting(key, mine)}; drop ${flag} to resume it as it was, or start a new --out`,
  );
}
