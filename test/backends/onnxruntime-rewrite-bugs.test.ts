import { describe, expect, it } from 'vitest';
import { onnxruntimeNodeAdapter } from '../../src/backends/onnxruntime-node.js';
import { ortRewriteKnownBug } from '../../src/backends/onnxruntime-rewrite-bugs.js';
import { optimizerDiff, rewritesOf } from '../../src/backends/onnxruntime-rewrites.js';
import { modelToOnnx } from '../../src/export/to-onnx.js';
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
