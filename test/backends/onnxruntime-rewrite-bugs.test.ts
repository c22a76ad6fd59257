import { describe, expect, it } from 'vitest';
import { onnxruntimeNodeAdapter, type OrtOptLevel } from '../../src/backends/onnxruntime-node.js';
import { ortRewriteKnownBug } from '../../src/backends/onnxruntime-rewrite-bugs.js';
import { optimizerDiff, rewritesOf } from '../../src/backends/onnxruntime-rewrites.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
import type { Model, Node } from '../../src/ir/model.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { makeTensor } from '../../src/ir/tensor.js';
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

const scalar = (name: string, dtype: 'float32' | 'uint8', value: number) => ({ name, value: makeTensor(dtype, [], [value]) });

/** x -> Q (scale 1, zero point 8) -> DQ -> Q (scale dqScale for both) -> output, the first Q's value also read by an Expand (or a graph output). */
function qDqQ(options: { other?: 'expand' | 'output' | 'dq-output' | 'none'; secondScale?: number } = {}): Model {
  const other = options.other ?? 'expand';
  const u8 = (name: string) => ({ name, dtype: 'uint8' as const, shape: [1, 1] });
  return {
    opset: 17,
    inputs: [{ name: 'x', dtype: 'float32', shape: [1, 1] }],
    weights: [scalar('s1', 'float32', 1), scalar('z1', 'uint8', 8), scalar('s2', 'float32', 0.05), scalar('z2', 'uint8', 8), scalar('s3', 'float32', options.secondScale ?? 0.05), scalar('z3', 'uint8', 8), { name: 'shape', value: makeTensor('int64', [1], [2]) }],
    nodes: [
      { name: 'q1', op: 'QuantizeLinear', inputs: ['x', 's1', 'z1'], outputs: [u8('qv')], attrs: {} },
      { name: 'dq', op: 'DequantizeLinear', inputs: ['qv', 's2', 'z2'], outputs: [{ name: 'dv', dtype: 'float32', shape: [1, 1] }], attrs: {} },
      { name: 'q2', op: 'QuantizeLinear', inputs: ['dv', 's3', 'z3'], outputs: [u8('q2v')], attrs: {} },
      ...(other === 'expand' ? [{ name: 'expand', op: 'Expand', inputs: ['qv', 'shape'], outputs: [{ name: 'ev', dtype: 'uint8' as const, shape: [1, 2] }], attrs: {} }] : []),
    ],
    outputs: other === 'expand' ? ['q2v', 'ev'] : other === 'output' ? ['q2v', 'qv'] : other === 'dq-output' ? ['q2v', 'dv'] : ['q2v'],
  };
}

describe("onnxruntime's recorded rewrite bugs: QDQFinalCleanupTransformer renaming a value another node reads", () => {
  it('names the corpus entry from level extended when the value before the DQ -> Q pair is read elsewhere or is a graph output', () => {
    expect(ortRewriteKnownBug(qDqQ(), 'extended')).toEqual({
      corpus: 'onnxruntime-qdq-final-cleanup-dq-q-shared-input',
      reason: 'QDQFinalCleanupTransformer removes dq and q2 and makes q1 produce q2v in place of qv, which is also read by expand',
    });
    expect(ortRewriteKnownBug(qDqQ({ other: 'output' }), 'all')?.reason).toMatch(/which is a graph output$/);
    expect(ortRewriteKnownBug(qDqQ(), 'basic')).toBeUndefined();
  });

  it("names it when the DQ's value is a graph output, a face onnxruntime shows as an invalid model", async () => {
    const model = qDqQ({ other: 'dq-output' });
    expect(ortRewriteKnownBug(model, 'extended')?.reason).toMatch(/which dq, kept for its graph output dv, still reads$/);
    expect(ortRewriteKnownBug(model, 'basic')).toBeUndefined();
    expect(await loads(model, 'basic')).toBe(true);
    expect(await loads(model, 'extended')).toBe(false);
  }, 60_000);

  it('names nothing where the pair is not removed (other scales) or the value has no other use', () => {
    expect(ortRewriteKnownBug(qDqQ({ secondScale: 0.1 }), 'all')).toBeUndefined();
    expect(ortRewriteKnownBug(qDqQ({ other: 'none' }), 'all')).toBeUndefined();
  });
});

/** x: float32[1, 1, 1, 3] -> MaxPool (Indices used or not) -> Q, through a Transpose with `via`. */
function maxPoolQ(options: { indices?: boolean; via?: boolean; fromDq?: boolean } = {}): Model {
  const t = (name: string, dtype: 'float32' | 'int64' | 'uint8' = 'float32') => ({ name, dtype, shape: [1, 1, 1, 2] });
  const head: Node[] = options.fromDq
    ? [{ name: 'dq', op: 'DequantizeLinear', inputs: ['xq', 's', 'z'], outputs: [{ name: 'xd', dtype: 'float32', shape: [1, 1, 1, 3] }], attrs: {} }]
    : [];
  return {
    opset: 17,
    inputs: [options.fromDq ? { name: 'xq', dtype: 'uint8', shape: [1, 1, 1, 3] } : { name: 'x', dtype: 'float32', shape: [1, 1, 1, 3] }],
    weights: [scalar('s', 'float32', 1), scalar('z', 'uint8', 8)],
    nodes: [
      ...head,
      { name: 'pool', op: 'MaxPool', inputs: [options.fromDq ? 'xd' : 'x'], outputs: options.indices === false ? [t('y')] : [t('y'), t('i', 'int64')], attrs: { kernel_shape: [1, 2] } },
      ...(options.via ? [{ name: 'tr', op: 'Transpose', inputs: ['y'], outputs: [t('yt')], attrs: { perm: [0, 1, 2, 3] } }] : []),
      { name: 'q', op: 'QuantizeLinear', inputs: [options.via ? 'yt' : 'y', 's', 'z'], outputs: [t('qv', 'uint8')], attrs: {} },
    ],
    outputs: options.indices === false ? ['qv'] : ['i', 'qv'],
  };
}

describe("onnxruntime's recorded rewrite bugs: QDQPropagationTransformer quantizing ahead of a MaxPool whose Indices are used", () => {
  it('names the corpus entry from level basic, also through a Transpose', () => {
    expect(ortRewriteKnownBug(maxPoolQ(), 'basic')).toEqual({
      corpus: 'onnxruntime-qdq-propagation-maxpool-indices',
      reason: 'QDQPropagationTransformer propagates q (QuantizeLinear) ahead of pool (MaxPool), whose Indices i are used',
    });
    expect(ortRewriteKnownBug(maxPoolQ({ via: true }), 'all')?.corpus).toBe('onnxruntime-qdq-propagation-maxpool-indices');
    expect(ortRewriteKnownBug(maxPoolQ(), 'disabled')).toBeUndefined();
  });

  it('names nothing without Indices or when the MaxPool reads a DequantizeLinear (nothing is propagated there)', () => {
    expect(ortRewriteKnownBug(maxPoolQ({ indices: false }), 'all')).toBeUndefined();
    expect(ortRewriteKnownBug(maxPoolQ({ fromDq: true }), 'all')).toBeUndefined();
  });
});
