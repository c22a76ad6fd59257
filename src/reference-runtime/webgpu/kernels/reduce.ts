import { softmaxLanes } from '../../../opspec/ops/softmax.js';
import { reducedAxes } from '../../../opspec/ops/reduce.js';
import { normalizeAxis } from '../../../opspec/shapes.js';
import { bindings, cacheKey, entryPoint, type WebGpuKernel, type WebGpuKernelArgs } from '../program.js';
import { TensorIndexer, wgslType } from '../wgsl.js';

/** A WGSL test that an f32 is finite, by its exponent bits (WGSL has no infinite literals). */
const f32IsFinite = (v: string) => `((bitcast<u32>(${v}) & 0x7f800000u) != 0x7f800000u)`;

/**
 * A constant input the shader does not read (a reduction's axes, CumSum's axis) still has a binding
 * in the bind group; a phony use keeps it in the pipeline's automatic layout.
 */
export function keepBindings(args: WebGpuKernelArgs, unread: readonly number[]): string {
  return unread
    .filter((i) => args.inputs[i] !== undefined)
    .map((i) => `  _ = &input${i};`)
    .join('\n');
}

function inputType(args: WebGpuKernelArgs): 'f32' | 'i32' | 'u32' {
  return wgslType(args.inputs[0]!.dtype);
}

/**
 * The input elements that one output element of a reduction folds. The output's flat index is also
 * the flat index over the input's shape with reduced dims set to 1 (whatever keepdims says), so
 * `kept_coords(index)` gives the kept coordinates and a loop walks the reduced ones.
 */
class ReducedElements {
  readonly count: number;
  readonly helpers: string;
  /** WGSL statements that bind `kept`, once per invocation, before any `forEach` loop. */
  readonly prologue = '  let kept = kept_coords(index);';
  private readonly input: TensorIndexer;
  private readonly axes: readonly number[];

  constructor(args: WebGpuKernelArgs) {
    const shape = args.inputs[0]!.shape;
    const noop = args.attrs.has('noop_with_empty_axes') && args.attrs.int('noop_with_empty_axes') === 1;
    this.axes = reducedAxes(shape.length, args.attrs.has('axes') ? args.attrs.ints('axes') : undefined, noop)!;
    this.input = new TensorIndexer('x', shape);
    const kept = new TensorIndexer('kept', shape.map((d, i) => (this.axes.includes(i) ? 1 : d)));
    const reduced = new TensorIndexer('reduced', this.axes.map((a) => shape[a]!));
    this.count = reduced.size;
    this.helpers = [kept.coordsFn(), reduced.coordsFn()].join('\n');
  }

  /** A WGSL loop running `body` once per reduced element, with `x` bound to the element's value. */
  forEach(body: string): string {
    return [
      `  for (var reduced_index = 0u; reduced_index < ${this.count}u; reduced_index++) {`,
      `    let r = reduced_coords(reduced_index);`,
      `    let x = input0[${this.offset((j) => `r[${j}]`)}];`,
      body,
      '  }',
    ].join('\n');
  }

  /** A WGSL expression: the first reduced element, where a maximum or minimum starts. */
  first(): string {
    return `input0[${this.offset(() => '0u')}]`;
  }

  /** The input offset of the element at the kept coordinates and reduced coordinate j given by `reducedCoord(j)`. */
  private offset(reducedCoord: (j: number) => string): string {
    return this.input.offset(
      this.input.shape.map((_, d) => {
        const j = this.axes.indexOf(d);
        return j >= 0 ? reducedCoord(j) : `kept[${d}]`;
      }),
    );
  }
}

/**
 * A reduction kernel: `body(elements, type)` gives the WGSL statements that compute output element
 * `index` (with `kept` bound); `helpers` adds WGSL functions. `type` is the data's WGSL type.
 */
function reduction(op: string, body: (elements: ReducedElements, type: string) => string, helpers = ''): WebGpuKernel {
  return {
    program(args) {
      const elements = new ReducedElements(args);
      const type = inputType(args);
      const threads = args.outputs[0]!.shape.reduce((a, b) => a * b, 1);
      const statements = [elements.prologue, keepBindings(args, [1]), body(elements, type)].filter((s) => s.length > 0).join('\n');
      const wgsl = [bindings(args), elements.helpers, helpers, entryPoint(threads, statements)].join('\n');
      return { cacheKey: cacheKey(op, args, wgsl), wgsl, threads };
    },
  };
}

