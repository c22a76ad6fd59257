import { describe, expect, it } from 'vitest';
import { rewritesOf, sessionWithDiff } from '../../src/backends/onnxruntime-rewrites.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import { generate } from '../../src/generator/generate.js';
import { GraphBuilder } from '../../src/generator/graph-builder.js';
import { mixedPolicy, patternWeights } from '../../src/generator/insertion-policy.js';
import { checkedPatterns, PATTERNS } from '../../src/generator/patterns/index.js';
import { insertPattern } from '../../src/generator/patterns/insert-pattern.js';
import type { Pattern } from '../../src/generator/patterns/pattern.js';
import { Rng } from '../../src/generator/rng.js';
import { loadZ3, Z3Fallback } from '../../src/generator/smt/z3-solver.js';
import { randomInputs } from '../../src/generator/values.js';
import type { Model } from '../../src/ir/model.js';
import { searchInputs } from '../../src/inputsearch/search.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { validateModel } from '../../src/opspec/validate.js';
import { runReference } from '../../src/reference-runtime/executor.js';

const registry = builtinRegistry();
const hits = PATTERNS.filter((p) => !p.nearMiss);

/** The pattern built alone after one graph input of its first input's rank (tries a few seeds). */
async function buildAlone(pattern: Pattern, tries = 4, from = 0): Promise<Model | undefined> {
  const z3 = await loadZ3();
  for (let i = from; i < from + tries; i++) {
    const rng = new Rng(`${pattern.name}/${i}`);
    const solver = new Z3Fallback(z3, rng.fork('z3'));
    try {
      // float32, and the integer types of the pattern's own steps (a QDQ unit's uint8 and int8).
      const stepTypes = pattern.steps.flatMap((s) => (s.dtype && s.dtype !== 'bool' ? [s.dtype] : []));
      const builder = new GraphBuilder({ dtypes: [...new Set(['float32' as const, ...stepTypes])], maxElements: 4096, maxRank: 4, opset: 17 }, registry, rng, solver);
      const input = builder.addInput('float32', pattern.inputs[0]!.rank[0]);
      // The pattern reads a computed value, as in a campaign's models (some eliminations keep an
      // op whose input is a graph input).
      const relu = await builder.insert({ spec: registry.get('Relu', 17), slots: [{ kind: 'value', name: input.name }] });
      const prefer = relu.ok ? relu.outputs[0]! : input.name;
      const inserted = await insertPattern({ builder, pattern, registry, rng, backward: false, prefer });
      if (inserted.complete) return builder.concretize();
    } finally {
      solver.dispose();
    }
  }
  return undefined;
}

/** Whether the model holds the pattern's ops in its order (other nodes may come between). */
function holdsInOrder(model: Model, pattern: Pattern): boolean {
  let at = 0;
  for (const node of model.nodes.slice(1)) if (at < pattern.steps.length && node.op === pattern.steps[at]!.op) at++;
  return at === pattern.steps.length;
}

