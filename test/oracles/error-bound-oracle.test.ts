import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { bugLabels, fuzzFixture } from '../support/fixture-campaign.js';

const FIXTURE = 'test/fixtures/imprecise-ops.mjs';

/**
 * Default-settings campaigns over a fixed range of tests against SUTs that compute like a float32
 * runtime except for one op with a relative error of 2^-14 (see the fixture's header): the error
 * bounds find that op, reduced to it, and nothing else; the fixed tolerances (rtol 1e-3) see nothing.
 */
describe('the error-bound oracle', () => {
  const campaign = (sut: string, indexLimit: number, oracle: 'bounds' | 'fixed') =>
    fuzzFixture({ fixture: FIXTURE, sut, out: tempDir(), flags: ['--seed', 'bounds-fixture', '--index-limit', String(indexLimit), '--oracle', oracle] });

  it.each([
    ['imprecise-exp', 300, 'wrong-result [Exp]'],
    ['imprecise-matmul', 200, 'wrong-result [MatMul]'],
  ])('finds %s in more tests than fixed tolerances do', (sut, indexLimit, planted) => {
    const bounds = campaign(sut, indexLimit, 'bounds');
    expect(bounds.run.status, bounds.run.stderr).toBe(1);
    expect(bugLabels(bounds.summary.bugs.map((b) => ({ ...b, class: b.verdict })))).toEqual([planted]);
    expect(bounds.summary.bugs[0]!.reduced?.nodes).toBe(1);
    expect(bounds.run.stdout).toMatch(/expected -?[\d.e-]+ ± [\d.e-]+: [\d.e+]+ times the bound/);
    // Fixed tolerances see the error only where it is large against the result (a MatMul whose sum
    // cancels): over the same tests they find the planted op in fewer of them, or in none.
    const fixed = campaign(sut, indexLimit, 'fixed');
    const found = (summary: typeof bounds.summary) => summary.bugs.reduce((n, b) => n + b.occurrences, 0);
    expect(bugLabels(fixed.summary.bugs.map((b) => ({ ...b, class: b.verdict }))).filter((label) => label !== planted)).toEqual([]);
    expect(found(fixed.summary)).toBeLessThan(found(bounds.summary));
  }, 120_000);
});