/** A reduction that folds every element into `acc` from `init` with `step`, then writes `finish(acc)`. */
function fold(
  op: string,
  init: (type: string, elements: ReducedElements) => string,
  step: (acc: string, x: string) => string,
  finish: (acc: string, count: number) => string = (acc) => acc,
): WebGpuKernel {
  return reduction(op, (elements, type) =>
    [`  var acc: ${type} = ${init(type, elements)};`, elements.forEach(`    acc = ${step('acc', 'x')};`), `  output0[index] = ${finish('acc', elements.count)};`].join('\n'),
  );
}

/** Where a maximum or minimum starts: the first element it folds (dims are positive, so there is one). */
const firstElement = (_type: string, elements: ReducedElements) => elements.first();

/**
 * 64-bit integers as vec2<u32>(low, high), for int32 results whose float64 reference passes 32
 * bits before a final step brings it back: sums under a square root or a logarithm, Gemm's
 * fixed-point scaling (shared with matmul.ts).
 */
export const INT64_HELPERS = `
fn add64(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let low = a.x + b.x;
  return vec2<u32>(low, a.y + b.y + select(0u, 1u, low < a.x));
}
fn sub64(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  return vec2<u32>(a.x - b.x, a.y - b.y - select(0u, 1u, a.x < b.x));
}
fn ge64(a: vec2<u32>, b: vec2<u32>) -> bool {
  return a.y > b.y || (a.y == b.y && a.x >= b.x);
}
fn shr64(a: vec2<u32>, s: u32) -> vec2<u32> {
  return vec2<u32>((a.x >> s) | (a.y << (32u - s)), a.y >> s);
}
fn mul_wide(a: u32, b: u32) -> vec2<u32> {
  let a0 = a & 0xffffu;
  let a1 = a >> 16u;
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let p00 = a0 * b0;
  let p01 = a0 * b1;
  let p10 = a1 * b0;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  return vec2<u32>((p00 & 0xffffu) | (mid << 16u), a1 * b1 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u));
}
fn sign_extend(x: i32) -> vec2<u32> {
  return vec2<u32>(u32(x), select(0u, 0xffffffffu, x < 0));
}
fn mul_signed(a: i32, b: i32) -> vec2<u32> {
  let magnitude = mul_wide(u32(abs(a)), u32(abs(b)));
  if ((a < 0) == (b < 0)) { return magnitude; }
  return add64(~magnitude, vec2<u32>(1u, 0u));
}`;

/** floor(sqrt(v)) of an unsigned 64-bit v, digit by digit (f32's sqrt is too coarse above 2^24). */
const ISQRT64 = `
fn isqrt64(v: vec2<u32>) -> u32 {
  var rest = v;
  var root = vec2<u32>(0u, 0u);
  var bit = vec2<u32>(0u, 1u << 30u);
  for (var step = 0u; step < 32u; step++) {
    let trial = add64(root, bit);
    if (ge64(rest, trial)) {
      rest = sub64(rest, trial);
      root = add64(shr64(root, 1u), bit);
    } else {
      root = shr64(root, 1u);
    }
    bit = shr64(bit, 2u);
  }
  return root.x;
}`;

/**
 * ReduceL2 of int32: the reference truncates sqrt of the exact sum of squares, which passes 32 bits
 * long before the root does; the squares are summed in 64 bits and the root taken exactly.
 */
const intL2Body = (elements: ReducedElements) =>
  [
    '  var squares = vec2<u32>(0u, 0u);',
    elements.forEach('    let magnitude = u32(abs(x));\n    squares = add64(squares, mul_wide(magnitude, magnitude));'),
    '  output0[index] = i32(isqrt64(squares));',
  ].join('\n');

/**
 * For int32 ReduceLogSum: the smallest sums whose natural log truncates to 1, 2, ... as float64
 * computes it, so that the truncated log of an integer sum is a count of thresholds, exactly.
 */
function logThresholds(): bigint[] {
  const thresholds: bigint[] = [];
  // e^43 < 2^63 <= e^44: every positive 64-bit sum is below the last threshold.
  for (let n = 1; n <= 43; n++) {
    let t = Math.ceil(Math.exp(n));
    if (t < 2 ** 53) {
      while (Math.trunc(Math.log(t - 1)) >= n) t--;
      while (Math.trunc(Math.log(t)) < n) t++;
    }
    thresholds.push(BigInt(t));
  }
  return thresholds;
}

function int64Literal(v: bigint): string {
  return `vec2<u32>(${v & 0xffffffffn}u, ${v >> 32n}u)`;
}

const LOG_THRESHOLDS = logThresholds();

/**
 * ReduceLogSum of int32: the sum in 64 bits, then the count of thresholds it reaches. A sum of zero
 * or below has a log of -Inf or NaN, which the reference's cast to int32 makes 0.
 */
