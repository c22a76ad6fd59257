import { UserError } from '../ir/errors.js';

/**
 * Which test indices a campaign runs: those congruent to `index` modulo `count`. Shards of one seed
 * are disjoint and together cover every index, so CI matrix jobs split a campaign deterministically.
 */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export const WHOLE: Shard = { index: 0, count: 1 };

/** The test index of a campaign's step `t` (its t-th test). */
export function testIndexAt(shard: Shard, t: number): number {
  return shard.index + shard.count * t;
}

/** Whether the shard runs test `index` (whether some t has testIndexAt(shard, t) === index). */
export function shardHolds(shard: Shard, index: number): boolean {
  return index % shard.count === shard.index;
}

/** Parses `i/N` (0 <= i < N). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) throw new UserError(`--shard must be i/N with 0 <= i < N (e.g. 0/4), got '${text}'`);
  return { index, count };
}

/** Shard `job` of `jobs` within a shard: what one parallel worker of a sharded campaign runs. */
export function subShard(shard: Shard, job: number, jobs: number): Shard {
  return { index: shard.index + shard.count * job, count: shard.count * jobs };
}
