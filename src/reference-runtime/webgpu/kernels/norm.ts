import { bindings, cacheKey, entryPoint, type WebGpuKernel, type WebGpuKernelArgs } from '../program.js';
import { TensorIndexer } from '../wgsl.js';
import { f32Literal } from './matmul.js';

/**
 * WGSL `fn row_stats(start: u32) -> vec2<f32>`: the mean and the population variance of the `size`
 * contiguous elements of input0 from `start`, in two passes (the variance from the mean, not from
 * the mean of squares, which cancels).
 */
function rowStatsFn(size: number): string {
  return `
fn row_stats(start: u32) -> vec2<f32> {
  var sum = 0.0;
  for (var i = 0u; i < ${size}u; i++) { sum += input0[start + i]; }
  let mean = sum / ${size}.0;
  var squares = 0.0;
  for (var i = 0u; i < ${size}u; i++) {
    let d = input0[start + i] - mean;
    squares += d * d;
  }
  return vec2<f32>(mean, squares / ${size}.0);
}`;
}

function program(op: string, args: WebGpuKernelArgs, helpers: string, body: string) {
  const threads = args.inputs[0]!.shape.reduce((a, b) => a * b, 1);
  const wgsl = [bindings(args), helpers, entryPoint(threads, body)].join('\n');
  return { cacheKey: cacheKey(op, args, wgsl), wgsl, threads };
}

/** Inference-mode BatchNormalization: per channel (dim 1) with the given running statistics. */
const batchNormalization: WebGpuKernel = {
  program(args) {
    const x = new TensorIndexer('x', args.inputs[0]!.shape);
    const epsilon = f32Literal(args.attrs.float('epsilon'));
    const body = [
      '  let ch = x_coords(index)[1];',
      `  output0[index] = (input0[index] - input3[ch]) / sqrt(input4[ch] + ${epsilon}) * input1[ch] + input2[ch];`,
    ].join('\n');
    return program('BatchNormalization', args, x.coordsFn(), body);
  },
};

/** InstanceNormalization: each (batch, channel) plane by its own mean and variance. */
const instanceNormalization: WebGpuKernel = {
  program(args) {
    const shape = args.inputs[0]!.shape;
    const size = shape.slice(2).reduce((a, b) => a * b, 1);
    const planes = new TensorIndexer('plane', [shape[0]!, shape[1]!, size]);
    const epsilon = f32Literal(args.attrs.float('epsilon'));
    const body = [
      '  let at = plane_coords(index);',
      `  let stats = row_stats(${planes.offset(['at[0]', 'at[1]', '0u'])});`,
      `  let factor = input1[at[1]] / sqrt(stats.y + ${epsilon});`,
      '  output0[index] = (input0[index] - stats.x) * factor + input2[at[1]];',
    ].join('\n');
    return program('InstanceNormalization', args, [planes.coordsFn(), rowStatsFn(size)].join('\n'), body);
  },
};

/**
 * LayerNormalization over the dims from `axis` on: Scale and B broadcast to those trailing dims.
 * The first element of each row also writes the row's Mean and InvStdDev when the node has them.
 */
const layerNormalization: WebGpuKernel = {
  program(args) {
    const [xIn, scale, bias] = args.inputs;
    const x = new TensorIndexer('x', xIn!.shape);
    const axis = (args.attrs.int('axis') + x.rank) % x.rank;
    const size = x.shape.slice(axis).reduce((a, b) => a * b, 1);
    const rows = new TensorIndexer('row', [x.size / size, size]);
    const epsilon = f32Literal(args.attrs.float('epsilon'));
    const gamma = `input1[${new TensorIndexer('scale', scale!.shape).broadcastOffset('c', x.rank)}]`;
    const beta = bias ? ` + input2[${new TensorIndexer('bias', bias.shape).broadcastOffset('c', x.rank)}]` : '';
    const statsOutputs = [
      args.outputs.length > 1 ? '    output1[at[0]] = stats.x;' : '',
      args.outputs.length > 2 ? '    output2[at[0]] = inv_std_dev;' : '',
    ].filter((s) => s.length > 0);
    const body = [
      '  let c = x_coords(index);',
      '  let at = row_coords(index);',
      `  let stats = row_stats(${rows.offset(['at[0]', '0u'])});`,
      `  let inv_std_dev = 1.0 / sqrt(stats.y + ${epsilon});`,
      `  output0[index] = (input0[index] - stats.x) * inv_std_dev * ${gamma}${beta};`,
      ...(statsOutputs.length > 0 ? ['  if (at[1] == 0u) {', ...statsOutputs, '  }'] : []),
    ].join('\n');
    return program('LayerNormalization', args, [x.coordsFn(), rows.coordsFn(), rowStatsFn(size)].join('\n'), body);
  },
};

export const normKernels: Readonly<Record<string, WebGpuKernel>> = {
  BatchNormalization: batchNormalization,
  InstanceNormalization: instanceNormalization,
  LayerNormalization: layerNormalization,
};
