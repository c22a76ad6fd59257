import { beginPads } from '../../cpu/kernels/conv-transpose.js';
import { resolvePads } from '../../../opspec/ops/sliding-window.js';
import { bindings, cacheKey, entryPoint, type WebGpuKernel, type WebGpuKernelArgs } from '../program.js';
import { TensorIndexer } from '../wgsl.js';

/*
 * Window geometry is integer arithmetic in the shader rather than index tables baked in as WGSL
 * constants: lavapipe compiles a dynamically indexed constant array in time superlinear in its
 * length (about 0.3 s for 128 entries, 4 s for 1024, over 30 s for 4096, measured here), so a
 * table per node would make every new shape cost seconds. The formulas are the CPU geometry's
 * (convGeometry, convTransposeGeometry, poolWindows) term for term, with the pads from the same
 * shared helpers, so the two cannot disagree on which elements a window reads.
 */

/** `+ n` or `- n` for a WGSL i32 expression (pads of ConvTranspose can be negative). */
function plusInt(n: number): string {
  return n < 0 ? `- ${-n}` : `+ ${n}`;
}

/**
 * A WGSL loop over every position of `window` (a TensorIndexer whose coordsFn the program
 * declares) in row-major order, the order the CPU kernels visit a window in: `body` sees the
 * position's coordinates as `wc` and may `continue`. One flat loop rather than one per axis:
 * lavapipe unrolls short constant-bound loops into each other, and nested loops over four
 * channels and a 6x7 kernel took 6 to 10 s to compile (a flat loop, about 0.1 s).
 */
export function windowLoop(window: TensorIndexer, body: readonly string[]): string[] {
  return [`  for (var t = 0u; t < ${window.size}u; t++) {`, `    let wc = ${window.name}_coords(t);`, ...body.map((line) => `    ${line}`), '  }'];
}

/** One value per spatial axis d < spatial: WGSL names or statements for that axis. */
export function perAxis<T>(spatial: number, f: (d: number) => T): T[] {
  return Array.from({ length: spatial }, (_, d) => f(d));
}

/** The accumulator's start: the bias of the output channel, when the node has one. */
function biasStart(args: WebGpuKernelArgs): string {
  return args.inputs[2] ? 'input2[c[1]]' : '0.0';
}

/** What Conv and ConvTranspose both read first: the operands, the spatial dims, strides and dilations. */
function windowOf(args: WebGpuKernelArgs) {
  const x = args.inputs[0]!;
  const w = args.inputs[1]!;
  return {
    x,
    w,
    outShape: args.outputs[0]!.shape,
    s: x.shape.length - 2,
    inDims: x.shape.slice(2),
    kDims: w.shape.slice(2),
    strides: args.attrs.ints('strides'),
    dilations: args.attrs.ints('dilations'),
  };
}

/**
 * Conv: one invocation per output element sums bias, then over the group's input channels, then
 * over the kernel positions that land inside the input (the CPU kernel's order). Input position
 * p = out * stride - pad + k * dilation, as convGeometry computes it.
 */
