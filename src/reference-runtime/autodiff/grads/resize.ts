import type { ConcreteAttrs } from '../../../opspec/infer.js';
import { forEachContribution, forEachResizedElement, resizeKernel, resizeTaps } from '../../cpu/kernels/resize.js';
import { exact, type GradRule, type OpGradient } from '../gradient.js';
import { routed } from '../helpers.js';

/**
 * The same attributes with extrapolation_value 0. Routing reads output values as element ids, and
 * an extrapolated element must read as id 0, "no source", not as a made-up id.
 */
function withoutExtrapolation(attrs: ConcreteAttrs): ConcreteAttrs {
  return {
    opset: attrs.opset,
    has: (name) => attrs.has(name),
    int: (name) => attrs.int(name),
    ints: (name) => attrs.ints(name),
    float: (name) => (name === 'extrapolation_value' ? 0 : attrs.float(name)),
    floats: (name) => attrs.floats(name),
    str: (name) => attrs.str(name),
    strs: (name) => attrs.strs(name),
  };
}

/** Nearest only copies elements: the kernel itself, run on element ids, says which. */
const routedNearest = routed(resizeKernel);
const nearestGrad: GradRule = (args) => routedNearest({ ...args, attrs: withoutExtrapolation(args.attrs) });

/**
 * Linear and cubic (antialiased or not): each output element is a weighted sum of input elements,
 * so each input element gets back the output gradients times the weights it was read with.
 * Extrapolated elements read no input.
 */
const interpolatedGrad: GradRule = (args) => {
  const dy = args.dy[0];
  if (!dy) return [];
  const x = args.inputs[0]!;
  const taps = resizeTaps(x.shape, args.outputs[0]!.shape, args.attrs);
  const dx = new Float64Array(x.data.length);
  let g = 0;
  const scatter = (index: number, weight: number): void => {
    dx[index]! += g * weight;
  };
  forEachResizedElement(taps, (flat, current) => {
    g = dy[flat]!;
    if (current && g !== 0) forEachContribution(taps, current, scatter);
  });
  return [dx];
};

/** Only X gets a gradient: roi, scales and sizes are structural. */
const resizeGrad: GradRule = (args) => {
  const dx = args.attrs.str('mode') === 'nearest' ? nearestGrad(args)[0] : interpolatedGrad(args)[0];
  return [dx, undefined, undefined, undefined];
};

export const resizeGradients: Readonly<Record<string, OpGradient>> = {
  Resize: exact(resizeGrad),
};
