import { describe, expect, it } from 'vitest';
import { onnxruntimeNodeAdapter, type OrtOptLevel } from '../../src/backends/onnxruntime-node.js';
import { ortRewriteKnownBug } from '../../src/backends/onnxruntime-rewrite-bugs.js';
import { optimizerDiff, rewritesOf } from '../../src/backends/onnxruntime-rewrites.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import type { Model, Node } from '../../src/ir/model.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { tanhGelu } from '../support/tanh-gelu.js';

const registry = builtinRegistry();

describe("onnxruntime's recorded rewrite bugs: FastGeluFusion taking in a value needed outside the Gelu", () => {
  it('the plain pattern is what onnxruntime fuses, and it is no bug', async () => {
    expect(rewritesOf(await optimizerDiff(modelToOnnx(tanhGelu(), registry), 'extended'))).toContain('FastGeluFusion');
    expect(ortRewriteKnownBug(tanhGelu(), 'all')).toBeUndefined();
  });

  it("names the corpus entry when the Pow's value is a graph output, from level extended", () => {
    const model = tanhGelu({ powIsOutput: true });
    expect(ortRewriteKnownBug(model, 'extended')).toEqual({
      corpus: 'onnxruntime-fastgelu-fusion-exposed-pow',
      reason: "FastGeluFusion fuses the tanh-form Gelu from pow to product although the Pow's value is a graph output",
    });
    expect(ortRewriteKnownBug(model, 'all')?.corpus).toBe('onnxruntime-fastgelu-fusion-exposed-pow');
    expect(ortRewriteKnownBug(model, 'basic')).toBeUndefined();
    expect(ortRewriteKnownBug(model, 'disabled')).toBeUndefined();
  });

  it('names it when the 0.5x Mul has another reader, the face onnxruntime shows as an invalid model', async () => {
    const model = tanhGelu({ halfReadTwice: true });
    expect(ortRewriteKnownBug(model, 'all')?.reason).toBe('FastGeluFusion fuses the tanh-form Gelu from pow to product although its 0.5x Mul (half) is also read by neg_half');
    const artifact = { model, onnx: modelToOnnx(model, registry) };
    await expect(onnxruntimeNodeAdapter('extended').prepare(artifact)).rejects.toThrow(/Node input 'half_out' is not a graph input/);
    const disabled = onnxruntimeNodeAdapter('disabled');
    await disabled.release?.(await disabled.prepare(artifact));
  });

  it('names nothing where the fusion declines (a Pow read twice, another constant)', () => {
    expect(ortRewriteKnownBug(tanhGelu({ powReadTwice: true }), 'all')).toBeUndefined();
    expect(ortRewriteKnownBug(tanhGelu({ powIsOutput: true, half: 0.6 }), 'all')).toBeUndefined();
  });
});

/** x: float16[2] -> A -> Cast(to) -> B, B's value the output (and the Cast's, with castIsOutput). */
function castBetween(a: string, b: string, options: { to?: number; castIsOutput?: boolean; fromInput?: boolean } = {}): Model {
  const to = options.to ?? 10;
  const mid = to === 10 ? 'float16' : 'float32';
  const first: Node[] = options.fromInput ? [] : [{ name: 'a', op: a, inputs: ['x'], outputs: [{ name: 'av', dtype: 'float16', shape: [2] }], attrs: {} }];
  return {
    opset: 17,
    inputs: [{ name: 'x', dtype: 'float16', shape: [2] }],
    weights: [],
    nodes: [
      ...first,
      { name: 'cast', op: 'Cast', inputs: [options.fromInput ? 'x' : 'av'], outputs: [{ name: 'cv', dtype: mid, shape: [2] }], attrs: { to } },
      { name: 'b', op: b, inputs: ['cv'], outputs: [{ name: 'bv', dtype: mid, shape: [2] }], attrs: {} },
    ],
    outputs: options.castIsOutput ? ['bv', 'cv'] : ['bv'],
  };
}

async function loads(model: Model, level: OrtOptLevel): Promise<boolean> {
  const adapter = onnxruntimeNodeAdapter(level);
  try {
    await adapter.release?.(await adapter.prepare({ model, onnx: modelToOnnx(model, registry) }));
    return true;
  } catch {
    return false;
  }
}

describe("onnxruntime's recorded rewrite bugs: InsertCastTransformer running an identity float16 Cast in float32", () => {
  it('names the corpus entry at level disabled only, where onnxruntime refuses the model', async () => {
    for (const [a, b] of [
      ['Sin', 'Sinh'],
      ['Tan', 'Erf'],
    ]) {
      const model = castBetween(a!, b!);
      expect(ortRewriteKnownBug(model, 'disabled')).toEqual({
        corpus: 'onnxruntime-insert-cast-float16-identity-cast',
        reason: `InsertCastTransformer runs the identity float16 Cast cast in float32, as it runs a (${a}), b (${b}) (no float16 kernel), but leaves its 'to' at float16`,
      });
      expect(ortRewriteKnownBug(model, 'basic')).toBeUndefined();
      expect(await loads(model, 'disabled')).toBe(false);
      expect(await loads(model, 'basic')).toBe(true);
    }
  }, 60_000);

  it('names nothing where onnxruntime loads the model: a neighbour with a float16 kernel, a Cast to float32, from a graph input, or a graph output', async () => {
    const fine = [
      castBetween('Sin', 'Identity'),
      castBetween('Identity', 'Sinh'),
      castBetween('Sin', 'Sinh', { to: 1 }),
      castBetween('Sin', 'Sinh', { fromInput: true }),
      castBetween('Sin', 'Sinh', { castIsOutput: true }),
    ];
    for (const model of fine) {
      expect(ortRewriteKnownBug(model, 'disabled')).toBeUndefined();
      expect(await loads(model, 'disabled')).toBe(true);
    }
  }, 60_000);
});
