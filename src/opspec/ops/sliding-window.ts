import { add, c, FALSE, floordiv, ge, lt, min, mul, rule, sub, type BoolExpr, type IntExpr, le } from '../expr.js';

/**
 * The geometry shared by Conv and the pools: a (dilated) window slides over the spatial dims of an
 * N x C x D1 x ... x Dn input with strides, explicit or automatic pads, and optionally ceil_mode.
 */
export interface WindowParams<T> {
  readonly strides: readonly T[];
  /** All 1 for ops without dilations (AveragePool-11, LpPool-11). */
  readonly dilations: readonly T[];
  /** Begin pads of every spatial dim, then end pads. */
  readonly pads: readonly T[];
  readonly autoPad: string;
  readonly ceilMode: boolean;
}

const isSame = (autoPad: string) => autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER';

function effectiveKernel(k: IntExpr, dilation: IntExpr): IntExpr {
  return add(mul(dilation, sub(k, 1)), 1);
}

/** The explicit pads of dim i as the output rule sees them: VALID means none. */
function explicitPads(p: WindowParams<IntExpr>, i: number, s: number): [IntExpr, IntExpr] {
  return p.autoPad === 'VALID' ? [c(0), c(0)] : [p.pads[i]!, p.pads[i + s]!];
}

/**
 * Output spatial dims. floor((in + pads - effK) / stride) + 1, or with ceil_mode the ceiling, minus a
 * last window that would start in the end padding (ONNX and onnxruntime drop it). SAME_* gives
 * ceil(in / stride).
 */
export function slidingWindowDims(inDims: readonly IntExpr[], kernel: readonly IntExpr[], p: WindowParams<IntExpr>): IntExpr[] {
  const s = inDims.length;
  return inDims.map((inDim, i) => {
    const stride = p.strides[i]!;
    if (isSame(p.autoPad)) return floordiv(add(inDim, sub(stride, 1)), stride);
    const [begin, end] = explicitPads(p, i, s);
    const span = sub(add(add(inDim, begin), end), effectiveKernel(kernel[i]!, p.dilations[i]!));
    if (!p.ceilMode) return add(floordiv(span, stride), 1);
    const ceiled = add(floordiv(add(span, sub(stride, 1)), stride), 1);
    // Windows may only start inside the input or the begin padding: start index * stride < in + begin.
    // With pads smaller than the kernel (a pool rule) at most the last window is dropped.
    const starts = add(floordiv(sub(add(inDim, begin), 1), stride), 1);
    return min(ceiled, starts);
  });
}

/** Whether the kernel, strides, dilations and pads have one value per spatial dim (pads two). */
export function windowListsFit(s: number, kernel: readonly unknown[], p: WindowParams<unknown>): boolean {
  return kernel.length === s && p.strides.length === s && p.dilations.length === s && p.pads.length === 2 * s;
}

/** strides, dilations >= 1, pads >= 0, and a window that fits in the padded input. */
export function slidingWindowRules(inDims: readonly IntExpr[], kernel: readonly IntExpr[], p: WindowParams<IntExpr>): BoolExpr[] {
  const s = inDims.length;
  // Later rules index these lists; an imported node with the wrong lengths stops here.
  if (!windowListsFit(s, kernel, p)) return [rule(`kernel_shape, strides and dilations have ${s} values and pads ${2 * s}`, FALSE)];
  const req: BoolExpr[] = [];
  for (const st of p.strides) req.push(rule('strides >= 1', ge(st, 1)));
  for (const d of p.dilations) req.push(rule('dilations >= 1', ge(d, 1)));
  if (isSame(p.autoPad)) return req;
  for (const x of p.pads) req.push(rule('pads >= 0', ge(x, 0)));
  for (let i = 0; i < s; i++) {
    const [begin, end] = explicitPads(p, i, s);
    const fits = ge(add(add(inDims[i]!, begin), end), effectiveKernel(kernel[i]!, p.dilations[i]!));
    req.push(rule(`the window fits in the padded spatial dim ${i}`, fits));
    if (p.ceilMode) {
      // ONNX's shape inference keeps a last window that would start in the end padding while
      // onnxruntime's kernels (and the ONNX reference) drop it; such a model means two shapes at once.
      const stride = p.strides[i]!;
      const span = sub(add(add(inDims[i]!, begin), end), effectiveKernel(kernel[i]!, p.dilations[i]!));
      const ceiled = add(floordiv(add(span, sub(stride, 1)), stride), 1);
      const starts = add(floordiv(sub(add(inDims[i]!, begin), 1), stride), 1);
      req.push(rule(`with ceil_mode, no window of spatial dim ${i} starts in the end padding`, le(ceiled, starts)));
    }
  }
  return req;
}

/** Pools: every pad is smaller than the kernel (ONNX's pooling tests and onnxruntime require it). */
export function padsBelowKernel(kernel: readonly IntExpr[], pads: readonly IntExpr[]): BoolExpr[] {
  const s = kernel.length;
  return pads.map((x, j) => rule(`pads[${j}] < kernel_shape[${j % s}]`, lt(x, kernel[j % s]!)));
}

/**
 * Explicit begin/end pads with auto_pad resolved against concrete dims (kernels need numbers).
 * SAME_UPPER puts the odd unit of padding at the end, SAME_LOWER at the beginning.
 */
export function resolvePads(inDims: readonly number[], kernel: readonly number[], p: Omit<WindowParams<number>, 'ceilMode'>): number[] {
  const s = inDims.length;
  if (p.autoPad === 'VALID') return new Array<number>(2 * s).fill(0);
  if (!isSame(p.autoPad)) return [...p.pads];
  const pads = new Array<number>(2 * s).fill(0);
  for (let i = 0; i < s; i++) {
    const outDim = Math.ceil(inDims[i]! / p.strides[i]!);
    const effK = p.dilations[i]! * (kernel[i]! - 1) + 1;
    const total = Math.max(0, (outDim - 1) * p.strides[i]! + effK - inDims[i]!);
    const small = Math.floor(total / 2);
    pads[i] = p.autoPad === 'SAME_UPPER' ? small : total - small;
    pads[i + s] = total - pads[i]!;
  }
  return pads;
}
