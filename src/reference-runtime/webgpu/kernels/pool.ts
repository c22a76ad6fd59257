import { resolvePads } from '../../../opspec/ops/sliding-window.js';
import { bindings, cacheKey, entryPoint, type WebGpuKernel, type WebGpuKernelArgs } from '../program.js';
import { TensorIndexer } from '../wgsl.js';
import { perAxis, windowLoop } from './conv.js';

/**
 * How a windowed pool folds the input elements of one window, in window order: `step` sees each
 * as `v` with `count` the number seen before it, and may update `acc` (an f32 starting at 0);
 * `finish` is the output from `acc`, `count` and `padded` (the window positions in the input or
 * its explicit padding). The WGSL of both goes into the program's cache key.
 */
interface PoolFold {
  readonly step: string;
  readonly finish: string;
}

/**
 * The window of output position o on spatial axis d: input positions p = o * stride - pad +
 * k * dilation, as poolWindows computes them (windows are geometry as in conv.ts, for the same
 * reason). Positions past the end padding (a ceil_mode window) count for nothing; a window never
 * starts before the begin padding.
 */
function windowedPool(op: string, fold: (args: WebGpuKernelArgs) => PoolFold): WebGpuKernel {
  return {
    program(args) {
      const x = args.inputs[0]!;
      const outShape = args.outputs[0]!.shape;
      const s = x.shape.length - 2;
      const inDims = x.shape.slice(2);
      const kernel = args.attrs.ints('kernel_shape');
      const strides = args.attrs.ints('strides');
      // Versions without a dilations attribute (AveragePool before 19, LpPool before 18) never bind one.
      const dilations = args.attrs.has('dilations') ? args.attrs.ints('dilations') : kernel.map(() => 1);
      const pads = resolvePads(inDims, kernel, { strides, dilations, pads: args.attrs.ints('pads'), autoPad: args.attrs.str('auto_pad') });
      const { step, finish } = fold(args);
      const out = new TensorIndexer('out', outShape);
      const xAt = new TensorIndexer('x', x.shape);
      const window = new TensorIndexer('window', kernel);
      const windowPosition = (d: number) => [
        `let p${d} = i32(c[${d + 2}] * ${strides[d]}u + wc[${d}] * ${dilations[d]}u) - ${pads[d]};`,
        `if (p${d} >= ${inDims[d]! + pads[d + s]!}) { continue; }`,
      ];
      const inside = perAxis(s, (d) => `p${d} >= 0 && p${d} < ${inDims[d]}`).join(' && ');
      const visit = [
        ...perAxis(s, windowPosition).flat(),
        'padded += 1u;',
        `if (${inside}) {`,
        `  let v = input0[${xAt.offset(['c[0]', 'c[1]', ...perAxis(s, (d) => `u32(p${d})`)])}];`,
        `  ${step}`,
        '  count += 1u;',
        '}',
      ];
      const body = [
        '  let c = out_coords(index);',
        '  var acc: f32 = 0.0;',
        '  var count = 0u;',
        '  var padded = 0u;',
        ...windowLoop(window, visit),
        `  output0[index] = ${finish};`,
      ].join('\n');
      const wgsl = [bindings(args), out.coordsFn(), window.coordsFn(), entryPoint(out.size, body)].join('\n');
      return { cacheKey: cacheKey(op, args, { kernel, strides, dilations, pads, step, finish }), wgsl, threads: out.size };
    },
  };
}

/** The window's first maximum, as firstMaxOffset picks it: a later element replaces it only when greater. */
const maxFold = (): PoolFold => ({ step: 'if (count == 0u || v > acc) { acc = v; }', finish: 'acc' });

/** The mean over the input elements, or with count_include_pad over the explicit padding too (averageDivisor). */
const averageFold = (args: WebGpuKernelArgs): PoolFold => ({
  step: 'acc += v;',
  finish: `acc / f32(${args.attrs.int('count_include_pad') === 1 ? 'padded' : 'count'})`,
});

/** |v| to an integer power p >= 1, as a product (exact where the CPU's ** is, for small p). */
function absPower(p: number): string {
  return p <= 4 ? Array.from({ length: p }, () => 'abs(v)').join(' * ') : `pow(abs(v), ${p}.0)`;
}

/** The p-th root of the sum, exact for p = 1 and through sqrt for p = 2 (pow(0, y) is undefined in WGSL). */
function root(p: number): string {
  if (p === 1) return 'acc';
  if (p === 2) return 'sqrt(acc)';
  return `select(pow(acc, 1.0 / ${p}.0), 0.0, acc == 0.0)`;
}

const lpFold = (args: WebGpuKernelArgs): PoolFold => {
  const p = args.attrs.int('p');
  return { step: `acc += ${absPower(p)};`, finish: root(p) };
};

/**
 * Reduces each (batch, channel) plane of the input to one value: one invocation per plane, adding
 * or comparing in the plane's order as the CPU kernel does.
 */
function globalPool(op: string, planeFold: (size: number) => readonly string[]): WebGpuKernel {
  return {
    program(args) {
      const x = args.inputs[0]!;
      const size = x.shape.slice(2).reduce((a, b) => a * b, 1);
      const planes = x.shape[0]! * x.shape[1]!;
      const body = [`  let base = index * ${size}u;`, ...planeFold(size).map((line) => `  ${line}`)].join('\n');
      return { cacheKey: cacheKey(op, args), wgsl: [bindings(args), entryPoint(planes, body)].join('\n'), threads: planes };
    },
  };
}

const globalAverage = (size: number) => [
  'var acc: f32 = 0.0;',
  `for (var i = 0u; i < ${size}u; i++) { acc += input0[base + i]; }`,
  `output0[index] = acc / ${size}.0;`,
];

/** Math.max's fold: a NaN anywhere in the plane is the result. */
const globalMax = (size: number) => [
  'var acc = input0[base];',
  `for (var i = 1u; i < ${size}u; i++) {`,
  '  let v = input0[base + i];',
  '  if (v > acc || v != v) { acc = v; }',
  '}',
  'output0[index] = acc;',
];

export const poolKernels: Readonly<Record<string, WebGpuKernel>> = {
  MaxPool: windowedPool('MaxPool', maxFold),
  AveragePool: windowedPool('AveragePool', averageFold),
  LpPool: {
    // The CPU kernel's |x| ** p and sum ** (1 / p) for p < 1 (1 / 0, negative roots) have no useful
    // float32 counterpart; the spec draws p from 1 to 3.
    validate: (args) => (args.attrs.int('p') < 1 ? `p = ${args.attrs.int('p')} is below 1` : undefined),
    program: windowedPool('LpPool', lpFold).program,
  },
  GlobalAveragePool: globalPool('GlobalAveragePool', globalAverage),
  GlobalMaxPool: globalPool('GlobalMaxPool', globalMax),
};
