import { dtypeFromOnnx } from '../../ir/dtype.js';
import { constValue, FALSE, ge, rule, TRUE } from '../expr.js';
import { facts } from '../numeric.js';
import type { OpSpec, SpecContext } from '../spec.js';
import { ALL } from './dtypes.js';

/** The dtype the 'value' attribute names (float32 0 when it is left out). */
function valueDtype(ctx: SpecContext) {
  const code = ctx.floats('value')[0]!;
  return dtypeFromOnnx(code);
}

/**
 * ConstantOfShape: a tensor of the shape given by a constant 1-D int64 input, every element the one
 * value of the 'value' tensor attribute (its dtype is the output's). Versions 20 and 21 add float8
 * and 4-bit types: for tensorsmith's dtypes the same op.
 */
function constantOfShapeSpec(sinceVersion: number, supersededAt?: number): OpSpec {
  return {
    name: 'ConstantOfShape',
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    dtypes: ALL,
    inputs: [{ name: 'input', dtype: 'int64', rank: () => 1, constantFrom: 'shape' }],
    attrs: () => ({
      shape: { kind: 'ints', length: [1, 4], domain: [1, 8] },
      value: { kind: 'scalar-tensor', dtypes: ALL, values: [0, 1, -1, 0.5, 2, -3.25, 7], default: [1, 0] },
    }),
    requires: (ctx) => [
      rule('value is a tensor of a dtype tensorsmith has', valueDtype(ctx) ? TRUE : FALSE),
      ...ctx.ints('shape').map((d) => {
        const k = constValue(d);
        return rule('shape dims >= 0', k === undefined ? ge(d, 0) : k >= 0 ? TRUE : FALSE);
      }),
    ],
    outputs: (ctx) => [{ dtype: valueDtype(ctx)!, shape: ctx.ints('shape') }],
    // Every element is the attribute's value (no input's: not 'copies').
    numeric: facts(),
  };
}

export const constantOfShape9 = constantOfShapeSpec(9, 20);
export const constantOfShape20 = constantOfShapeSpec(20, 21);
export const constantOfShape = constantOfShapeSpec(21);
