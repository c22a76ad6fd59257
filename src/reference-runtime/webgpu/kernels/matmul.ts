import { bindings, cacheKey, entryPoint, type WebGpuKernel, type WebGpuKernelArgs } from '../program.js';
import { TensorIndexer } from '../wgsl.js';
import { outType } from './elementwise.js';
import { INT64_HELPERS, keepBindings } from './reduce.js';

/** A WGSL f32 literal of a float attribute (always with a point or an exponent, so never an integer). */
export function f32Literal(v: number): string {
  const text = String(v);
  return /[.e]/.test(text) ? `f32(${text})` : `f32(${text}.0)`;
}

/**
 * numpy.matmul: [M, K] times [K, N] per batch element. A 1-D A is promoted to [1, K] and a 1-D B to
 * [K, 1]; the output keeps the promoted dims as 1s in its flat layout, so output coordinates are
 * read over [...batch, M, N]. Batch dims of size 1 broadcast. Int32 sums wrap, as the reference's
 * exact sums do when cast back.
 */
const matmul: WebGpuKernel = {
  program(args) {
    const [a, b] = args.inputs;
    const aShape = a!.shape.length === 1 ? [1, a!.shape[0]!] : a!.shape;
    const bShape = b!.shape.length === 1 ? [b!.shape[0]!, 1] : b!.shape;
    const [m, k] = aShape.slice(-2) as [number, number];
    const n = bShape[bShape.length - 1]!;
    const batchRank = Math.max(aShape.length, bShape.length) - 2;
    const out = new TensorIndexer('out', [...args.outputs[0]!.shape.slice(0, batchRank), m, n]);
    const row = `c[${batchRank}]`;
    const column = `c[${batchRank + 1}]`;
    /** An operand's offset at its two matrix coordinates, its batch dims read from the output's. */
    const operandOffset = (name: string, shape: readonly number[], matrixCoords: readonly [string, string]) => {
      const indexer = new TensorIndexer(name, shape);
      const lead = batchRank - (shape.length - 2);
      const batch = shape.slice(0, -2).map((d, i) => (d === 1 ? '0u' : `c[${lead + i}]`));
      return indexer.offset([...batch, ...matrixCoords]);
    };
    const type = outType(args);
    const body = [
      '  let c = out_coords(index);',
      `  var acc = ${type}(0);`,
      `  for (var p = 0u; p < ${k}u; p++) {`,
      `    acc += input0[${operandOffset('a', aShape, [row, 'p'])}] * input1[${operandOffset('b', bShape, ['p', column])}];`,
      '  }',
      '  output0[index] = acc;',
    ].join('\n');
    const wgsl = [bindings(args), out.coordsFn(), entryPoint(out.size, body)].join('\n');
    return { cacheKey: cacheKey('MatMul', args, wgsl), wgsl, threads: out.size };
  },
};

/** A float attribute as an integer over a power of two (value = mantissa / 2^shift), when both fit in 32 bits. */
function fixedPoint(v: number): { mantissa: number; shift: number } | undefined {
  for (let shift = 0; shift <= 32; shift++) {
    const mantissa = v * 2 ** shift;
    if (Number.isInteger(mantissa)) return Math.abs(mantissa) < 2 ** 31 ? { mantissa, shift } : undefined;
  }
  return undefined;
}

/**
 * WGSL statements binding `<name>_whole` (64-bit, floored) and `<name>_fraction` (f32 in [0, 1)) of
 * factor * x for an int32 x: the product is exact in 64 bits and the shift splits it at the point.
 */
function scaledTerm(name: string, factor: { mantissa: number; shift: number }, x: string): string {
  const { mantissa, shift } = factor;
  const product = `${name}_product`;
  const [whole, fraction] =
    shift === 0
      ? [product, '0.0']
      : shift === 32
        ? [`vec2<u32>(${product}.y, select(0u, 0xffffffffu, i32(${product}.y) < 0))`, `ldexp(f32(${product}.x), -32)`]
        : [
            `vec2<u32>((${product}.x >> ${shift}u) | (${product}.y << ${32 - shift}u), u32(i32(${product}.y) >> ${shift}u))`,
            `ldexp(f32(${product}.x & ${2 ** shift - 1}u), -${shift})`,
          ];
  return [`  let ${product} = mul_signed(${mantissa}i, ${x});`, `  let ${name}_whole = ${whole};`, `  let ${name}_fraction = ${fraction};`].join('\n');
}

/**
 * Int32 Gemm's alpha * acc + beta * C: the reference computes it in float64 and truncates, which f32
 * cannot follow once the value passes 2^24. With alpha and beta as fixed-point numbers each term
 * splits exactly into a 64-bit whole part and a fraction; only the fractions' sum is rounded (to
 * f32, whose 2^-24 matters only for values that close below an integer). Exact while the integer
 * sum of products fits in int32, as the reference's is whenever it does not wrap.
 */
