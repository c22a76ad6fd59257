import type { Model, Node, ValueInfo } from '../../src/ir/model.js';
import { makeTensor } from '../../src/ir/tensor.js';

const SHAPE = [2, 3];
const f32 = (name: string): ValueInfo => ({ name, dtype: 'float32', shape: SHAPE });
const node = (name: string, op: string, inputs: string[]): Node => ({ name, op, inputs, outputs: [f32(`${name}_out`)], attrs: {} });
const scalar = (name: string, value: number) => ({ name, value: makeTensor('float32', [], [value]) });

/**
 * The tanh form of Gelu with x^3 as Pow, its product read by a Neg (FastGeluFusion does not fuse a
 * Gelu whose product is a graph output). Options expose an inner value the way the fusion's bug needs.
 */
export function tanhGelu(options: { powIsOutput?: boolean; halfReadTwice?: boolean; powReadTwice?: boolean; half?: number } = {}): Model {
  const nodes = [
    node('pow', 'Pow', ['x', 'three']),
    node('cubed', 'Mul', ['pow_out', 'c0044715']),
    node('sum', 'Add', ['x', 'cubed_out']),
    node('scaled', 'Mul', ['sum_out', 'c07978']),
    node('tanh', 'Tanh', ['scaled_out']),
    node('plus1', 'Add', ['tanh_out', 'one']),
    node('half', 'Mul', ['x', 'half']),
    node('product', 'Mul', ['half_out', 'plus1_out']),
    node('neg', 'Neg', ['product_out']),
  ];
  const outputs = ['neg_out'];
  if (options.powIsOutput) outputs.push('pow_out');
  if (options.halfReadTwice) {
    nodes.push(node('neg_half', 'Neg', ['half_out']));
    outputs.push('neg_half_out');
  }
  if (options.powReadTwice) {
    nodes.push(node('neg_pow', 'Neg', ['pow_out']));
    outputs.push('neg_pow_out');
  }
  return {
    opset: 17,
    inputs: [f32('x')],
    weights: [scalar('three', 3), scalar('c0044715', 0.044715), scalar('c07978', 0.7978845834732056), scalar('one', 1), scalar('half', options.half ?? 0.5)],
    nodes,
    outputs,
  };
}
