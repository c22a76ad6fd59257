import { join } from 'node:path';
import type { BackendAdapter } from '../backends/adapter.js';
import { writeCaseFolder, type CaseMeta } from '../campaign/case-folder.js';
import type { ReproCase } from '../campaign/repro.js';
import { UserError } from '../ir/errors.js';
import type { OpRegistry } from '../opspec/registry.js';
import { bugSignature } from '../oracles/signature.js';
import { reduceBug, type ReducedTest } from './reduce-bug.js';
import { isSameBug, judgeCandidate } from './same-bug.js';

/**
 * Writes CASE/reduced/ with the full case layout. Its meta.json is the original's with the reduced
 * verdict, the signature of the reduced test and the reduction's figures.
 */
export function writeReducedCase(caseDir: string, original: CaseMeta, reduced: ReducedTest, createdAt: string): string {
  const dir = join(caseDir, 'reduced');
  const meta: CaseMeta = {
    ...original,
    verdict: reduced.verdict,
    signature: bugSignature(reduced.verdict, reduced.model),
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
  budgetMs: number;
  onProgress?: (nodes: number) => void;
}): Promise<{ dir: string; reduced: ReducedTest }> {
  const { adapter, registry } = args;
  const { test, meta, dir } = args.case;
  const verdict = { ...meta.verdict, backend: adapter.name };
  const now = await judgeCandidate(adapter, test, registry);
  if (!isSameBug(verdict, now.verdict)) {
    const detail = now.verdict.message ? `: ${now.verdict.message}` : '';
    const another = now.verdict.kind === verdict.kind ? 'another ' : '';
    throw new UserError(`the bug does not reproduce on ${adapter.name} (it now gives ${another}${now.verdict.kind}${detail}); nothing to reduce`);
  }
  const reduced = await reduceBug({
    adapter,
    test,
    verdict,
    registry,
    budgetMs: args.budgetMs,
    ...(args.onProgress ? { onProgress: args.onProgress } : {}),
  });
  if (!reduced) throw new UserError(`the bug stopped reproducing on ${adapter.name} during the reduction (is the SUT flaky?); nothing was written`);
  // The SUT that showed the reduced bug (another one than recorded when --backends chose it).
  const sut = { ...meta, backends: [await adapter.describe()] };
  return { dir: writeReducedCase(dir, sut, reduced, new Date().toISOString()), reduced };
}
