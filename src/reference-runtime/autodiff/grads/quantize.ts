import type { Tensor } from '../../../ir/tensor.js';
import { perAxisIndex, dynamicParameters, multipliers } from '../../cpu/kernels/requantize.js';
import { exact, proxy, type GradArgs, type GradRule, type OpGradient } from '../gradient.js';
import { convGradients } from './conv.js';
import { matmulGradients } from './matmul.js';

/**
 * The quantization ops. Their integer outputs are steps of x / scale, whose derivative is zero
 * almost everywhere: the rules are straight-through proxies (the derivative of the real value
 * before rounding), which give the input search a direction. DequantizeLinear is linear in x and
 * in its scale: its rule is exact.
 */

/** QuantizeLinear: y ~ x / scale, so dx = dy / scale (per element's scale). */
const quantizeRule: GradRule = ({ inputs, attrs, dy }) => {
  const g = dy[0];
  const [x, scale] = inputs;
  if (!g) return [];
  const at = perAxisIndex(x!, scale!, attrs);
  return [Float64Array.from(g, (v, i) => v / scale!.data[at(i)]!)];
};

/** DequantizeLinear: y = (x - zp) * scale: dx = dy * scale, dscale = sum of dy * (x - zp) per scale element. */
const dequantizeRule: GradRule = ({ inputs, attrs, dy }) => {
  const g = dy[0];
  const [x, scale, zeroPoint] = inputs;
  if (!g) return [];
  const at = perAxisIndex(x!, scale!, attrs);
  const dScale = new Float64Array(scale!.data.length);
  const dx = Float64Array.from(g, (v, i) => {
    const k = at(i);
    dScale[k]! += v * (x!.data[i]! - (zeroPoint ? zeroPoint.data[k]! : 0));
    return v * scale!.data[k]!;
  });
  return [dx, dScale];
};

/** DynamicQuantizeLinear: y ~ x / scale with the scale held constant. */
const dynamicRule: GradRule = ({ inputs, dy }) => {
  const g = dy[0];
  if (!g) return [];
  const { scale } = dynamicParameters(inputs[0]!);
  return [Float64Array.from(g, (v) => (scale > 0 ? v / scale : 0))];
};

function shifted(x: Tensor, zeroPoint: Tensor | undefined): Tensor {
  const zp = zeroPoint ? zeroPoint.data[0]! : 0;
  return { dtype: 'float64', shape: x.shape, data: Float64Array.from(x.data, (v) => v - zp) };
}

/**
 * An integer op as the float op of its shifted operands (ConvInteger as Conv, MatMulInteger as
 * MatMul), its output gradient scaled per output channel by `scaleOf` (QLinear's multipliers):
 * the float op's rule gives the operands' gradients, placed at the op's own input positions.
 */
function viaFloatOp(
  rule: GradRule,
  operands: (inputs: GradArgs['inputs']) => readonly (Tensor | undefined)[],
  positions: readonly number[],
  scaleOf?: (args: GradArgs) => (i: number) => number,
): GradRule {
  return (args) => {
    const g = args.dy[0];
    if (!g) return [];
    const scale = scaleOf?.(args);
    const dy = scale ? Float64Array.from(g, (v, i) => v * scale(i)) : g;
    const grads = rule({ ...args, inputs: operands(args.inputs), dy: [dy] });
    const out: (Float64Array | undefined)[] = [];
    positions.forEach((p, i) => (out[p] = grads[i]));
    return out;
  };
}

const convRule = convGradients.Conv!.rule;
const matmulRule = matmulGradients.MatMul!.rule;

/** QLinearConv's multiplier of output element i (per output channel). */
function convMultiplier({ inputs, outputs }: GradArgs): (i: number) => number {
  const [, xScale, , , wScale, , yScale] = inputs;
  const m = multipliers(xScale!.data[0]!, wScale!.data, yScale!.data[0]!);
  const shape = outputs[0]!.shape;
  const spatial = shape.slice(2).reduce((a, b) => a * b, 1);
  return (i) => m[m.length === 1 ? 0 : Math.floor(i / spatial) % shape[1]!]!;
}

function matmulMultiplier({ inputs }: GradArgs): () => number {
  const [, aScale, , , bScale, , yScale] = inputs;
  const m = multipliers(aScale!.data[0]!, bScale!.data, yScale!.data[0]!)[0]!;
  return () => m;
}

export const quantizeGradients: Readonly<Record<string, OpGradient>> = {
  QuantizeLinear: proxy(quantizeRule),
  DequantizeLinear: exact(dequantizeRule),
  DynamicQuantizeLinear: proxy(dynamicRule),
  ConvInteger: proxy(viaFloatOp(convRule, ([x, w, xz, wz]) => [shifted(x!, xz), shifted(w!, wz)], [0, 1])),
  MatMulInteger: proxy(viaFloatOp(matmulRule, ([a, b, az, bz]) => [shifted(a!, az), shifted(b!, bz)], [0, 1])),
  QLinearConv: proxy(viaFloatOp(convRule, ([x, , xz, w, , wz, , , bias]) => [shifted(x!, xz), shifted(w!, wz), bias], [0, 3, 8], convMultiplier)),
  QLinearMatMul: proxy(viaFloatOp(matmulRule, ([a, , az, b, , bz]) => [shifted(a!, az), shifted(b!, bz)], [0, 3], matmulMultiplier)),
};
