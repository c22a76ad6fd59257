import type { RewriteHits } from '../generator/insertion-policy.js';
import { UserError } from '../ir/errors.js';
import { readGuidance, writeGuidance, GUIDANCE_FILE, type GuidanceRecord } from '../store/guidance-file.js';
import type { RewriteCoverage } from '../store/summary.js';

/**
 * Test indices per guidance epoch. The state changes at epoch boundaries only, so that a test's
 * model depends on a recorded state rather than on which tests happened to finish before it.
 */
export const GUIDANCE_EPOCH = 50;

/** Coverage as guidance reads it: per rewrite, the tests of the SUT that fired it most. */
export function hitsOf(coverage: RewriteCoverage): RewriteHits {
  const hits: Record<string, number> = {};
  for (const rewrites of Object.values(coverage)) {
    for (const [name, count] of Object.entries(rewrites)) hits[name] = Math.max(hits[name] ?? 0, count.tests);
  }
  return hits;
}

/**
 * A campaign's guidance: the state of each epoch is taken from the coverage when the epoch's first
 * test starts and recorded in guidance.json before that test runs; a resumed campaign and
 * `repro --campaign` read the recorded state.
 */
export class CampaignGuidance {
  private readonly record: GuidanceRecord;

  constructor(private readonly dir: string) {
    this.record = readGuidance(dir) ?? { epochLength: GUIDANCE_EPOCH, epochs: {} };
  }

  /** The state test `index` is generated with; `coverage` is the campaign's coverage so far. */
  stateFor(index: number, coverage: RewriteCoverage): RewriteHits {
    const epoch = String(Math.floor(index / this.record.epochLength));
    const recorded = this.record.epochs[epoch];
    if (recorded) return recorded;
    const state = hitsOf(coverage);
    this.record.epochs[epoch] = state;
    writeGuidance(this.dir, this.record);
    return state;
  }
}

/** The recorded state test `index` of a guided campaign was generated with (for repro --campaign). */
export function recordedState(dir: string, index: number): RewriteHits {
  const record = readGuidance(dir);
  if (!record) throw new UserError(`${dir} has no ${GUIDANCE_FILE}, yet its campaign was guided: restore the file, or regenerate from a case folder instead`);
  const state = record.epochs[String(Math.floor(index / record.epochLength))];
  if (!state) throw new UserError(`the campaign in ${dir} never reached test ${index}: its ${GUIDANCE_FILE} has no state for that test's epoch`);
  return state;
}
