import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLANTED_BUGS } from '../fixtures/fusing-compiler.mjs';
import { tempDir } from '../helpers.js';
import { bugLabels, fuzzFixture } from '../support/fixture-campaign.js';

const FIXTURE = 'test/fixtures/fusing-compiler.mjs';

interface ReducedModel {
  nodes: { op: string; inputs: string[]; outputs: { name: string }[] }[];
  outputs: string[];
}

/** What each reduced trigger must still hold for its bug to fire: the fused edge, and the slot or second consumer that breaks it. */
const TRIGGER_SHAPES: Record<string, (m: ReducedModel) => boolean> = {
  'Add, MatMul': (m) => node(m, 'Add').inputs.includes(output(m, 'MatMul')),
  'Clip, Relu': (m) => node(m, 'Clip').inputs.indexOf(output(m, 'Relu')) > 0,
  'Conv, Relu': (m) => node(m, 'Relu').inputs[0] === output(m, 'Conv') && m.outputs.includes(output(m, 'Conv')),
};

function node(m: ReducedModel, op: string) {
  return m.nodes.find((n) => n.op === op)!;
}

function output(m: ReducedModel, op: string): string {
  return node(m, op).outputs[0]!.name;
}

/**
 * A campaign with the generator as a user gets it (every op, the default --pattern-share, coverage
 * guidance on; only the model size is capped, and the dtypes to the fixture's float32) against a SUT whose bugs are all in its fusion pass
 * (see the fixture's header): a fixed range of tests finds each of the three, lists it once,
 * reduced to its pattern's nodes, and lists nothing else. None of these bugs is in a single op, so
 * this is the generator's rewrite patterns (and their near misses) at work: with --pattern-share 0,
 * 2,000 tests of another seed built none of the three triggers.
 */
describe('a campaign against a compiler with fusion bugs', () => {
  it('finds each planted fusion bug with the default generator, reduced to its pattern, and nothing else', () => {
    const out = tempDir();
    // The last bug (Relu feeding a Clip's max) is first generated within the first 200 tests of this seed
    // (the ~130 ops of the generator make each pattern rarer than the 105 did, when 100 sufficed).
    const { run, summary } = fuzzFixture({ fixture: FIXTURE, sut: 'fusing-compiler', out, flags: ['--seed', 's2', '--index-limit', '200', '--max-nodes', '4', '--dtypes', 'float32'] });
    expect(run.status, run.stderr).toBe(1);
    expect(bugLabels(summary.bugs)).toEqual(bugLabels(PLANTED_BUGS));
    for (const bug of summary.bugs) {
      expect(bug.reduced, `${bug.ops.join(', ')} was not reduced`).toBeDefined();
      expect(bug.reduced!.nodes).toBe(bug.ops.length);
      const reduced = JSON.parse(readFileSync(join(out, bug.reduced!.dir, 'model.json'), 'utf8')) as ReducedModel;
      expect(reduced.nodes.map((n) => n.op).sort()).toEqual([...bug.ops].sort());
      expect(TRIGGER_SHAPES[bug.ops.join(', ')]!(reduced), `the reduced ${bug.ops.join(', ')} lost its trigger`).toBe(true);
      expect(bug.seenOn).toEqual(['fusing-compiler']);
    }
    expect(summary.unconfirmed).toBe(0);
    expect(summary.internalErrors).toEqual([]);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('new bug: '))).toHaveLength(PLANTED_BUGS.length);
  }, 300_000);
});