describe('the rewrite pattern library', () => {
  it('has at least 30 patterns a rewrite should fire on, each multi-node one with near misses', () => {
    expect(hits.length).toBeGreaterThanOrEqual(30);
    for (const p of hits.filter((h) => h.steps.length > 1)) {
      expect(PATTERNS.some((n) => n.nearMiss?.of === p.name), `${p.name} has no near miss`).toBe(true);
    }
    const families = new Set(hits.flatMap((p) => Object.keys(p.targets)));
    expect([...families].sort()).toEqual(['onnxruntime', 'tfjs']);
  });

  it('refuses a list with two patterns of one name or a near miss of nothing', () => {
    const one = hits[0]!;
    expect(() => checkedPatterns([one, one])).toThrow(/two rewrite patterns are named/);
    expect(() => checkedPatterns([{ ...one, name: 'x', targets: {}, nearMiss: { of: 'nothing', why: 'test' } }])).toThrow(/near miss of 'nothing'/);
    expect(() => checkedPatterns([{ ...one, steps: [{ id: 'a', op: 'Relu', slots: [{ ref: 'later' }] }] }])).toThrow(/before it exists/);
  });

  it('builds every pattern into a valid model that the reference runs, its ops in order', async () => {
    const unbuilt: string[] = [];
    for (const pattern of PATTERNS) {
      const model = await buildAlone(pattern);
      if (!model) {
        unbuilt.push(pattern.name);
        continue;
      }
      validateModel(model, registry);
      expect(holdsInOrder(model, pattern), pattern.name).toBe(true);
      runReference(model, randomInputs(model, new Rng(pattern.name)), { registry });
    }
    expect(unbuilt).toEqual([]);
  }, 300_000);

  it("makes onnxruntime perform each pattern's target rewrites at some optimization level", async () => {
    const missed: string[] = [];
    for (const pattern of hits.filter((p) => (p.targets.onnxruntime ?? []).length > 0 && p.unreached === undefined)) {
      // Some rewrites depend on sizes (NCHWc pooling, Gather to Split): a few builds, as a campaign makes.
      const fired = new Set<string>();
      for (let build = 0; build < 4 && !pattern.targets.onnxruntime!.every((t) => fired.has(t)); build++) {
        const model = (await buildAlone(pattern, 4, build * 4))!;
        const onnx = modelToOnnx(model, registry);
        for (const level of ['basic', 'extended', 'all'] as const) {
          const { session, diff } = await sessionWithDiff(onnx, level);
          await session.release();
          for (const r of rewritesOf(diff)) fired.add(r);
        }
      }
      for (const target of pattern.targets.onnxruntime!) if (!fired.has(target)) missed.push(`${pattern.name}: ${target} (fired: ${[...fired].join(', ')})`);
    }
    expect(missed).toEqual([]);
  }, 300_000);

  it('keeps the exact constants a rewrite matches through the input search', async () => {
    const gelu = PATTERNS.find((p) => p.name === 'gelu-erf')!;
    const model = (await buildAlone(gelu))!;
    const fixed = model.weights.filter((w) => w.fixed);
    expect(fixed.map((w) => [...w.value.data]).sort()).toEqual([[0.5], [1], [Math.fround(Math.SQRT2)]].sort());
    const found = searchInputs(model, new Rng('search'), { registry, budgetMs: 200 });
    for (const w of fixed) expect([...found.model.weights.find((x) => x.name === w.name)!.value.data]).toEqual([...w.value.data]);
  });

  it('inserts patterns at the set share in generated models, and none at share 0', async () => {
    const count = async (patternShare: number) => {
      let patterns = 0;
      for (let seed = 0; seed < 20; seed++) patterns += (await generate({ maxNodes: 12, patternShare }, registry, new Rng(`share/${seed}`))).patterns.length;
      return patterns;
    };
    expect(await count(0)).toBe(0);
    expect(await count(0.3)).toBeGreaterThanOrEqual(20);
  }, 120_000);
});

describe('coverage guidance', () => {
  it('weighs a pattern by its rarest target rewrite, and a near miss by its pattern', () => {
    const byName = (n: string) => PATTERNS.find((p) => p.name === n)!;
    const list = [byName('gelu-erf'), byName('relu-clip'), byName('relu-clip-max')];
    const weights = patternWeights(list, { GeluFusion: 99, FuseReluClip: 0 });
    expect(weights[0]).toBeCloseTo(0.1);
    expect(weights[1]).toBe(1);
    expect(weights[2]).toBe(1);
    expect(patternWeights(list, undefined)).toEqual([1, 1, 1]);
  });

  it('picks the patterns of rarely fired rewrites more often', () => {
    const picks = (guidance?: Record<string, number>) => {
      const policy = mixedPolicy({ specs: registry.all(17), patterns: PATTERNS, patternShare: 1, backward: false, ...(guidance ? { guidance } : {}) });
      const rng = new Rng('policy');
      let gelu = 0;
      for (let i = 0; i < 3000; i++) {
        const step = policy.next(rng, 20);
        if (step.kind === 'pattern' && step.pattern.name.startsWith('gelu-erf')) gelu++;
      }
      return gelu;
    };
    // Every other rewrite fired in 400 tests, GeluFusion in none: gelu-erf is favoured.
    const saturated = Object.fromEntries(hits.flatMap((p) => Object.values(p.targets).flat()).map((r) => [r, 400]));
    expect(picks({ ...saturated, GeluFusion: 0 })).toBeGreaterThan(3 * picks());
  });
});
