import { join } from 'node:path';
import { familyOf, type BackendAdapter } from '../backends/adapter.js';
import { bugSignature } from '../oracles/signature.js';
import { isBug } from '../oracles/verdict.js';
import { writeCaseFolder } from '../store/case-folder.js';
import type { LoadedTest, ReplayResult } from './replay.js';

/**
 * Writes a bug case folder (`outDir/<SUT>`: the test files, expected and actual values, meta.json,
 * repro.mjs and, by SUT, repro.py and repro.html) for every SUT that failed a test `tensorsmith run`
 * ran: a model from elsewhere becomes a case that repro, reduce and report take. The folders it
 * wrote, by SUT.
 */
export async function writeRunCases(args: {
  outDir: string;
  source: string;
  seed: string;
  test: LoadedTest;
  result: ReplayResult;
  adapters: readonly BackendAdapter[];
  toolVersion: string;
  timeoutMs: number;
}): Promise<Map<string, string>> {
  const written = new Map<string, string>();
  const { test, result } = args;
  for (const outcome of result.outcomes) {
    const { verdict } = outcome;
    const adapter = args.adapters.find((a) => a.name === verdict.backend);
    if (!adapter || !isBug(verdict.kind)) continue;
    const kernelOf = adapter.kernelOf?.bind(adapter);
    const signature = bugSignature(verdict, test.model, { family: familyOf(adapter), ...(kernelOf ? { kernelOf } : {}) });
    const dir = join(args.outDir, adapter.name);
    writeCaseFolder(dir, {
      model: test.model,
      onnx: result.onnx,
      inputs: test.inputs,
      expected: result.expected,
      actual: outcome.actual ?? { error: verdict.message ?? verdict.kind },
      meta: {
        format: 'tensorsmith.case/1',
        // Not a campaign's test: the seed says where the inputs came from, the index is none's.
        seed: `tensorsmith run ${args.source} --seed ${args.seed}`,
        testIndex: 0,
        toolVersion: args.toolVersion,
        backends: [await adapter.describe()],
        family: familyOf(adapter),
        config: { backends: [adapter.name], timeoutMs: args.timeoutMs, source: args.source },
        verdict,
        signature,
        timings: { prepareMs: outcome.prepareMs, runMs: outcome.runMs },
        createdAt: new Date().toISOString(),
      },
    });
    written.set(adapter.name, dir);
  }
  return written;
}
