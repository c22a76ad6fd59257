import { exact, exactWhen, exactWithLeak, LEAK, type OpGradient } from '../gradient.js';
import { unaryGrad, unaryGradWith } from '../helpers.js';

/** OneHot: each output element is off or on, so their gradients are the sums of dy where each was placed. */
const oneHot = exact(({ inputs, outputs, dy: [dy] }) => {
  if (!dy) return [];
  const values = inputs[2]!;
  const [off, on] = [values.data[0]!, values.data[1]!];
  const out = outputs[0]!;
  const grad = new Float64Array(2);
  // The kernel wrote 'on' once per index in range; elsewhere 'off'. When off = on, every element is either.
  const placed = (i: number) => (out.data[i] === on && on !== off ? 1 : 0);
  for (let i = 0; i < dy.length; i++) grad[placed(i)] = grad[placed(i)]! + dy[i]!;
  return [undefined, undefined, grad];
});

export const selectionGradients: Readonly<Record<string, OpGradient>> = {
  // Inference: the identity on the data.
  Dropout: exact(unaryGrad(() => 1)),
  OneHot: oneHot,
  // Cast's rule: exact between float64s, a straight-through proxy into float32 or an integer.
  CastLike: exactWhen((_attrs, [x, target]) => x?.dtype === 'float64' && target?.dtype === 'float64', unaryGrad(() => 1)),
  ThresholdedRelu: exactWithLeak(
    unaryGradWith(({ attrs }) => {
      const alpha = attrs.float('alpha');
      return (x) => (x > alpha ? 1 : 0);
    }),
    unaryGradWith(({ attrs }) => {
      const alpha = attrs.float('alpha');
      return (x) => (x > alpha ? 1 : LEAK);
    }),
  ),
  Shrink: exactWithLeak(
    unaryGradWith(({ attrs }) => {
      const lambd = attrs.float('lambd');
      return (x) => (Math.abs(x) > lambd ? 1 : 0);
    }),
    unaryGradWith(({ attrs }) => {
      const lambd = attrs.float('lambd');
      return (x) => (Math.abs(x) > lambd ? 1 : LEAK);
    }),
  ),
};
