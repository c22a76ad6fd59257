import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from './atomic.js';
import { FieldReader } from './fields.js';
import { readJsonFile } from './json-file.js';

/**
 * guidance.json: the coverage-guidance state at the start of each epoch of a campaign (how many
 * tests had fired each rewrite), as the generator used it. Test i of a guided campaign is a pure
 * function of the seed, i and the state of i's epoch; `repro --campaign` reads it from here.
 */
export const GUIDANCE_FILE = 'guidance.json';
const FORMAT = 'tensorsmith.guidance/1';

/** Per rewrite, how many tests had fired it (see the generator's Hits). */
type Hits = Readonly<Record<string, number>>;

export interface GuidanceRecord {
  /** Test indices per epoch: index i is in epoch floor(i / epochLength). */
  readonly epochLength: number;
  /** The state each epoch started with, by epoch number. */
  readonly epochs: Record<string, Hits>;
}

export function writeGuidance(dir: string, record: GuidanceRecord): void {
  writeJsonAtomic(join(dir, GUIDANCE_FILE), { format: FORMAT, ...record });
}

/** The campaign's guidance record, or undefined when it has none (an unguided campaign). */
export function readGuidance(dir: string): GuidanceRecord | undefined {
  const file = join(dir, GUIDANCE_FILE);
  if (!existsSync(file)) return undefined;
  const r = new FieldReader(file, 'restore it from a copy: without it the guided tests of this campaign cannot be regenerated');
  const raw = r.object(readJsonFile(file), 'the file');
  if (raw.format !== FORMAT) r.fail('"format"', `"${FORMAT}"`, raw.format);
  const epochLength = r.count(raw.epochLength, '"epochLength"');
  if (epochLength < 1) r.fail('"epochLength"', 'a positive integer', epochLength);
  const epochs: Record<string, Hits> = {};
  for (const [epoch, state] of Object.entries(r.object(raw.epochs, '"epochs"'))) {
    if (!/^(0|[1-9][0-9]*)$/.test(epoch)) r.fail(`epoch "${epoch}"`, 'named by its number');
    epochs[epoch] = r.counts(state, `epoch ${epoch}`);
  }
  return { epochLength, epochs };
}
