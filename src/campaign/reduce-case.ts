import { join } from 'node:path';
import { familyOf, type BackendAdapter, type KnownBugMatch } from '../backends/adapter.js';
import { writeCaseFolder, type CaseMeta } from '../store/case-folder.js';
import type { ReproCase } from './repro.js';
import { UserError } from '../ir/errors.js';
import type { OpRegistry } from '../opspec/registry.js';
import { bugSignature } from '../oracles/signature.js';
import { SutSession } from '../oracles/sut-session.js';
import { singleOpCulprit } from '../reduce/culprit.js';
import { reduceBug, type ReducedTest } from '../reduce/reduce-bug.js';
import { isSameBug, judgedTestOf } from '../reduce/same-bug.js';
import type { ReductionBudget } from '../reduce/search.js';
import { reduceStateBug } from './state-trace.js';
import type { Verdict } from '../oracles/verdict.js';

/**
 * Writes CASE/reduced/ with the full case layout. Its meta.json is the original's with the reduced
 * verdict, the signature of the reduced test and the reduction's figures.
 */
export function writeReducedCase(caseDir: string, original: CaseMeta, reduced: ReducedTest, createdAt: string, family: string): string {
  const dir = join(caseDir, 'reduced');
  const meta: CaseMeta = {
    ...original,
    verdict: reduced.verdict,
    signature: bugSignature(reduced.verdict, reduced.model, { family }),
    reduction: reduced.stats,
    createdAt,
  };
  writeCaseFolder(dir, { ...reduced, meta });
  return dir;
}

/**
 * `tensorsmith reduce CASE`: checks that the recorded bug still shows on the adapter's SUT, reduces
 * the case's test within the budget and writes CASE/reduced/. The SUT may be another than the
 * recorded one (the bug is then looked for there under the adapter's name).
 */
export async function reduceCase(args: {
  case: ReproCase;
  adapter: BackendAdapter;
  registry: OpRegistry;
  budget: ReductionBudget;
  /** The full timeout of a request (--timeout); candidates get adaptive ones below it. */
  timeoutMs: number;
  onProgress?: (nodes: number) => void;
}): Promise<{ dir: string; reduced: ReducedTest; knownBug?: KnownBugMatch }> {
  const { adapter, registry } = args;
  const { test, meta, dir } = args.case;
  const verdict = { ...meta.verdict, backend: adapter.name };
  const session = new SutSession(adapter, { fullMs: args.timeoutMs });
  if (args.case.setup) return reduceStateCase({ ...args, session, verdict });
  const now = await session.confirm(judgedTestOf(test, registry));
  if (!isSameBug(verdict, now.verdict)) {
    const detail = now.verdict.message ? `: ${now.verdict.message}` : '';
    const another = now.verdict.kind === verdict.kind ? 'another ' : '';
    throw new UserError(`the bug does not reproduce on ${adapter.name} (it now gives ${another}${now.verdict.kind}${detail}); nothing to reduce`);
  }
  const culprit = await singleOpCulprit({ session, test, verdict, registry, maxChecks: args.budget.checks });
  const reduced =
    culprit?.reduced ??
    (await reduceBug({
      session,
      test,
      verdict,
      registry,
      budget: args.budget,
      ...(args.onProgress ? { onProgress: args.onProgress } : {}),
    }));
  if (!reduced) throw new UserError(`the bug stopped reproducing on ${adapter.name} during the reduction (is the SUT flaky?); nothing was written`);
  // The SUT that showed the reduced bug (another one than recorded when --backends chose it).
  const sut = { ...meta, backends: [await adapter.describe()] };
  const written = writeReducedCase(dir, sut, reduced, new Date().toISOString(), familyOf(adapter));
  // Reduced to a model the SUT's recorded bugs name: that corpus bug, however it failed.
  const knownBug = adapter.knownBug?.(reduced.model);
  return { dir: written, reduced, ...(knownBug ? { knownBug } : {}) };
}

/** `tensorsmith reduce` of a state bug's case: the setup test and the test it breaks, reduced in turn. */
async function reduceStateCase(args: {
  case: ReproCase;
  adapter: BackendAdapter;
  session: SutSession;
  verdict: Verdict;
  registry: OpRegistry;
  budget: ReductionBudget;
}): Promise<{ dir: string; reduced: ReducedTest }> {
  const { adapter, session, verdict, registry } = args;
  const { test, meta, dir } = args.case;
  const setup = args.case.setup!;
  const t0 = performance.now();
  const now = await session.afterSetup([judgedTestOf(setup, registry)], judgedTestOf(test, registry));
  if (!now || !isSameBug(verdict, now.verdict)) {
    throw new UserError(`the state bug does not reproduce on ${adapter.name} (after the setup test, the case gives ${now?.verdict.kind ?? 'nothing: the setup test itself failed'}); nothing to reduce`);
  }
  const r = await reduceStateBug({ session, setup, victim: test, verdict, registry, budget: args.budget });
  if (!r) throw new UserError(`the state bug stopped reproducing on ${adapter.name} during the reduction (is the SUT flaky?); nothing was written`);
  const reduced: ReducedTest = {
    ...r.victim,
    actual: r.outcome.actual ?? { error: r.outcome.verdict.message ?? r.outcome.verdict.kind },
    verdict: r.outcome.verdict,
    stats: {
      fromNodes: test.model.nodes.length,
      toNodes: r.victim.model.nodes.length,
      checks: r.checks,
      accepted: 0,
      ms: Math.round(performance.now() - t0),
      budgetChecks: args.budget.checks,
      budgetMs: args.budget.ms,
      complete: r.complete,
      timedOut: r.timedOut,
    },
  };
  const signature = bugSignature(r.outcome.verdict, r.victim.model, { family: familyOf(adapter), setup: r.setup.model });
  const out = join(dir, 'reduced');
  writeCaseFolder(out, {
    ...reduced,
    meta: { ...meta, backends: [await adapter.describe()], verdict: r.outcome.verdict, signature, reduction: reduced.stats, createdAt: new Date().toISOString() },
    setup: r.setup,
  });
  return { dir: out, reduced };
}
