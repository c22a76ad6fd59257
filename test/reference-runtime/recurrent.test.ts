import { describe, expect, it } from 'vitest';
import { makeTensor } from '../../src/ir/tensor.js';
import { runNode } from './run-node.js';

const f32 = (shape: number[], data: number[]) => makeTensor('float32', shape, data);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function expectClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(a, `element ${i}`).toBeCloseTo(expected[i]!, 12));
}

// One input feature, one hidden unit: X = [1, 2] over two steps, W = 0.5, R = 0.25, Wb + Rb = 0.375
// (binary fractions: float32 holds them exactly).
const X = f32([2, 1, 1], [1, 2]);
const W = f32([1, 1, 1], [0.5]);
const R = f32([1, 1, 1], [0.25]);
const B = f32([1, 2], [0.125, 0.25]);

describe('RNN kernel', () => {
  const h1 = Math.tanh(0.5 + 0.375);
  const h2 = Math.tanh(1 + 0.25 * h1 + 0.375);

  it('runs forward with the default Tanh, Y over the steps and Y_h the last', () => {
    const [y, yh] = runNode('RNN', [X, W, R, B], { hidden_size: 1 }, 2);
    expect(y!.shape).toEqual([2, 1, 1, 1]);
    expect(yh!.shape).toEqual([1, 1, 1]);
    expectClose(y!.data, [h1, h2]);
    expectClose(yh!.data, [h2]);
  });

  it('runs reverse from the last step, writing each Y at its own step', () => {
    const first = Math.tanh(1 + 0.375);
    const second = Math.tanh(0.5 + 0.25 * first + 0.375);
    const [y, yh] = runNode('RNN', [X, W, R, B], { hidden_size: 1, direction: 'reverse' }, 2);
    expectClose(y!.data, [second, first]);
    expectClose(yh!.data, [second]);
  });

  it('runs both directions side by side when bidirectional (Y [T, 2, B, H])', () => {
    const w2 = f32([2, 1, 1], [0.5, 0.5]);
    const r2 = f32([2, 1, 1], [0.25, 0.25]);
    const b2 = f32([2, 2], [0.125, 0.25, 0.125, 0.25]);
    const [y, yh] = runNode('RNN', [X, w2, r2, b2], { hidden_size: 1, direction: 'bidirectional' }, 2);
    const first = Math.tanh(1.375);
    const second = Math.tanh(0.5 + 0.25 * first + 0.375);
    expect(y!.shape).toEqual([2, 2, 1, 1]);
    expectClose(y!.data, [h1, second, h2, first]);
    expectClose(yh!.data, [h2, second]);
  });

  it('stops a batch entry at its sequence length: zero Y after it, Y_h its last state', () => {
    const x = f32([2, 2, 1], [1, 1, 2, 2]);
    const lens = makeTensor('int32', [2], [2, 1]);
    const [y, yh] = runNode('RNN', [x, W, R, B, lens], { hidden_size: 1 }, 2);
    expectClose(y!.data, [h1, h1, h2, 0]);
    expectClose(yh!.data, [h2, h1]);
  });

  it('starts a shorter entry at its own last step in reverse', () => {
    const x = f32([2, 2, 1], [1, 1, 2, 2]);
    const lens = makeTensor('int32', [2], [2, 1]);
    const [y] = runNode('RNN', [x, W, R, B, lens], { hidden_size: 1, direction: 'reverse' }, 2);
    // Entry 1 has one step (t = 0, x = 1): one tanh from a zero state.
    expect(y!.data[1]).toBeCloseTo(h1, 12);
    expect(y!.data[3]).toBe(0);
  });

  it('reads layout 1 as batch-first, with the same values', () => {
    const x = f32([2, 2, 1], [1, 2, 3, 4]);
    const [y0, h0] = runNode('RNN', [x, W, R, B], { hidden_size: 1 }, 2);
    const batchFirst = f32([2, 2, 1], [1, 3, 2, 4]);
    const [y1, h1Batch] = runNode('RNN', [batchFirst, W, R, B], { hidden_size: 1, layout: 1 }, 2);
    expect(y1!.shape).toEqual([2, 2, 1, 1]);
    // Y [T, D, B, H] = [[a0, b0], [a1, b1]] in layout 0 is [[a0, a1], [b0, b1]] in layout 1.
    expectClose(y1!.data, [y0!.data[0]!, y0!.data[2]!, y0!.data[1]!, y0!.data[3]!]);
    expectClose(h1Batch!.data, h0!.data);
  });

  it('applies a listed activation with its alpha, after the clip', () => {
    const x = f32([1, 1, 1], [-4]);
    const [y] = runNode('RNN', [x, f32([1, 1, 1], [1]), R], { hidden_size: 1, activations: ['LeakyRelu'], activation_alpha: [0.5], clip: 3 });
    expectClose(y!.data, [-1.5]);
  });

  it('starts from initial_h', () => {
    const [y] = runNode('RNN', [f32([1, 1, 1], [0]), W, R, undefined, undefined, f32([1, 1, 1], [2])], { hidden_size: 1 });
    expectClose(y!.data, [Math.tanh(0.5)]);
  });

  it('accepts version 7 (no layout attribute) at opset 13', () => {
    const [y] = runNode('RNN', [X, W, R, B], { hidden_size: 1 }, 1, 13);
    expectClose(y!.data, [h1, h2]);
  });
});

