import { mvnGroups } from '../../../opspec/groups.js';
import { lrnDenominators, lrnWindow, MVN_EPSILON } from '../../cpu/kernels/local-norm.js';
import { unitRoundoff, type BoundRule } from '../bound-rule.js';
import { LIBRARY_UNITS } from './elementwise.js';
import { normalizationBound, type Group } from './normalization.js';
import { SUM_RULES } from './sums.js';

/** Beyond this relative error in the variance, first-order propagation says nothing (normalization.ts's limit). */
const LINEAR_LIMIT = 0.25;

/**
 * LRN, y_c = x_c d_c^-beta: the error carried is d_c^-beta b_c + 2 beta alpha / size |x_c|
 * d_c^(-beta-1) sum over c's window of |x_j| b_j (first order); its own is d's relative rounding (its
 * sum of squares and the bias) times beta, the library power's and the division's.
 */
const lrn: BoundRule = (args) => {
  const x = args.inputs[0]!;
  const y = args.outputs[0]!;
  const unit = unitRoundoff(y.dtype);
  const [alpha, beta, bias, size] = [args.attrs.float('alpha'), args.attrs.float('beta'), args.attrs.float('bias'), args.attrs.int('size')];
  const d = lrnDenominators(x, alpha, bias, size);
  const ownRelative = (beta * (size + 3) + LIBRARY_UNITS + 2) * unit;
  const out = Float64Array.from(y.data, (v) => ownRelative * Math.abs(v));
  const b = args.inputBounds[0];
  if (!b) return [out];
  const [n, channels] = [x.shape[0]!, x.shape[1]!];
  const inner = x.shape.slice(2).reduce((p, q) => p * q, 1);
  for (let batch = 0; batch < n; batch++) {
    for (let c = 0; c < channels; c++) {
      const [lo, hi] = lrnWindow(c, size, channels);
      for (let i = 0; i < inner; i++) {
        const at = (batch * channels + c) * inner + i;
        let window = 0;
        for (let j = lo; j <= hi; j++) {
          const k = (batch * channels + j) * inner + i;
          window += Math.abs(x.data[k]!) * b[k]!;
        }
        out[at] = out[at]! + d[at]! ** -beta * b[at]! + ((2 * beta * alpha) / size) * Math.abs(x.data[at]!) * d[at]! ** (-beta - 1) * window;
      }
    }
  }
  return [out];
};

/**
 * MeanVarianceNormalization: normalization.ts's bound with no scale or bias (its epsilon inside the
 * root stands for MVN's 1e-9 added to it), plus what ONNX's function body loses computing the
 * variance as E[x^2] - E[x]^2: (N + 2) roundings of E[x^2], relative to the variance. Past the linear
 * limit the group is meaningless in float32.
 */
const mvn: BoundRule = (args) => {
  const x = args.inputs[0]!;
  const y = args.outputs[0]!;
  const unit = unitRoundoff(y.dtype);
  const groups = mvnGroups(x.shape, args.attrs.ints('axes'));
  const asGroups: Group[] = groups.map((elements) => ({ elements, gamma: () => 1, gammaBound: () => 0, betaBound: () => 0 }));
  const out = normalizationBound(x, args.inputBounds[0], asGroups, MVN_EPSILON ** 2, y);
  for (const group of groups) {
    const n = group.length;
    let mean = 0;
    let meanSquare = 0;
    for (const k of group) {
      mean += x.data[k]! / n;
      meanSquare += x.data[k]! ** 2 / n;
    }
    let variance = 0;
    for (const k of group) variance += (x.data[k]! - mean) ** 2 / n;
    const s2 = (Math.sqrt(variance) + MVN_EPSILON) ** 2;
    const relative = ((n + 2) * unit * meanSquare) / s2;
    for (const k of group) out[k] = n > 1 && relative > LINEAR_LIMIT ? Infinity : out[k]! + (Math.abs(y.data[k]!) * relative) / 2;
  }
  return [out];
};

export const LOCAL_NORM_RULES: Readonly<Record<string, BoundRule>> = {
  LRN: lrn,
  MeanVarianceNormalization: mvn,
  // LpPool's rule: its window is the whole plane when there is no kernel_shape.
  GlobalLpPool: SUM_RULES.LpPool!,
};
