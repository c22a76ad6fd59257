import type { DType } from '../../ir/dtype.js';
import type { AttrSpec, DomainRule, OpSpec } from '../spec.js';
import { ALL, FLOATS, NUMERIC } from './dtypes.js';

export interface UnaryOptions {
  /** The opset at which ONNX changed the op (types aside from ours do not count). */
  readonly supersededAt?: number;
  readonly attrs?: Readonly<Record<string, AttrSpec>>;
  readonly domain?: readonly DomainRule[];
  /** The output's dtype when it is not the input's (IsNaN, IsInf: bool). */
  readonly outputDtype?: DType;
}

/** An elementwise op with one input and an output of the same shape. */
export function unary(name: string, sinceVersion: number, dtypes: readonly DType[], options: UnaryOptions = {}): OpSpec {
  const { supersededAt, attrs, domain, outputDtype } = options;
  return {
    name,
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    dtypes,
    inputs: [{ name: 'X', rank: [0, 5] }],
    ...(attrs ? { attrs: () => attrs } : {}),
    outputs: (ctx) => [{ dtype: outputDtype ?? ctx.dtype, shape: ctx.inputs[0]!.shape }],
    ...(domain ? { domain } : {}),
  };
}

export const relu = unary('Relu', 14, NUMERIC);
export const sigmoid = unary('Sigmoid', 13, FLOATS);
export const tanh = unary('Tanh', 13, FLOATS);
export const abs = unary('Abs', 13, NUMERIC);
export const neg = unary('Neg', 13, NUMERIC);
// float32 exp overflows past ~88.7
export const exp = unary('Exp', 13, FLOATS, { domain: [{ input: 0, max: 80 }] });
// Near 0 the logarithm is steep: a tiny input error becomes a large output error.
export const log = unary('Log', 13, FLOATS, { domain: [{ input: 0, min: 1e-3 }] });
export const sqrt = unary('Sqrt', 13, FLOATS, { domain: [{ input: 0, min: 0 }] });
export const reciprocal = unary('Reciprocal', 13, FLOATS, { domain: [{ input: 0, minAbs: 1e-3 }] });
export const erf = unary('Erf', 13, FLOATS);
export const floor = unary('Floor', 13, FLOATS);
export const ceil = unary('Ceil', 13, FLOATS);
/** Rounds halves to the nearest even integer. */
export const round = unary('Round', 11, FLOATS);
export const sign = unary('Sign', 13, NUMERIC);
export const not = unary('Not', 1, ['bool']);

export const isNaN13 = unary('IsNaN', 13, FLOATS, { supersededAt: 20, outputDtype: 'bool' });
// Version 20 only adds float8 input types.
export const isNaN20 = unary('IsNaN', 20, FLOATS, { outputDtype: 'bool' });

const isInfAttrs: Readonly<Record<string, AttrSpec>> = {
  detect_negative: { kind: 'choice', choices: [0, 1], default: 1 },
  detect_positive: { kind: 'choice', choices: [0, 1], default: 1 },
};
export const isInf10 = unary('IsInf', 10, FLOATS, { supersededAt: 20, outputDtype: 'bool', attrs: isInfAttrs });
// Version 20 only adds float16, bfloat16 and float8 input types.
export const isInf20 = unary('IsInf', 20, FLOATS, { outputDtype: 'bool', attrs: isInfAttrs });

// Versions 19 and 21 only add float8 and int4 types: for our dtypes all three are the same op.
export const identity16 = unary('Identity', 16, ALL, { supersededAt: 19 });
export const identity19 = unary('Identity', 19, ALL, { supersededAt: 21 });
export const identity21 = unary('Identity', 21, ALL);
