import { boundTensor, largest, unitRoundoff, withFloats, type BoundRule } from '../bound-rule.js';

/** What cubic convolution's weights may sum to by magnitude along one axis (1.25 for a = -0.75; more allowed for other a). */
const CUBIC_WEIGHT_SUM = 1.5;

/**
 * Resize: nearest copies elements; linear takes non-negative weights summing to one, so the
 * kernel run on the bounds carries them; cubic's weights may be negative, so the largest error
 * times their magnitude sum per axis. Its own error: the interpolation's roundings, and the
 * weights a float32 SUT computes from float32 coordinates (a relative error of about the axis
 * length in units) times the values they mix. The extrapolation value is exact.
 */
export const resizeRule: BoundRule = (args) => {
  const x = args.inputs[0]!;
  const y = args.outputs[0]!;
  const mode = args.attrs.str('mode');
  const attrs = withFloats(args.attrs, { extrapolation_value: 0 });
  const bound = args.inputBounds[0];
  const unit = unitRoundoff(y.dtype);
  const rank = x.shape.length;
  const onBounds = (b: Float64Array | undefined) => args.rerun([boundTensor(x, b), ...args.inputs.slice(1)], { attrs })[0]!.data;
  if (mode === 'nearest') return bound ? [Float64Array.from(onBounds(bound), Math.abs)] : [];
  const magnitude = Float64Array.from(x.data, Math.abs);
  const longest = Math.max(1, ...x.shape);
  const ownUnits = 3 * rank + 2 * longest;
  if (mode === 'linear') {
    const mixed = onBounds(magnitude);
    const carried = bound ? onBounds(bound) : undefined;
    return [Float64Array.from(mixed, (m, i) => ownUnits * unit * Math.abs(m) + Math.abs(carried?.[i] ?? 0))];
  }
  const spread = CUBIC_WEIGHT_SUM ** rank;
  const largestValue = largest(magnitude);
  const largestBound = bound ? largest(bound) : 0;
  return [new Float64Array(y.data.length).fill(spread * (largestBound + ownUnits * unit * largestValue))];
};