const convKernel: WebGpuKernel = {
  program(args) {
    const { x, w, outShape, s, inDims, kDims, strides, dilations } = windowOf(args);
    const pads = resolvePads(inDims, kDims, { strides, dilations, pads: args.attrs.ints('pads'), autoPad: args.attrs.str('auto_pad') });
    const group = args.attrs.int('group');
    const cInPerGroup = x.shape[1]! / group;
    const cOutPerGroup = w.shape[0]! / group;
    const out = new TensorIndexer('out', outShape);
    const xAt = new TensorIndexer('x', x.shape);
    const wAt = new TensorIndexer('w', w.shape);
    // Window positions: the group's input channel, then the kernel position.
    const window = new TensorIndexer('window', [cInPerGroup, ...kDims]);
    const inputPosition = (d: number) => [
      `let p${d} = i32(c[${d + 2}] * ${strides[d]}u + wc[${d + 1}] * ${dilations[d]}u) - ${pads[d]};`,
      `if (p${d} < 0 || p${d} >= ${inDims[d]}) { continue; }`,
    ];
    const xOffset = xAt.offset(['c[0]', `g * ${cInPerGroup}u + wc[0]`, ...perAxis(s, (d) => `u32(p${d})`)]);
    const wOffset = wAt.offset(['c[1]', ...perAxis(s + 1, (d) => `wc[${d}]`)]);
    const body = [
      '  let c = out_coords(index);',
      `  let g = c[1] / ${cOutPerGroup}u;`,
      `  var acc: f32 = ${biasStart(args)};`,
      ...windowLoop(window, [...perAxis(s, inputPosition).flat(), `acc += input0[${xOffset}] * input1[${wOffset}];`]),
      '  output0[index] = acc;',
    ].join('\n');
    const wgsl = [bindings(args), out.coordsFn(), window.coordsFn(), entryPoint(out.size, body)].join('\n');
    return { cacheKey: cacheKey('Conv', args, { strides, dilations, pads, group }), wgsl, threads: out.size };
  },
};


/**
 * ConvTranspose as a gather: the CPU kernel scatters input position i with kernel position k to
 * output position t = i * stride - pad + k * dilation; here each output element finds, per kernel
 * position, the i with i * stride = t + pad - k * dilation. Kernel positions run downwards so that
 * the inputs come in ascending order, the order the CPU kernel adds them in.
 */
const convTransposeKernel: WebGpuKernel = {
  program(args) {
    const { x, w, outShape, s, inDims, kDims, strides, dilations } = windowOf(args);
    const pads = beginPads(inDims, kDims, outShape.slice(2), args.attrs);
    const cInPerGroup = x.shape[1]! / args.attrs.int('group');
    const cOutPerGroup = w.shape[1]!;
    const out = new TensorIndexer('out', outShape);
    const xAt = new TensorIndexer('x', x.shape);
    const wAt = new TensorIndexer('w', w.shape);
    // Window positions: the group's input channel, then the kernel position counted down from the last.
    const window = new TensorIndexer('window', [cInPerGroup, ...kDims]);
    const inputPosition = (d: number) => [
      `let k${d} = ${kDims[d]! - 1}u - wc[${d + 1}];`,
      `let q${d} = i32(c[${d + 2}]) ${plusInt(pads[d]!)} - i32(k${d} * ${dilations[d]}u);`,
      `if (q${d} < 0 || q${d} % ${strides[d]} != 0) { continue; }`,
      `let i${d} = q${d} / ${strides[d]};`,
      `if (i${d} >= ${inDims[d]}) { continue; }`,
    ];
    const xOffset = xAt.offset(['c[0]', 'ic', ...perAxis(s, (d) => `u32(i${d})`)]);
    const wOffset = wAt.offset(['ic', 'm', ...perAxis(s, (d) => `k${d}`)]);
    const body = [
      '  let c = out_coords(index);',
      `  let g = c[1] / ${cOutPerGroup}u;`,
      `  let m = c[1] % ${cOutPerGroup}u;`,
      `  var acc: f32 = ${biasStart(args)};`,
      ...windowLoop(window, [`let ic = g * ${cInPerGroup}u + wc[0];`, ...perAxis(s, inputPosition).flat(), `acc += input0[${xOffset}] * input1[${wOffset}];`]),
      '  output0[index] = acc;',
    ].join('\n');
    const wgsl = [bindings(args), out.coordsFn(), window.coordsFn(), entryPoint(out.size, body)].join('\n');
    return { cacheKey: cacheKey('ConvTranspose', args, { strides, dilations, pads }), wgsl, threads: out.size };
  },
};

export const convKernels: Readonly<Record<string, WebGpuKernel>> = {
  Conv: convKernel,
  ConvTranspose: convTransposeKernel,
};
