import { describe, expect, it } from 'vitest';
import { ortWebGpuKnownBug, ortWebGpuKnownDeviation } from '../../src/backends/browser/ort-webgpu-deviations.js';

/** What the campaign knows of a model on the provider: a deviation it sets aside, or a recorded bug (a corpus entry). */
const recorded = (model: Model): string | undefined => ortWebGpuKnownDeviation(model) ?? ortWebGpuKnownBug(model)?.reason;
import type { DType } from '../../src/ir/dtype.js';
import type { Attrs, Model } from '../../src/ir/model.js';
import { makeTensor } from '../../src/ir/tensor.js';

/** Slice's starts, ends, axes and steps as int64 weights. */
function slice(shape: number[], out: number[], starts: number[], ends: number[], axes: number[], steps: number[]): Model {
  const w = (name: string, v: number[]) => ({ name, value: makeTensor('int64', [v.length], v) });
  return {
    opset: 13,
    inputs: [{ name: 'x', dtype: 'float32', shape }],
    weights: [w('s', starts), w('e', ends), w('a', axes), w('t', steps)],
    nodes: [{ name: 'n', op: 'Slice', inputs: ['x', 's', 'e', 'a', 't'], outputs: [{ name: 'y', dtype: 'float32', shape: out }], attrs: {} }],
    outputs: ['y'],
  };
}

/** A one-node model whose inputs are graph inputs of these types ('' for an omitted optional input). */
function oneNode(op: string, inputs: readonly ([DType, number[]] | '')[], output: [DType, number[]], attrs: Attrs = {}): Model {
  const named = inputs.map((t, i) => (t === '' ? undefined : { name: `x${i}`, dtype: t[0], shape: t[1] }));
  return {
    opset: 18,
    inputs: named.filter((t) => t !== undefined),
    weights: [],
    nodes: [{ name: 'n', op, inputs: named.map((t) => t?.name ?? ''), outputs: [{ name: 'y', dtype: output[0], shape: output[1] }], attrs }],
    outputs: ['y'],
  };
}

/**
 * Each WebGPU deviation matches the instances the sweep (bench/ops-browser.mjs) saw fail, and not
 * the near ones it saw pass: a predicate wider than the departure would hide bugs from campaigns.
 */
