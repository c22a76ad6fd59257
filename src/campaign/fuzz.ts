import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendAdapter, BackendDescription } from '../backends/adapter.js';
import { stableStringify } from '../ir/json.js';
import type { GeneratorConfig, GeneratorMethod } from '../generator/generate.js';
import type { OpRegistry } from '../opspec/registry.js';
import { bugSignature } from '../oracles/signature.js';
import { isBug, VERDICTS, type VerdictKind } from '../oracles/verdict.js';
import { writeCaseFolder, writeTestFiles } from './case-folder.js';
import { evaluateOnBackend } from './evaluate.js';
import { DEFAULT_INPUT_CHOICE, makeTestCase, type InputChoice } from './test-case.js';

export interface FuzzOptions {
  readonly seed: string;
  /** Wall-clock budget; no new test starts after it. */
  readonly timeSec: number;
  readonly maxTests?: number;
  readonly outDir: string;
  readonly generator: GeneratorConfig & { method?: GeneratorMethod };
  /** How inputs and weights are chosen (default: gradient search, 50 ms per test). */
  readonly inputs?: InputChoice;
  readonly adapters: readonly BackendAdapter[];
  readonly registry: OpRegistry;
  readonly toolVersion: string;
  /** Called after every test with the running totals. */
  readonly onProgress?: (status: FuzzStatus) => void;
  /** Checked between tests; true ends the campaign early (Ctrl-C). */
  readonly shouldStop?: () => boolean;
}

export interface FuzzStatus {
  readonly tests: number;
  readonly discarded: number;
  readonly elapsedSec: number;
  readonly bugs: number;
  readonly findings: number;
}

export interface BugEntry {
  readonly signature: string;
  readonly verdict: VerdictKind;
  readonly backend: string;
  readonly dir: string;
  readonly message?: string;
  readonly ops: readonly string[];
  readonly firstSeen: { readonly seed: string; readonly testIndex: number };
  occurrences: number;
}

export interface CampaignSummary {
  readonly format: 'tensorsmith.summary/1';
  readonly seed: string;
  /** Tests whose reference run was clean and so were judged on every SUT. */
  readonly tests: number;
  /** Tests dropped because the input search found no values on which the reference run is trustworthy. */
  readonly discarded: number;
  readonly testsPerSec: number;
  readonly elapsedSec: number;
  readonly backends: readonly BackendDescription[];
  readonly verdicts: Record<VerdictKind, number>;
  readonly bugs: readonly BugEntry[];
  readonly config: Readonly<Record<string, unknown>>;
}

/**
 * The fuzz loop: generate test i from (seed, i), run it on every SUT, judge each against the
 * reference, and write one case folder per new bug signature. Writes DIR/summary.json at the end
 * (and after each new bug, so a killed campaign still leaves a summary that matches its folders).
 */
export async function runFuzzCampaign(options: FuzzOptions): Promise<CampaignSummary> {
  const { outDir, adapters } = options;
  mkdirSync(join(outDir, 'bugs'), { recursive: true });
  const descriptions = await Promise.all(adapters.map((a) => a.describe()));
  const verdicts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<VerdictKind, number>;
  const bugs = new Map<string, BugEntry>();
  const inputs = options.inputs ?? DEFAULT_INPUT_CHOICE;
  const config = { generator: options.generator, inputs, backends: adapters.map((a) => a.name), seed: options.seed };
  const start = performance.now();
  let tests = 0;
  let discarded = 0;
  let findings = 0;
  const elapsed = () => (performance.now() - start) / 1000;
  const summary = (): CampaignSummary => ({
    format: 'tensorsmith.summary/1',
    seed: options.seed,
    tests,
    discarded,
    testsPerSec: tests / Math.max(elapsed(), 1e-9),
    elapsedSec: elapsed(),
    backends: descriptions,
    verdicts,
    bugs: [...bugs.values()],
    config,
  });
  const writeSummary = () => writeFileSync(join(outDir, 'summary.json'), stableStringify(summary()));

  for (let index = 0; ; index++) {
    if (elapsed() >= options.timeSec) break;
    if (options.maxTests !== undefined && tests >= options.maxTests) break;
    if (options.shouldStop?.()) break;
    const test = await makeTestCase({ seed: options.seed, index, config: options.generator, registry: options.registry, inputs });
    if (test.untrusted) {
      discarded++;
      continue;
    }
    tests++;
    // On disk before any SUT sees it: if a SUT takes the process down, the test is not lost.
    writeTestFiles(join(outDir, 'current'), test);
    for (const adapter of adapters) {
      const outcome = await evaluateOnBackend(adapter, test, test.inputs, test.expected);
      const verdict = outcome.verdict;
      verdicts[verdict.kind]++;
      if (!isBug(verdict.kind)) continue;
      findings++;
      const signature = bugSignature(verdict, test.model);
      const known = bugs.get(signature.hash);
      if (known) {
        known.occurrences++;
        continue;
      }
      const dir = join(outDir, 'bugs', signature.hash);
      writeCaseFolder(dir, {
        model: test.model,
        onnx: test.onnx,
        inputs: test.inputs,
        expected: test.expected,
        actual: outcome.actual ?? { error: verdict.message ?? verdict.kind },
        meta: {
          format: 'tensorsmith.case/1',
          seed: options.seed,
          testIndex: index,
          toolVersion: options.toolVersion,
          backends: descriptions.filter((d) => d.name === adapter.name),
          config,
          verdict,
          signature,
          timings: { generateMs: test.generateMs, inputMs: test.inputMs, prepareMs: outcome.prepareMs, runMs: outcome.runMs },
          createdAt: new Date().toISOString(),
        },
      });
      bugs.set(signature.hash, {
        signature: signature.hash,
        verdict: verdict.kind,
        backend: adapter.name,
        dir,
        ops: signature.ops,
        firstSeen: { seed: options.seed, testIndex: index },
        occurrences: 1,
        ...(verdict.message ? { message: verdict.message } : {}),
      });
      writeSummary();
    }
    options.onProgress?.({ tests, discarded, elapsedSec: elapsed(), bugs: bugs.size, findings });
  }
  writeSummary();
  return summary();
}
