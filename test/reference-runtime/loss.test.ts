import { describe, expect, it } from 'vitest';
import { makeTensor } from '../../src/ir/tensor.js';
import { runNode } from './run-node.js';

const f32 = (shape: number[], data: number[]) => makeTensor('float32', shape, data);
const labels = (shape: number[], data: number[]) => makeTensor('int64', shape, data);

function expectClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(a, `element ${i}`).toBeCloseTo(expected[i]!, 12));
}

describe('NegativeLogLikelihoodLoss kernel', () => {
  // Two samples of three classes; the targets pick -3 and -4.
  const input = f32([2, 3], [-1, -2, -3, -4, -5, -6]);
  const target = labels([2], [2, 0]);
  const nll = (attrs: Record<string, string | number>, weights?: number[]) =>
    runNode('NegativeLogLikelihoodLoss', [input, target, weights && f32([3], weights)], attrs)[0]!;

  it('negates the picked values, reduced by none, sum or mean', () => {
    const none = nll({ reduction: 'none' });
    expect(none.shape).toEqual([2]);
    expectClose(none.data, [3, 4]);
    expectClose(nll({ reduction: 'sum' }).data, [7]);
    expect(nll({}).shape).toEqual([]);
    expectClose(nll({}).data, [3.5]);
  });

  it('weights each sample by its class; the mean divides by the weights picked', () => {
    expectClose(nll({ reduction: 'none' }, [1, 2, 0.5]).data, [1.5, 4]);
    expectClose(nll({ reduction: 'mean' }, [1, 2, 0.5]).data, [5.5 / 1.5]);
  });

  it('leaves out the samples whose label is ignore_index', () => {
    expectClose(nll({ reduction: 'none', ignore_index: 0 }).data, [3, 0]);
    expectClose(nll({ reduction: 'mean', ignore_index: 0 }).data, [3]);
  });

  it('picks along the class axis of an [N, C, d1] input', () => {
    const x = f32([1, 2, 2], [-1, -2, -3, -4]);
    const [y] = runNode('NegativeLogLikelihoodLoss', [x, labels([1, 2], [1, 0])], { reduction: 'none' });
    expect(y!.shape).toEqual([1, 2]);
    expectClose(y!.data, [3, 2]);
  });
});

describe('SoftmaxCrossEntropyLoss kernel', () => {
  it('is the negative log-softmax of the label, with log_prob as its second output', () => {
    const scores = f32([1, 3], [0, 1, 2]);
    const logSum = Math.log(1 + Math.E + Math.E ** 2);
    const [loss, logProb] = runNode('SoftmaxCrossEntropyLoss', [scores, labels([1], [2])], {}, 2);
    expectClose(loss!.data, [logSum - 2]);
    expect(logProb!.shape).toEqual([1, 3]);
    expectClose(logProb!.data, [-logSum, 1 - logSum, 2 - logSum]);
  });

  it('is accepted at opset 12 (version 12)', () => {
    const [loss] = runNode('SoftmaxCrossEntropyLoss', [f32([2, 2], [0, 0, 0, 0]), labels([2], [0, 1])], { reduction: 'sum' }, 1, 12);
    expectClose(loss!.data, [2 * Math.LN2]);
  });
});
