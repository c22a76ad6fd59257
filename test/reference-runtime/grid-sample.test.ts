import { describe, expect, it } from 'vitest';
import { makeTensor } from '../../src/ir/tensor.js';
import { runNode } from './run-node.js';

const f32 = (shape: number[], data: number[]) => makeTensor('float32', shape, data);

function sample(x: ReturnType<typeof f32>, grid: number[][], attrs: Record<string, string | number>, opset = 17): number[] {
  const r = x.shape.length - 2;
  const g = f32([1, 1, grid.length, r], grid.flat());
  return runNode('GridSample', [x, r === 2 ? g : f32([1, 1, 1, grid.length, r], grid.flat())], attrs, 1, opset)[0]!.data;
}

describe('GridSample kernel', () => {
  const square = f32([1, 1, 2, 2], [1, 2, 3, 4]);

  it('reads the corners at +-1 with align_corners, x first, and interpolates between them', () => {
    expect(sample(square, [[-1, -1], [1, -1], [-1, 1], [1, 1], [0, 0]], { align_corners: 1 })).toEqual([1, 2, 3, 4, 2.5]);
  });

  it('pads with zeros, the border or a reflection outside the input', () => {
    // Without align_corners, -1 is the outer edge of the first pixel: half a pixel before its center.
    expect(sample(square, [[-1, -1]], { padding_mode: 'zeros' })).toEqual([0.25]);
    expect(sample(square, [[-1, -1]], { padding_mode: 'border' })).toEqual([1]);
    const row = f32([1, 1, 1, 3], [10, 20, 30]);
    // 1.5 with align_corners is x = 2.5, reflected about 2 to 1.5.
    expect(sample(row, [[1.5, 0]], { align_corners: 1, padding_mode: 'reflection' })).toEqual([25]);
  });

  it('rounds a nearest coordinate half to even', () => {
    const row = f32([1, 1, 1, 4], [10, 20, 30, 40]);
    // 0 without align_corners is x = 1.5 (rounds to 2); -0.5 is x = 0.5 (rounds to 0).
    expect(sample(row, [[0, 0], [-0.5, 0]], { mode: 'nearest' })).toEqual([30, 10]);
  });

  it('reads a pixel exactly at an integer coordinate in bicubic mode, and Keys weights between', () => {
    const row = f32([1, 1, 1, 4], [0, 1, 0, 0]);
    expect(sample(row, [[-1 / 3, 0]], { mode: 'bicubic', align_corners: 1 })[0]).toBeCloseTo(1, 6);
    // Halfway between pixels 1 and 2: the weights of the four taps are -0.09375, 0.59375, 0.59375, -0.09375.
    expect(sample(row, [[0, 0]], { mode: 'bicubic', align_corners: 1 })[0]).toBeCloseTo(0.59375, 6);
  });

  it('samples a volume trilinearly at version 20', () => {
    const cube = f32([1, 1, 2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]);
    expect(sample(cube, [[0, 0, 0], [1, -1, -1]], { mode: 'linear', align_corners: 1 }, 20)).toEqual([3.5, 1]);
  });
});