function intGemmResult(args: WebGpuKernelArgs, cTerm: string | undefined): string {
  const alpha = fixedPoint(args.attrs.float('alpha'))!;
  const beta = cTerm ? fixedPoint(args.attrs.float('beta'))! : undefined;
  const terms = [alpha.mantissa !== 0 ? scaledTerm('scaled_acc', alpha, 'acc') : '', beta ? scaledTerm('scaled_c', beta, cTerm!) : ''].filter((t) => t.length > 0);
  const names = [alpha.mantissa !== 0 ? 'scaled_acc' : '', beta ? 'scaled_c' : ''].filter((n) => n.length > 0);
  const whole = names.map((n) => `${n}_whole`).reduce((a, b) => `add64(${a}, ${b})`, 'vec2<u32>(0u, 0u)');
  const fraction = names.map((n) => `${n}_fraction`).join(' + ') || '0.0';
  return [
    ...terms,
    `  let fraction = ${fraction};`,
    '  let carry = floor(fraction);',
    `  let floored = add64(${whole}, vec2<u32>(u32(carry), 0u));`,
    '  // Truncation rounds a negative value with a fraction up; the low word wraps as the reference does.',
    '  output0[index] = i32(floored.x) + select(0i, 1i, i32(floored.y) < 0 && fraction != carry);',
  ].join('\n');
}

/** Y = alpha * acc + beta * C for float32. */
function floatGemmResult(args: WebGpuKernelArgs, cTerm: string | undefined): string {
  const scaled = `${f32Literal(args.attrs.float('alpha'))} * acc`;
  return `  output0[index] = ${cTerm ? `${scaled} + ${f32Literal(args.attrs.float('beta'))} * ${cTerm}` : scaled};`;
}

/** Whether a Gemm reads C: as in the reference, a zero beta leaves C out entirely (NaNs in C included). */
function readsC(args: WebGpuKernelArgs): boolean {
  return args.inputs[2] !== undefined && args.attrs.float('beta') !== 0;
}

/** Gemm: Y = alpha * op(A) @ op(B) + beta * C, with C broadcast to [M, N]. */
const gemm: WebGpuKernel = {
  validate(args) {
    if (args.outputs[0]!.dtype !== 'int32') return undefined;
    const factors = [args.attrs.float('alpha'), ...(readsC(args) ? [args.attrs.float('beta')] : [])];
    // The exact int32 path scales by fixed-point factors; others (|alpha| < 2^-9 with 24 significant bits, say) would need 128-bit products.
    if (factors.some((f) => fixedPoint(f) === undefined)) return 'int32 alpha or beta is not a 32-bit fixed-point number (needed for exact truncation)';
    return undefined;
  },
  program(args) {
    const [a, b, c] = args.inputs;
    const out = new TensorIndexer('out', args.outputs[0]!.shape);
    const transA = args.attrs.int('transA') === 1;
    const transB = args.attrs.int('transB') === 1;
    const k = transA ? a!.shape[0]! : a!.shape[1]!;
    const aOffset = new TensorIndexer('a', a!.shape).offset(transA ? ['p', 'c[0]'] : ['c[0]', 'p']);
    const bOffset = new TensorIndexer('b', b!.shape).offset(transB ? ['c[1]', 'p'] : ['p', 'c[1]']);
    const cTerm = c && readsC(args) ? `input2[${new TensorIndexer('cin', c.shape).broadcastOffset('c', 2)}]` : undefined;
    const type = outType(args);
    const body = [
      cTerm ? '' : keepBindings(args, [2]),
      '  let c = out_coords(index);',
      `  var acc = ${type}(0);`,
      `  for (var p = 0u; p < ${k}u; p++) {`,
      `    acc += input0[${aOffset}] * input1[${bOffset}];`,
      '  }',
      args.outputs[0]!.dtype === 'int32' ? intGemmResult(args, cTerm) : floatGemmResult(args, cTerm),
    ]
      .filter((s) => s.length > 0)
      .join('\n');
    const helpers = args.outputs[0]!.dtype === 'int32' ? INT64_HELPERS : '';
    const wgsl = [bindings(args), out.coordsFn(), helpers, entryPoint(out.size, body)].join('\n');
    return { cacheKey: cacheKey('Gemm', args, wgsl), wgsl, threads: out.size };
  },
};

export const matmulKernels: Readonly<Record<string, WebGpuKernel>> = {
  MatMul: matmul,
  Gemm: gemm,
};
