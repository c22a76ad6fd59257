import type { BackendOutcome } from '../oracles/evaluate.js';
import { failedTestOf, type JudgedTest, type SutSession } from '../oracles/sut-session.js';
import { generateModel, GenerationError } from '../generator/generate.js';
import { Rng } from '../generator/rng.js';
import { searchInputs } from '../inputsearch/search.js';
import type { Model } from '../ir/model.js';
import { opDtypePairs } from '../opspec/context.js';
import type { OpRegistry } from '../opspec/registry.js';
import { FEED_PREFIX } from '../oracles/signature.js';
import { isNumeric, type Verdict } from '../oracles/verdict.js';
import type { ReducedTest } from './reduce-bug.js';
import { isSameBug, judgedTestOf } from './same-bug.js';

/** Single-op instances tried per op/dtype pair: a bug of the op alone shows in one of them. */
const INSTANCES = 2;
/** The input search of an instance: bounded in steps, so that it is the same on any machine. */
const SEARCH = { budgetMs: 2000, maxSteps: 100 };

/**
 * The fastest road to a one-node reproducer of an error (a crash, hang, compile or runtime error,
 * a memory violation): each op (with its dtype) of the model, alone in a small generated model with
 * clean inputs, judged alone in a fresh worker. When exactly one op shows the same bug by itself
 * (the same message; for a memory violation, a fault or garbage values), its one-node test is the
 * reduced test: delta debugging would have to get there through a heap of candidates, and does not
 * where the failure depends on how much the model allocates (an out-of-bounds read faults or not as
 * the heap lies). Not for wrong values, which the failing output's cone tells apart better than a
 * fresh instance of each op. Undefined when no op, or more than one, fails alone: the caller
 * reduces the test itself.
 */
export async function singleOpCulprit(args: {
  session: SutSession;
  test: { model: Model };
  verdict: Verdict;
  registry: OpRegistry;
  /** Ends the probe early (the reduction budget). */
  maxChecks: number;
}): Promise<{ reduced: ReducedTest; checks: number } | undefined> {
  const { session, verdict, registry } = args;
  const model = args.test.model;
  if (model.nodes.length < 2 || isNumeric(verdict.kind)) return undefined;
  const nodes = model.nodes.filter((n) => !n.name.startsWith(FEED_PREFIX));
  const t0 = performance.now();
  let checks = 0;
  const culprits: { test: JudgedTest; outcome: BackendOutcome }[] = [];
  for (const pair of opDtypePairs(model, registry, nodes)) {
    for (let i = 0; i < INSTANCES && checks < args.maxChecks; i++) {
      const rng = new Rng(`culprit/${pair.op}/${pair.dtype}/${i}`);
      let single: Model;
      try {
        ({ model: single } = await generateModel({ maxNodes: 1, ops: [pair.op], dtypes: [pair.dtype], opset: model.opset }, registry, rng.fork('model')));
      } catch (e) {
        if (e instanceof GenerationError) continue;
        throw e;
      }
      const found = searchInputs(single, rng.fork('inputs'), { registry, ...SEARCH });
      if (found.untrusted) continue;
      checks++;
      const test = judgedTestOf({ model: found.model, inputs: found.inputs }, registry);
      const outcome = await session.confirm(test, { fullTimeout: false, pristine: false });
      if (isSameBug(verdict, outcome.verdict)) {
        culprits.push({ test, outcome });
        break;
      }
    }
  }
  if (culprits.length !== 1) return undefined;
  const { test, outcome } = culprits[0]!;
  return {
    checks,
    reduced: {
      ...failedTestOf(test, outcome),
      verdict: outcome.verdict,
      stats: {
        fromNodes: model.nodes.length,
        toNodes: 1,
        checks,
        accepted: 1,
        ms: Math.round(performance.now() - t0),
        budgetChecks: args.maxChecks,
        budgetMs: 0,
        complete: true,
        timedOut: false,
      },
    },
  };
}
