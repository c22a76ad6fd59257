import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unsupportedNode } from '../../src/backends/adapter.js';
import { builtinBackends } from '../../src/backends/registry.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { allowedSpecs, generate, GenerationError } from '../../src/generator/generate.js';
import { Rng } from '../../src/generator/rng.js';
import { randomInputs } from '../../src/generator/values.js';
import { modelToJson } from '../../src/ir/json.js';
import type { Model } from '../../src/ir/model.js';
import { validateModel } from '../../src/opspec/validate.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { runReference } from '../../src/reference-runtime/executor.js';
import { tempDir } from '../helpers.js';

const registry = builtinRegistry();
const ortDisabled = builtinBackends().create('ort-disabled');

function hasMerge(model: Model): boolean {
  const produced = new Set(model.nodes.flatMap((n) => n.outputs.map((o) => o.name)));
  return model.nodes.some((n) => n.inputs.filter((i) => produced.has(i)).length >= 2);
}

describe.each(['smt', 'random'] as const)('the %s generator', (method) => {
  it('makes valid models that run on the reference and load on onnxruntime, covering every allowed op, with merges', async () => {
    const seen = new Set<string>();
    let merges = 0;
    // 240 models of 10 nodes: about 18 nodes per op of the ~130 a float32 model may hold.
    const seeds = 240;
    for (let seed = 0; seed < seeds; seed++) {
      const { model } = await generate({ maxNodes: 10, method, patternShare: 0 }, registry, new Rng(seed));
      expect(model.nodes.length).toBe(10);
      validateModel(model, registry);
      runReference(model, randomInputs(model, new Rng(`in${seed}`)));
      // Op/dtype pairs onnxruntime has no kernel for (ORT_CPU_UNSUPPORTED) and its recorded deviations
      // (ORT_DEVIATIONS) are data: those models are not loaded.
      if (!unsupportedNode(ortDisabled, model) && !ortDisabled.knownDeviation?.(model)) {
        const session = await ort.InferenceSession.create(modelToOnnx(model, registry), { graphOptimizationLevel: 'disabled', logSeverityLevel: 3 });
        await session.release();
      }
      for (const n of model.nodes) seen.add(n.op);
      if (hasMerge(model)) merges++;
    }
    // Every op the default config allows: in force at opset 17 and accepting float32.
    const allowed = [...new Set(allowedSpecs({ maxNodes: 10 }, registry).map((s) => s.name))].sort();
    // Without a solver, random dims rarely tie hidden_size across a recurrent op's X, W, R and B.
    const rareWithoutSolver = method === 'random' ? ['GRU', 'LSTM', 'RNN'] : [];
    expect(allowed.filter((op) => !seen.has(op) && !rareWithoutSolver.includes(op)), 'allowed ops no model held').toEqual([]);
    // Many ops read one value (most of the ~130): at least 45% of the models still merge two branches.
    expect(merges, `${merges} of ${seeds} models merge`).toBeGreaterThanOrEqual(seeds * 0.45);
  });

  it('gives the same model for the same seed, after other seeds too', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), async (seed) => {
        const first = modelToJson((await generate({ maxNodes: 8, method }, registry, new Rng(seed))).model);
        await generate({ maxNodes: 8, method }, registry, new Rng(`${seed}-other`));
        expect(modelToJson((await generate({ maxNodes: 8, method }, registry, new Rng(seed))).model)).toBe(first);
      }),
      { numRuns: 25 },
    );
  });

  it('respects --ops and --exclude-ops and reports unknown ops', async () => {
    const { model } = await generate({ maxNodes: 8, ops: ['Relu', 'Add'], method }, registry, new Rng(1));
    expect(model.nodes.every((n) => n.op === 'Relu' || n.op === 'Add')).toBe(true);
    const { model: m2 } = await generate({ maxNodes: 8, excludeOps: ['Relu'], method }, registry, new Rng(1));
    expect(m2.nodes.some((n) => n.op === 'Relu')).toBe(false);
    await expect(generate({ maxNodes: 3, ops: ['Nope'], method }, registry, new Rng(1))).rejects.toThrow(GenerationError);
  });
});

describe('the smt generator', () => {
  it('gives byte-identical files in fresh processes', () => {
    const dirs = [tempDir(), tempDir()];
    for (const dir of dirs) execFileSync(process.execPath, ['dist/cli/main.js', 'gen', '--seed', '7', '--max-nodes', '8', '--out', dir]);
    for (const f of ['model.json', 'model.onnx', 'inputs.json']) {
      expect(readFileSync(join(dirs[0]!, f)).equals(readFileSync(join(dirs[1]!, f)))).toBe(true);
    }
  });

  it('asks z3 when the fast search cannot fit a node, and inserts backward', async () => {
    let checks = 0;
    let backward = 0;
    for (let seed = 0; seed < 40; seed++) {
      const result = await generate({ maxNodes: 10 }, registry, new Rng(`z3/${seed}`));
      checks += result.solverChecks;
      // A backward-inserted node produces a value named like an input ('in...').
      if (result.model.nodes.some((n) => n.outputs.some((o) => o.name.startsWith('in')))) backward++;
    }
    expect(checks).toBeGreaterThan(0);
    expect(backward).toBeGreaterThan(0);
  });

  it('spreads dims and attributes over their domains, not the smallest values', async () => {
    const dims = new Set<number>();
    const strides = new Set<number>();
    for (let seed = 0; seed < 60; seed++) {
      const { model } = await generate({ maxNodes: 4, ops: ['Conv', 'Relu'] }, registry, new Rng(`spread/${seed}`));
      for (const i of model.inputs) for (const d of i.shape) dims.add(d);
      for (const n of model.nodes) for (const s of (n.attrs.strides as number[] | undefined) ?? []) strides.add(s);
    }
    expect(dims.size).toBeGreaterThanOrEqual(8);
    expect(strides).toEqual(new Set([1, 2, 3]));
  });
});
