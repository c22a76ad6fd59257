import { describe, expect, it } from 'vitest';
import type { Model } from '../../../src/ir/model.js';
import { makeTensor } from '../../../src/ir/tensor.js';
import { builtinRegistry } from '../../../src/opspec/ops/index.js';
import { acquireGpu } from '../../../src/reference-runtime/webgpu/device.js';
import { webGpuKernels } from '../../../src/reference-runtime/webgpu/kernels/index.js';
import { WebGpuRuntime } from '../../../src/reference-runtime/webgpu/runtime.js';
import { webGpuSkipReason } from '../../support/webgpu-availability.js';

const skipReason = await webGpuSkipReason();

describe('the WebGPU runtime', () => {
  it('has a kernel for every op but those whose outputs are int64 only (WGSL has no 64-bit integers) and those not written yet', () => {
    const kernels = webGpuKernels();
    const missing = [...new Set(builtinRegistry().all().map((s) => s.name))].filter((op) => !kernels.find(op)).sort();
    const int64Only = ['ArgMax', 'ArgMin', 'Shape', 'Size'];
    // TopK has an int64 output too; the indexing ops read int64 indices (GatherND, ScatterND and MaxUnpool only
    // take int64) or data-dependent constants: models with them fall back to the CPU kernels.
    const indexing = ['Compress', 'Einsum', 'GatherND', 'MaxUnpool', 'NonZero', 'Scatter', 'ScatterElements', 'ScatterND', 'TopK'];
    // Run on the CPU kernels only so far, when a model holds them.
    const notYet = [
      'BitShift', 'CastLike', 'ConstantOfShape', 'Dropout', 'EyeLike', 'GlobalLpPool', 'GRU', 'GridSample', 'Hardmax', 'LRN', 'LSTM',
      'MeanVarianceNormalization', 'NegativeLogLikelihoodLoss', 'OneHot', 'Range', 'RNN', 'SoftmaxCrossEntropyLoss',
    ];
    // The quantization ops: their 8-bit types run on the CPU kernels.
    const quantization = ['ConvInteger', 'DequantizeLinear', 'DynamicQuantizeLinear', 'MatMulInteger', 'QLinearConv', 'QLinearMatMul', 'QuantizeLinear'];
    expect(missing).toEqual([...int64Only, ...indexing, ...notYet, ...quantization].sort());
  });

  it.skipIf(skipReason !== undefined)('runs a model in one submission', async () => {
    const gpu = await acquireGpu();
    if (!('device' in gpu)) throw new Error(`no WebGPU adapter: ${gpu.reason}`);
    const runtime = new WebGpuRuntime(gpu.device, gpu.adapterName, webGpuKernels(), builtinRegistry());
    const f = (name: string) => ({ name, dtype: 'float32' as const, shape: [2, 3] });
    const model: Model = {
      opset: 17,
      inputs: [f('x')],
      weights: [],
      nodes: [
        { name: 'a', op: 'Neg', inputs: ['x'], outputs: [f('y')], attrs: {} },
        { name: 'b', op: 'Exp', inputs: ['y'], outputs: [f('z')], attrs: {} },
        { name: 'c', op: 'Relu', inputs: ['x'], outputs: [f('r')], attrs: {} },
      ],
      outputs: ['z', 'r'],
    };
    expect(runtime.unsupported(model)).toBeUndefined();
    const out = await runtime.run(model, new Map([['x', makeTensor('float32', [2, 3], [1, -2, 3, 0.5, -0.5, 0])]]));
    expect([...out.get('r')!.data]).toEqual([1, 0, 3, 0.5, 0, 0]);
    expect(out.get('z')!.data[0]).toBeCloseTo(Math.exp(-1), 6);
  });
});
