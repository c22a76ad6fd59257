import { dtypeFromOnnx, onnxDataType, type DType } from '../../ir/dtype.js';
import { constValue, FALSE, rule, TRUE } from '../expr.js';
import { widen } from '../interval.js';
import { facts } from '../numeric.js';
import type { AttrSpec, OpSpec, SpecContext } from '../spec.js';
import { ALL } from './dtypes.js';

/** The dtype 'to' names, if tensorsmith has it. */
function target(ctx: SpecContext): DType | undefined {
  const code = constValue(ctx.int('to'));
  return code === undefined ? undefined : dtypeFromOnnx(code);
}

const TARGETS = ALL.map((d) => `${d} (${onnxDataType(d)})`).join(', ');

/**
 * Cast to the dtype whose ONNX TensorProto code is 'to'. Float to integer truncates toward zero,
 * integer to integer wraps, anything to bool tests for nonzero. Float to integer is undefined by
 * ONNX out of the target's range; well inside it, the domain rule keeps values small enough that a
 * float32 input's error of a few ulps (0.008 at 2^16) rarely moves the truncated integer.
 */
function castSpec(sinceVersion: number, supersededAt?: number): OpSpec {
  // 'saturate' (opset 19 on) only affects float8 targets; onnxruntime rejects 0 for any other.
  const saturate: Record<string, AttrSpec> = sinceVersion >= 19 ? { saturate: { kind: 'choice', choices: [1], default: 1 } } : {};
  return {
    name: 'Cast',
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    dtypes: ALL,
    inputs: [{ name: 'input', rank: [0, 5] }],
    attrs: () => ({ to: { kind: 'choice', choices: ALL.map(onnxDataType) }, ...saturate }),
    requires: (ctx) => [rule(`'to' is one of ${TARGETS}`, target(ctx) ? TRUE : FALSE)],
    outputs: (ctx) => [{ dtype: target(ctx)!, shape: ctx.inputs[0]!.shape }],
    domain: [{ input: 0, min: -(2 ** 16), max: 2 ** 16 }],
    numeric: facts({
      // Truncation moves a value by less than 1.
      range: { backward: (out) => [widen(out, 1)] },
      exactness: { kind: 'converted' },
      discontinuity: { kind: 'cast' },
      // Integer to integer wraps, as two's complement does; a float beyond the target is undefined.
      overflow: 'from-float',
    }),
  };
}

// Versions 6 and 9 differ from 13 by strings and bfloat16 only.
export const cast6 = castSpec(6, 9);
export const cast9 = castSpec(9, 13);
export const cast13 = castSpec(13, 19);
// Versions 19 and 21 add float8 and int4 types and 'saturate': for our dtypes the same op.
export const cast19 = castSpec(19, 21);
export const cast21 = castSpec(21);
