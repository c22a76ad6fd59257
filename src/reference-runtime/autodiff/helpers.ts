import { sizeOf, type Tensor } from '../../ir/tensor.js';
import type { ConcreteAttrs } from '../../opspec/infer.js';
import { broadcastStrides, forEachBroadcast } from '../cpu/indexing.js';
import type { Kernel } from '../cpu/kernel.js';
import type { GradArgs, GradRule } from './gradient.js';

/** Elementwise: dx = dy * f'(x) where `derivative(x, y)` sees the input and the output element. */
export function unaryGradWith(make: (args: GradArgs) => (x: number, y: number) => number): GradRule {
  return (args) => {
    const dy = args.dy[0];
    if (!dy) return [];
    const d = make(args);
    const x = args.inputs[0]!.data;
    const y = args.outputs[0]!.data;
    const dx = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) dx[i] = dy[i]! * d(x[i]!, y[i]!);
    return [dx];
  };
}

export function unaryGrad(derivative: (x: number, y: number) => number): GradRule {
  return unaryGradWith(() => derivative);
}

/**
 * Two broadcasting inputs: `partials(a, b, y)` gives (dy/da, dy/db) at one output element; the
 * products with dy are summed back over each input's broadcast dims.
 */
export function binaryGradWith(make: (args: GradArgs) => (a: number, b: number, y: number) => readonly [number, number]): GradRule {
  return (args) => {
    const dy = args.dy[0];
    if (!dy) return [];
    const partials = make(args);
    const a = args.inputs[0]!;
    const b = args.inputs[1]!;
    const y = args.outputs[0]!;
    const da = new Float64Array(a.data.length);
    const db = new Float64Array(b.data.length);
    const strides = [broadcastStrides(a.shape, y.shape), broadcastStrides(b.shape, y.shape)];
    forEachBroadcast(y.shape, strides, (i, [ia, ib]) => {
      const [pa, pb] = partials(a.data[ia!]!, b.data[ib!]!, y.data[i]!);
      da[ia!]! += dy[i]! * pa;
      db[ib!]! += dy[i]! * pb;
    });
    return [da, db];
  };
}

export function binaryGrad(partials: (a: number, b: number, y: number) => readonly [number, number]): GradRule {
  return binaryGradWith(() => partials);
}

/** Sums a gradient over an output shape back to an input shape it was broadcast from. */
export function unbroadcast(g: Float64Array, outShape: readonly number[], inShape: readonly number[]): Float64Array {
  const out = new Float64Array(sizeOf(inShape));
  forEachBroadcast(outShape, [broadcastStrides(inShape, outShape)], (i, [j]) => {
    out[j!]! += g[i]!;
  });
  return out;
}

export interface RoutingOptions {
  /** Which input positions carry data (the rest are indices, shapes, axes). Default: the first. */
  readonly data?: (args: GradArgs) => readonly number[];
  /** Input positions replaced by a zero of their type (Pad's constant_value: a padded element has no source). */
  readonly zeroed?: readonly number[];
  /** A scalar input position that receives the gradient of every output element with no source (Pad's constant_value). */
  readonly unsourced?: number;
}

/**
 * The gradient of an op that only moves, copies or drops elements (Transpose, Slice, Gather, Tile,
 * Pad, Concat...): the op's own kernel runs on element ids instead of values, and each output
 * element's gradient goes back to the element whose id it holds. Id 0 marks "no source" (padding,
 * masked). One kernel, one truth: the gradient cannot disagree with the forward pass on indexing.
 */
export function routed(kernel: Kernel, options: RoutingOptions = {}): GradRule {
  return (args) => {
    if (args.dy.every((g) => g === undefined)) return [];
    const positions = options.data?.(args) ?? [0];
    const ids: (Tensor | undefined)[] = args.inputs.slice();
    const starts = new Map<number, number>();
    let next = 1;
    for (const p of positions) {
      const x = args.inputs[p];
      if (!x) continue;
      const data = new Float64Array(x.data.length);
      for (let i = 0; i < data.length; i++) data[i] = next + i;
      ids[p] = { dtype: 'float64', shape: x.shape, data };
      starts.set(p, next);
      next += data.length;
    }
    for (const p of options.zeroed ?? []) {
      const x = args.inputs[p];
      if (x) ids[p] = { dtype: 'float64', shape: x.shape, data: new Float64Array(x.data.length) };
    }
    // Float64 outputs so that integer and bool results do not round or clamp the ids.
    const outputs = kernel({ inputs: ids, attrs: args.attrs, outputs: args.outputTypes.map((t) => ({ ...t, dtype: 'float64' as const })) });
    const grads: (Float64Array | undefined)[] = args.inputs.map((x, p) => (x && starts.has(p) ? new Float64Array(x.data.length) : undefined));
    const order = [...starts].sort((u, v) => u[1] - v[1]);
    const fill = options.unsourced !== undefined && args.inputs[options.unsourced] ? new Float64Array(1) : undefined;
    if (fill) grads[options.unsourced!] = fill;
    outputs.forEach((out, k) => {
      const dy = args.dy[k];
      if (!dy) return;
      for (let j = 0; j < out.data.length; j++) {
        const id = out.data[j]!;
        if (id < 1) {
          if (fill) fill[0]! += dy[j]!;
          continue;
        }
        let owner = order[0]!;
        for (const entry of order) if (entry[1] <= id) owner = entry;
        grads[owner[0]]![id - owner[1]]! += dy[j]!;
      }
    });
    return grads;
  };
}

/** Reads an optional int attribute with a default. */
export function intOr(attrs: ConcreteAttrs, name: string, fallback: number): number {
  return attrs.has(name) ? attrs.int(name) : fallback;
}
