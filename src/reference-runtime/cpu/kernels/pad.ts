import { stridesOf } from '../../../ir/tensor.js';
import { padConstant, padsPerAxis } from '../../../opspec/ops/pad.js';
import { result, type Kernel } from '../kernel.js';

/** Where padded position x (x = output index - begin pad) reads along an axis of size d; -1: the constant. */
export function padSource(mode: string, x: number, d: number): number {
  if (x >= 0 && x < d) return x;
  switch (mode) {
    case 'edge':
      return Math.min(Math.max(x, 0), d - 1);
    case 'wrap':
      return ((x % d) + d) % d;
    case 'reflect': {
      // numpy's reflect: mirrored on the first and last values, so the pattern repeats every 2(d - 1).
      if (d === 1) return 0;
      const period = 2 * (d - 1);
      const m = ((x % period) + period) % period;
      return m < d ? m : period - m;
    }
    default:
      return -1;
  }
}

export const padKernel: Kernel = ({ inputs, attrs, outputs }) => {
  const x = inputs[0]!;
  const out = outputs[0]!;
  const rank = x.shape.length;
  const mode = attrs.str('mode');
  const value = padConstant(inputs, attrs);
  const { begin, end } = padsPerAxis(rank, attrs.ints('pads'), attrs.has('axes') ? attrs.ints('axes') : undefined, 0)!;
  const strides = stridesOf(x.shape);
  // Per axis, the input offset each output index reads (-1 for the constant). Negative pads crop
  // first; the mode then pads the kept range (as onnxruntime does; numpy has no negative pads).
  const sources = out.shape.map((n, a) => {
    const cropped = Math.max(0, -begin[a]!);
    const kept = x.shape[a]! - cropped - Math.max(0, -end[a]!);
    return Array.from({ length: n }, (_, o) => {
      const s = padSource(mode, o - Math.max(0, begin[a]!), kept);
      return s < 0 ? -1 : (cropped + s) * strides[a]!;
    });
  });
  const size = out.shape.reduce((p, d) => p * d, 1);
  const data = new Float64Array(size);
  const counter = new Array<number>(rank).fill(0);
  for (let i = 0; i < size; i++) {
    let src = 0;
    for (let a = 0; a < rank && src >= 0; a++) {
      const s = sources[a]![counter[a]!]!;
      src = s < 0 ? -1 : src + s;
    }
    data[i] = src < 0 ? value : x.data[src]!;
    for (let a = rank - 1; a >= 0; a--) {
      if (++counter[a]! < out.shape[a]!) break;
      counter[a] = 0;
    }
  }
  return [result(out, data)];
};