const intLogSumBody = (elements: ReducedElements) =>
  [
    '  var sum = vec2<u32>(0u, 0u);',
    elements.forEach('    sum = add64(sum, sign_extend(x));'),
    `  let thresholds = array<vec2<u32>, ${LOG_THRESHOLDS.length}>(${LOG_THRESHOLDS.map(int64Literal).join(', ')});`,
    '  var log_sum = 0i;',
    '  if (i32(sum.y) >= 0) {',
    `    for (var n = 0u; n < ${LOG_THRESHOLDS.length}u; n++) {`,
    '      if (ge64(sum, thresholds[n])) { log_sum += 1i; }',
    '    }',
    '  }',
    '  output0[index] = log_sum;',
  ].join('\n');

/**
 * ReduceMean of int32: the reference divides the exact sum and truncates. The sum is kept as
 * quotient * count + remainder with 0 <= remainder < count, which never overflows, and the
 * quotient is the floored mean.
 */
const intMeanBody = (elements: ReducedElements) => {
  const n = `${elements.count}i`;
  return [
    '  var quotient = 0i;',
    '  var remainder = 0i;',
    elements.forEach(
      [
        `    var xq = x / ${n};`,
        `    var xr = x - xq * ${n};`,
        `    if (xr < 0i) { xq -= 1i; xr += ${n}; }`,
        '    quotient += xq;',
        '    remainder += xr;',
        `    if (remainder >= ${n}) { quotient += 1i; remainder -= ${n}; }`,
      ].join('\n'),
    ),
    '  // Truncation rounds a negative mean with a remainder up.',
    '  output0[index] = select(quotient, quotient + 1i, quotient < 0i && remainder > 0i);',
  ].join('\n');
};

/** ReduceLogSumExp of float32: shifted by the max so that exp() cannot overflow. */
const floatLogSumExpBody = (elements: ReducedElements) =>
  [
    `  var m = ${elements.first()};`,
    elements.forEach('    m = max(m, x);'),
    '  // An infinite max would give inf - inf; unshifted, exp() gives the right limit.',
    `  let shift = select(0.0, m, ${f32IsFinite('m')});`,
    '  var sum = 0.0;',
    elements.forEach('    sum += exp(x - shift);'),
    '  output0[index] = log(sum) + shift;',
  ].join('\n');

/**
 * ReduceLogSumExp of int32: the reference truncates max + log(sum of exp(x - max)) computed in
 * float64. The elements equal to the max are counted exactly (so a lone max gives a log of exactly
 * 0), and the truncation is done on the integer max and the small log separately. For a negative
 * max the result rounds up unless float64 absorbs the log into the max (below half its ulp).
 */
const intLogSumExpBody = (elements: ReducedElements) =>
  [
    `  var m = ${elements.first()};`,
    elements.forEach('    m = max(m, x);'),
    '  var ties = 0u;',
    '  var rest = 0.0;',
    elements.forEach('    if (x == m) { ties += 1u; } else { rest += exp(-f32(u32(m) - u32(x))); }'),
    '  let log_sum = log(f32(ties) + rest);',
    '  var result = m + i32(floor(log_sum));',
    '  if (m < 0i && f32(m) + log_sum < 0.0) {',
    '    let half_ulp = ldexp(1.0, i32(firstLeadingBit(u32(-m))) - 53);',
    '    let absorbed = ties == 1u && rest <= half_ulp;',
    '    // f32 may round 1 + rest to 1 (a log of 0) where float64 keeps it above: truncation still goes up.',
    '    result = select(m + max(i32(ceil(log_sum)), 1i), m, absorbed);',
    '  }',
    '  output0[index] = result;',
  ].join('\n');

/** A reduction whose int32 form needs its own exact algorithm; other dtypes fold. */
function byDtype(float: WebGpuKernel, int32: WebGpuKernel): WebGpuKernel {
  return { program: (args) => (args.inputs[0]!.dtype === 'int32' ? int32 : float).program(args) };
}

const zero = (type: string) => `${type}(0)`;
const one = (type: string) => `${type}(1)`;

/**
 * Softmax and LogSoftmax along one axis, shifted by the max; LogSoftmax as (x - max) - log(sum).
 * Before opset 13 the input is coerced to 2-D: the same row-major buffer, read as [outer, len].
 */