describe('GRU kernel', () => {
  // W rows are z, r, h; one hidden unit.
  const w = f32([1, 3, 1], [0.5, -0.5, 1]);
  const r = f32([1, 3, 1], [0.25, 0.5, -0.75]);
  const b = f32([1, 6], [0.125, 0.25, 0.375, 0.5, 0.625, 0.75]);
  const x = f32([1, 1, 1], [2]);
  const h0 = f32([1, 1, 1], [0.5]);

  function expected(linearBeforeReset: boolean): number {
    const z = sigmoid(0.5 * 2 + 0.25 * 0.5 + 0.125 + 0.5);
    const rr = sigmoid(-0.5 * 2 + 0.5 * 0.5 + 0.25 + 0.625);
    const recurrent = linearBeforeReset ? rr * (-0.75 * 0.5 + 0.75) : -0.75 * (rr * 0.5) + 0.75;
    const candidate = Math.tanh(1 * 2 + 0.375 + recurrent);
    return (1 - z) * candidate + z * 0.5;
  }

  it('applies the reset gate before the recurrent product by default', () => {
    const [y] = runNode('GRU', [x, w, r, b, undefined, h0], { hidden_size: 1 });
    expectClose(y!.data, [expected(false)]);
  });

  it('applies it after the product with linear_before_reset', () => {
    const [y] = runNode('GRU', [x, w, r, b, undefined, h0], { hidden_size: 1, linear_before_reset: 1 });
    expectClose(y!.data, [expected(true)]);
  });
});

describe('LSTM kernel', () => {
  // W rows are i, o, f, c; P is [Pi, Po, Pf].
  const w = f32([1, 4, 1], [0.5, -0.5, 0.25, 1]);
  const r = f32([1, 4, 1], [0.125, 0.25, 0.375, 0.5]);
  const x = f32([1, 1, 1], [1.5]);
  const h0 = f32([1, 1, 1], [0.5]);
  const c0 = f32([1, 1, 1], [-1]);
  const p = f32([1, 3], [0.375, -0.25, 0.125]);

  it('runs the gates with peepholes from the previous and the new cell state', () => {
    const [y, yh, yc] = runNode('LSTM', [x, w, r, undefined, undefined, h0, c0, p], { hidden_size: 1 }, 3);
    const i = sigmoid(0.5 * 1.5 + 0.125 * 0.5 + 0.375 * -1);
    const f = sigmoid(0.25 * 1.5 + 0.375 * 0.5 + 0.125 * -1);
    const g = Math.tanh(1 * 1.5 + 0.5 * 0.5);
    const c = f * -1 + i * g;
    const o = sigmoid(-0.5 * 1.5 + 0.25 * 0.5 - 0.25 * c);
    expectClose(y!.data, [o * Math.tanh(c)]);
    expectClose(yh!.data, [o * Math.tanh(c)]);
    expectClose(yc!.data, [c]);
  });

  it('couples the forget gate to the input gate with input_forget', () => {
    const [, , yc] = runNode('LSTM', [x, w, r, undefined, undefined, h0, c0], { hidden_size: 1, input_forget: 1 }, 3);
    const i = sigmoid(0.5 * 1.5 + 0.125 * 0.5);
    const g = Math.tanh(1 * 1.5 + 0.5 * 0.5);
    expectClose(yc!.data, [(1 - i) * -1 + i * g]);
  });

  it('clips the gates inputs but not the cell state h reads (as onnxruntime)', () => {
    const big = f32([1, 4, 1], [10, 10, 10, 10]);
    const [, yh, yc] = runNode('LSTM', [f32([1, 1, 1], [1]), big, f32([1, 4, 1], [0, 0, 0, 0]), undefined, undefined, undefined, f32([1, 1, 1], [3])], { hidden_size: 1, clip: 1 }, 3);
    const gate = sigmoid(1);
    const c = gate * 3 + gate * Math.tanh(1);
    expectClose(yc!.data, [c]);
    expectClose(yh!.data, [gate * Math.tanh(c)]);
  });
});
