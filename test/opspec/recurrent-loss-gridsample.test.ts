import { describe, expect, it } from 'vitest';
import type { Attrs } from '../../src/ir/model.js';
import { inferConcrete, SpecViolation } from '../../src/opspec/infer.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';

const registry = builtinRegistry();
const t = (...shape: number[]) => ({ dtype: 'float32' as const, shape });
const labels = (...shape: number[]) => ({ dtype: 'int64' as const, shape });

function shapes(op: string, inputs: ({ dtype: 'float32' | 'int64' | 'int32'; shape: number[] } | undefined)[], attrs: Attrs, outputCount = 1, opset = 17): number[][] {
  return inferConcrete(registry.get(op, opset), { inputs, attrs, constants: [], outputCount, opset }).outputs.map((o) => [...o.shape]);
}

describe('RNN, GRU and LSTM shapes', () => {
  it('gives Y [T, D, B, H] and the states [D, B, H] in layout 0', () => {
    // T 5, B 3, I 4, H 2, bidirectional: W [2, 4H, I], R [2, 4H, H].
    expect(shapes('LSTM', [t(5, 3, 4), t(2, 8, 4), t(2, 8, 2)], { hidden_size: 2, direction: 'bidirectional' }, 3)).toEqual([
      [5, 2, 3, 2],
      [2, 3, 2],
      [2, 3, 2],
    ]);
  });

  it('gives Y [B, T, D, H] and the states [B, D, H] in layout 1', () => {
    expect(shapes('GRU', [t(3, 5, 4), t(1, 6, 4), t(1, 6, 2)], { hidden_size: 2, layout: 1 }, 2)).toEqual([
      [3, 5, 1, 2],
      [3, 1, 2],
    ]);
  });

  it('refuses weights of the wrong gate count and an activation list of the wrong length', () => {
    expect(() => shapes('GRU', [t(5, 3, 4), t(1, 8, 4), t(1, 8, 2)], { hidden_size: 2 })).toThrow(SpecViolation);
    expect(() => shapes('RNN', [t(5, 3, 4), t(2, 2, 4), t(2, 2, 2)], { hidden_size: 2, direction: 'bidirectional', activations: ['Tanh'] })).toThrow(SpecViolation);
    expect(shapes('RNN', [t(5, 3, 4), t(2, 2, 4), t(2, 2, 2)], { hidden_size: 2, direction: 'bidirectional', activations: ['Tanh', 'Relu'] })).toEqual([[5, 2, 3, 2]]);
  });

  it('has a version 7 without layout', () => {
    expect(registry.get('LSTM', 13).sinceVersion).toBe(7);
    expect(() => shapes('RNN', [t(5, 3, 4), t(1, 2, 4), t(1, 2, 2)], { hidden_size: 2, layout: 1 }, 1, 13)).toThrow();
  });
});

describe('loss shapes', () => {
  it('keeps the target shape with reduction none, a scalar otherwise', () => {
    expect(shapes('NegativeLogLikelihoodLoss', [t(3, 5, 2), labels(3, 2)], { reduction: 'none' })).toEqual([[3, 2]]);
    expect(shapes('NegativeLogLikelihoodLoss', [t(3, 5, 2), labels(3, 2), t(5)], {})).toEqual([[]]);
  });

  it('gives SoftmaxCrossEntropyLoss log_prob the scores shape', () => {
    expect(shapes('SoftmaxCrossEntropyLoss', [t(3, 5), labels(3)], { reduction: 'sum' }, 2)).toEqual([[], [3, 5]]);
  });

  it('refuses a target that does not match the input without its class dim', () => {
    expect(() => shapes('NegativeLogLikelihoodLoss', [t(3, 5, 2), labels(3, 5)], {})).toThrow(SpecViolation);
    expect(() => shapes('NegativeLogLikelihoodLoss', [t(3, 5), labels(3), t(4)], {})).toThrow(SpecViolation);
  });
});

describe('GridSample shapes', () => {
  it('gives [N, C, grid spatial dims]', () => {
    expect(shapes('GridSample', [t(2, 3, 4, 5), t(2, 6, 7, 2)], {})).toEqual([[2, 3, 6, 7]]);
    expect(shapes('GridSample', [t(1, 2, 4, 4, 4), t(1, 3, 3, 3, 3)], { mode: 'linear' }, 1, 20)).toEqual([[1, 2, 3, 3, 3]]);
  });

  it('refuses a grid with another batch or coordinate count, and version 20 mode names at 16', () => {
    expect(() => shapes('GridSample', [t(2, 3, 4, 5), t(1, 6, 7, 2)], {})).toThrow(SpecViolation);
    expect(() => shapes('GridSample', [t(2, 3, 4, 5), t(2, 6, 7, 3)], {})).toThrow(SpecViolation);
    expect(() => shapes('GridSample', [t(2, 3, 4, 5), t(2, 6, 7, 2)], { mode: 'linear' })).toThrow(SpecViolation);
  });
});