describe("the WebGPU provider's recorded deviations", () => {
  const f = 'float32';
  it.each([
    ['Conv: whole-input kernel, end padding only (1-D)', oneNode('Conv', [[f, [3, 3, 5]], [f, [3, 3, 5]]], [f, [3, 3, 4]], { pads: [0, 3], kernel_shape: [5] })],
    ['Conv: whole-input kernel, end padding only (2-D)', oneNode('Conv', [[f, [1, 2, 4, 5]], [f, [3, 2, 4, 5]]], [f, [1, 3, 3, 1]], { pads: [0, 0, 2, 0] })],
    ['Conv: whole-input kernel with a dilation, one output position', oneNode('Conv', [[f, [6, 3, 7, 2]], [f, [6, 3, 7, 2]]], [f, [6, 6, 1, 1]], { strides: [3, 2], dilations: [1, 3], pads: [0, 0, 0, 3] })],
    ['Conv: 1x1 kernel with end padding', oneNode('Conv', [[f, [1, 2, 4, 5]], [f, [3, 2, 1, 1]]], [f, [1, 3, 5, 6]], { pads: [0, 0, 1, 1] })],
    ['Conv: 6 input channels, 4 output channels', oneNode('Conv', [[f, [2, 6, 8]], [f, [4, 6, 3]]], [f, [2, 4, 6]])],
    ['Conv: 9 input channels, 16 output channels, 1x3 kernel', oneNode('Conv', [[f, [1, 9, 5, 5]], [f, [16, 9, 1, 3]]], [f, [1, 16, 5, 3]])],
    ['ConvTranspose: group 4, one output channel per group', oneNode('ConvTranspose', [[f, [7, 8, 2]], [f, [8, 1, 7]]], [f, [7, 4, 10]], { group: 4, dilations: [2], pads: [2, 2] })],
    ['ConvTranspose: group 2, one output channel per group, 1x1', oneNode('ConvTranspose', [[f, [1, 8, 2]], [f, [8, 1, 1]]], [f, [1, 2, 2]], { group: 2 })],
    ['Gemm int32, fractional alpha', oneNode('Gemm', [['int32', [7, 3]], ['int32', [3, 3]]], ['int32', [7, 3]], { alpha: 1.409 })],
    ['LayerNormalization, Scale broadcast', oneNode('LayerNormalization', [[f, [5, 3, 8]], [f, [3, 1]]], [f, [5, 3, 8]], { axis: -2 })],
    ['LayerNormalization, B broadcast', oneNode('LayerNormalization', [[f, [5, 8]], [f, [5, 8]], [f, [8]]], [f, [5, 8]], { axis: 0 })],
    ['Pow, broadcast along a last axis of 8', oneNode('Pow', [[f, [2, 1]], [f, [1, 8]]], [f, [2, 8]])],
    ['Pow, an exponent of shape [1, 1]', oneNode('Pow', [[f, [4]], [f, [1, 1]]], [f, [1, 4]])],
    ['ReduceSumSquare, noop without axes', oneNode('ReduceSumSquare', [['int32', [5, 7]]], ['int32', [5, 7]], { noop_with_empty_axes: 1 })],
    ['ReduceL1, noop with empty axes', oneNode('ReduceL1', [[f, [5, 7]], ['int64', [0]]], [f, [5, 7]], { noop_with_empty_axes: 1 })],
    ['Resize of a 1-D tensor', oneNode('Resize', [[f, [7]], '', '', ['int64', [1]]], [f, [1]])],
    ['Slice backward from inside the axis', slice([5], [3], [3], [0], [0], [-1])],
    ['Slice backward from inside, among other axes', slice([8, 3, 1, 1], [1, 1, 1, 1], [2, -4, 0, 1], [-5, 4, 2, 0], [3, 2, 0, 1], [-2, 2, 3, -2])],
    ['Where on bool, broadcast', oneNode('Where', [['bool', [7]], ['bool', [7]], ['bool', [1, 1, 7]]], ['bool', [1, 1, 7]])],
  ])('%s is a known deviation', (_label, model) => {
    expect(recorded(model)).toBeDefined();
  });

  it.each([
    ['ConvTranspose: depthwise (one input and one output channel per group)', oneNode('ConvTranspose', [[f, [1, 4, 2]], [f, [4, 1, 3]]], [f, [1, 4, 4]], { group: 4 })],
    ['ConvTranspose: group 4, three output channels per group', oneNode('ConvTranspose', [[f, [1, 8, 2]], [f, [8, 3, 3]]], [f, [1, 12, 4]], { group: 4 })],
    ['ConvTranspose: one group', oneNode('ConvTranspose', [[f, [1, 8, 2]], [f, [8, 1, 3]]], [f, [1, 1, 4]])],
    ['Conv: whole-input kernel, padding at both ends', oneNode('Conv', [[f, [3, 3, 5]], [f, [3, 3, 5]]], [f, [3, 3, 5]], { pads: [1, 3] })],
    ['Conv: smaller kernel, end padding', oneNode('Conv', [[f, [3, 3, 6]], [f, [3, 3, 5]]], [f, [3, 3, 5]], { pads: [0, 3] })],
    ['Conv: whole-input kernel, two groups', oneNode('Conv', [[f, [1, 4, 5]], [f, [4, 2, 5]]], [f, [1, 4, 4]], { pads: [0, 3], group: 2 })],
    ['Conv: whole-input kernel, one output position, no dilation', oneNode('Conv', [[f, [6, 3, 7, 2]], [f, [6, 3, 7, 2]]], [f, [6, 6, 1, 1]])],
    ['Conv: 1x1 kernel with begin padding', oneNode('Conv', [[f, [1, 2, 4, 5]], [f, [3, 2, 1, 1]]], [f, [1, 3, 5, 6]], { pads: [1, 1, 0, 0] })],
    ['Conv: 3 input channels, 16 output channels', oneNode('Conv', [[f, [2, 3, 8]], [f, [16, 3, 3]]], [f, [2, 16, 6]])],
    ['Conv: 12 input channels, 4 output channels', oneNode('Conv', [[f, [2, 12, 8]], [f, [4, 12, 3]]], [f, [2, 4, 6]])],
    ['Conv: 9 input channels, 6 output channels', oneNode('Conv', [[f, [2, 9, 8]], [f, [6, 9, 3]]], [f, [2, 6, 6]])],
    ['Conv: 6 input channels, 4 output channels, 1x1 kernel', oneNode('Conv', [[f, [2, 6, 8]], [f, [4, 6, 1]]], [f, [2, 4, 8]])],
    ['Gemm int32, integer alpha and beta', oneNode('Gemm', [['int32', [7, 3]], ['int32', [3, 3]]], ['int32', [7, 3]], { alpha: 2, beta: -1 })],
    ['Gemm float32, fractional alpha', oneNode('Gemm', [[f, [7, 3]], [f, [3, 3]]], [f, [7, 3]], { alpha: 1.409 })],
    ['LayerNormalization, Scale of the normalized shape', oneNode('LayerNormalization', [[f, [5, 3, 8]], [f, [3, 8]]], [f, [5, 3, 8]], { axis: -2 })],
    ['Pow, an exponent of shape [1]', oneNode('Pow', [[f, [2, 8]], [f, [1]]], [f, [2, 8]])],
    ['Pow, broadcast along a last axis of 3', oneNode('Pow', [[f, [2, 1]], [f, [1, 3]]], [f, [2, 3]])],
    ['ReduceSumSquare, noop with axes', oneNode('ReduceSumSquare', [[f, [5, 7]], ['int64', [1]]], [f, [5, 1]], { noop_with_empty_axes: 1 })],
    ['ReduceLogSumExp, noop without axes (the identity, rightly)', oneNode('ReduceLogSumExp', [[f, [5, 7]]], [f, [5, 7]], { noop_with_empty_axes: 1 })],
    ['Resize of a 2-D tensor', oneNode('Resize', [[f, [7, 2]], '', '', ['int64', [2]]], [f, [3, 2]])],
    ['Slice backward from the last index', slice([5], [2], [4], [0], [0], [-2])],
    ['Slice backward from beyond the axis (clamped to its last index)', slice([5], [2], [9], [0], [0], [-2])],
    ['Slice forward', slice([5], [2], [1], [4], [0], [2])],
    ['Where on bool, one shape', oneNode('Where', [['bool', [7]], ['bool', [7]], ['bool', [7]]], ['bool', [7]])],
    ['Where on float32, broadcast', oneNode('Where', [['bool', [7]], [f, [7]], [f, [1, 1, 7]]], [f, [1, 1, 7]])],
  ])('%s is not', (_label, model) => {
    expect(recorded(model)).toBeUndefined();
  });
});
