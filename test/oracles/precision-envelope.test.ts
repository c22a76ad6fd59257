import { describe, expect, it } from 'vitest';
import { WGSL_PRECISION } from '../../src/backends/wgsl-precision.js';
import type { Model } from '../../src/ir/model.js';
import { makeTensor, type Tensor } from '../../src/ir/tensor.js';
import { compareOutputs } from '../../src/oracles/compare.js';
import { withinDeclaredPrecision } from '../../src/oracles/precision-envelope.js';
import { outputInfos } from '../../src/ir/model.js';
import { runReference } from '../../src/reference-runtime/executor.js';

/** x -> Asin -> Atanh: Atanh's steep slope near 1 amplifies an error of Asin many times. */
const chain: Model = {
  opset: 17,
  inputs: [{ name: 'x', dtype: 'float32', shape: [3] }],
  weights: [],
  nodes: [
    { name: 'asin', op: 'Asin', inputs: ['x'], outputs: [{ name: 'a', dtype: 'float32', shape: [3] }], attrs: {} },
    { name: 'atanh', op: 'Atanh', inputs: ['a'], outputs: [{ name: 'y', dtype: 'float32', shape: [3] }], attrs: {} },
  ],
  outputs: ['y'],
};
const inputs = new Map([['x', makeTensor('float32', [3], [0.8, 0.83, -0.3])]]);

/** What a SUT gives when its Asin is off by `error` relative (then rounds each op to float32). */
function sutWithAsinError(error: number): Map<string, Tensor> {
  const y = [0.8, 0.83, -0.3].map((x) => Math.fround(Math.atanh(Math.fround(Math.asin(x) * (1 + error)))));
  return new Map([['y', makeTensor('float32', [3], y)]]);
}

function verdictOf(actual: Map<string, Tensor>) {
  const expected = runReference(chain, inputs).outputs;
  return compareOutputs({ backend: 'sut', outputs: outputInfos(chain), expected, actual });
}

describe('a SUT precision the specification allows', () => {
  it('explains a difference that Asin within 4096 ULP and the Atanh after it make', () => {
    const actual = sutWithAsinError(2000 * 2 ** -23);
    // Out of the float32 tolerance: without the declared precision this would be a bug.
    expect(verdictOf(actual).kind).toBe('wrong-result');
    const explained = withinDeclaredPrecision({ model: chain, inputs, actual, failingOutput: 'y', table: WGSL_PRECISION });
    expect(explained).toMatch(/^Asin \(WGSL.*atan2 4096 ULP\); Atanh/);
  });

  it('does not explain an error beyond the bound', () => {
    const actual = sutWithAsinError(40_000 * 2 ** -23);
    expect(verdictOf(actual).kind).toBe('wrong-result');
    expect(withinDeclaredPrecision({ model: chain, inputs, actual, failingOutput: 'y', table: WGSL_PRECISION })).toBeUndefined();
  });

  it('explains nothing on a SUT without declared ops in the failing output, or on a discrete output', () => {
    const actual = sutWithAsinError(2000 * 2 ** -23);
    expect(withinDeclaredPrecision({ model: chain, inputs, actual, failingOutput: 'y', table: { Exp: WGSL_PRECISION.Exp! } })).toBeUndefined();
    const cast: Model = {
      ...chain,
      nodes: [...chain.nodes, { name: 'cast', op: 'Cast', inputs: ['y'], outputs: [{ name: 'c', dtype: 'int32', shape: [3] }], attrs: { to: 6 } }],
      outputs: ['c'],
    };
    expect(withinDeclaredPrecision({ model: cast, inputs, actual: new Map([['c', makeTensor('int32', [3], [9, 9, 9])]]), failingOutput: 'c', table: WGSL_PRECISION })).toBeUndefined();
  });
});
