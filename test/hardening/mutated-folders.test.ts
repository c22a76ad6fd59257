import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplates, runTrial, trialArbitrary, type Templates } from './mutated-folders.js';

/** A few hundred here; bench/mutated-folders.mjs runs thousands (MUTATED_FOLDER_RUNS). */
const RUNS = Number(process.env.MUTATED_FOLDER_RUNS ?? 300);

let templates: Templates;
beforeAll(async () => {
  templates = await makeTemplates();
}, 120_000);
afterAll(() => rmSync(templates.root, { recursive: true, force: true }));

describe('every command that reads files, on damaged case, campaign, conformance and config files', () => {
  it(`succeeds, or refuses with exit 2 and one line; never an internal error, never a write outside its output (${RUNS} runs)`, async () => {
    const tally = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(trialArbitrary, async (trial) => {
        const result = await runTrial(templates, trial);
        const key = `${trial.command} exit ${result.code}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
        expect(result.problem, `${result.argv.join(' ')}\nafter ${result.mutated}\nstderr: ${result.stderr}`).toBeUndefined();
      }),
      { numRuns: RUNS, seed: Number(process.env.MUTATED_FOLDER_SEED ?? 20261202), endOnFailure: true },
    );
    // Both outcomes must occur, or the mutations are too weak (or too strong) to test anything.
    const codes = [...tally.keys()].map((k) => k.split(' exit ')[1]);
    expect(codes).toContain('2');
    expect(codes.some((c) => c === '0' || c === '1')).toBe(true);
    console.log([...tally.entries()].sort().map(([k, n]) => `${k}: ${n}`).join('\n'));
  }, 1_800_000);
});