function softmax(op: string, log: boolean): WebGpuKernel {
  return {
    program(args) {
      const shape = args.inputs[0]!.shape;
      const lanes = softmaxLanes(shape, args.attrs);
      const coerced = args.attrs.opset < 13;
      const x = new TensorIndexer('x', coerced ? [lanes.outer, lanes.len] : shape);
      const axis = coerced ? 1 : normalizeAxis(args.attrs.int('axis'), x.rank);
      const along = x.offset(x.shape.map((_, d) => (d === axis ? 'j' : `c[${d}]`)));
      const loop = (body: string) => `  for (var j = 0u; j < ${x.shape[axis]}u; j++) {\n${body}\n  }`;
      const body = [
        '  let c = x_coords(index);',
        `  var m = input0[${x.offset(x.shape.map((_, d) => (d === axis ? '0u' : `c[${d}]`)))}];`,
        loop(`    m = max(m, input0[${along}]);`),
        '  var sum = 0.0;',
        loop(`    sum += exp(input0[${along}] - m);`),
        '  let shifted = input0[index] - m;',
        `  output0[index] = ${log ? 'shifted - log(sum)' : 'exp(shifted) / sum'};`,
      ].join('\n');
      const wgsl = [bindings(args), x.coordsFn(), entryPoint(x.size, body)].join('\n');
      return { cacheKey: cacheKey(op, args, wgsl), wgsl, threads: x.size };
    },
  };
}

/**
 * CumSum along the axis bound from its constant input: each output element sums its run of the
 * axis (before or after it with `reverse`, itself left out with `exclusive`). Int32 wraps, as the
 * reference's exact sums do when cast back.
 */
const cumSum: WebGpuKernel = {
  program(args) {
    const x = new TensorIndexer('x', args.inputs[0]!.shape);
    const type = inputType(args);
    const axis = normalizeAxis(args.attrs.int('axis'), x.rank);
    const exclusive = args.attrs.int('exclusive') === 1;
    const reverse = args.attrs.int('reverse') === 1;
    const len = x.shape[axis]!;
    const position = `c[${axis}]`;
    const [first, end] = reverse ? [exclusive ? `${position} + 1u` : position, `${len}u`] : ['0u', exclusive ? position : `${position} + 1u`];
    const body = [
      keepBindings(args, [1]),
      '  let c = x_coords(index);',
      `  var acc = ${type}(0);`,
      `  for (var j = ${first}; j < ${end}; j++) {`,
      `    acc += input0[${x.offset(x.shape.map((_, d) => (d === axis ? 'j' : `c[${d}]`)))}];`,
      '  }',
      '  output0[index] = acc;',
    ].join('\n');
    const wgsl = [bindings(args), x.coordsFn(), entryPoint(x.size, body)].join('\n');
    return { cacheKey: cacheKey('CumSum', args, wgsl), wgsl, threads: x.size };
  },
};

/**
 * Reductions, Softmax, LogSoftmax and CumSum. ArgMax and ArgMin are left out: their output is int64
 * in every version the specs hold, which WGSL has no type for.
 */
export const reduceKernels: Readonly<Record<string, WebGpuKernel>> = {
  ReduceSum: fold('ReduceSum', zero, (acc, x) => `${acc} + ${x}`),
  ReduceMean: byDtype(fold('ReduceMean', zero, (acc, x) => `${acc} + ${x}`, (acc, n) => `${acc} / ${n}.0`), reduction('ReduceMean', intMeanBody)),
  ReduceMax: fold('ReduceMax', firstElement, (acc, x) => `max(${acc}, ${x})`),
  ReduceMin: fold('ReduceMin', firstElement, (acc, x) => `min(${acc}, ${x})`),
  ReduceProd: fold('ReduceProd', one, (acc, x) => `${acc} * ${x}`),
  ReduceL1: fold('ReduceL1', zero, (acc, x) => `${acc} + abs(${x})`),
  ReduceL2: byDtype(fold('ReduceL2', zero, (acc, x) => `${acc} + ${x} * ${x}`, (acc) => `sqrt(${acc})`), reduction('ReduceL2', intL2Body, INT64_HELPERS + ISQRT64)),
  ReduceSumSquare: fold('ReduceSumSquare', zero, (acc, x) => `${acc} + ${x} * ${x}`),
  ReduceLogSum: byDtype(fold('ReduceLogSum', zero, (acc, x) => `${acc} + ${x}`, (acc) => `log(${acc})`), reduction('ReduceLogSum', intLogSumBody, INT64_HELPERS)),
  ReduceLogSumExp: byDtype(reduction('ReduceLogSumExp', floatLogSumExpBody), reduction('ReduceLogSumExp', intLogSumExpBody)),
  Softmax: softmax('Softmax', false),
  LogSoftmax: softmax('LogSoftmax', true),
  CumSum: cumSum,
};
