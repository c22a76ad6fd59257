import { constValue, FALSE, rule, TRUE } from '../expr.js';
import { COPY_FACTS } from '../ranges.js';
import type { AttrSpec, InputSlot, OpSpec, SpecContext } from '../spec.js';
import { FLOATS } from './dtypes.js';

/**
 * Dropout in inference: the output is the input. Versions 7 and 10 take the ratio as an attribute
 * and leave the mask of an inference run undefined (onnxruntime fills it with zeros, the version-12
 * reference with ones), so tensorsmith gives them no mask output. From version 12 the ratio and
 * training_mode are optional scalar inputs and the optional bool mask is all true unless training
 * drops something; a training run with a nonzero ratio is random, so only training_mode 0 (or a zero
 * ratio) is valid here.
 */
function dropoutSpec(sinceVersion: number, supersededAt: number | undefined): OpSpec {
  const withInputs = sinceVersion >= 12;
  const inputs: InputSlot[] = [{ name: 'data', rank: [0, 5] }];
  if (withInputs) {
    inputs.push(
      { name: 'ratio', dtypes: FLOATS, rank: () => 0, optional: true, constantFrom: 'ratio' },
      { name: 'training_mode', dtype: 'bool', rank: () => 0, optional: true, constantFrom: 'training_mode' },
    );
  }
  const attrs: Record<string, AttrSpec> = {
    ratio: { kind: 'float', range: [0.05, 0.9], default: 0.5 },
    ...(withInputs
      ? { training_mode: { kind: 'choice', choices: [0], default: 0 }, seed: { kind: 'int', domain: [0, 1000], optional: true } }
      : {}),
  };
  return {
    name: 'Dropout',
    sinceVersion,
    ...(supersededAt !== undefined ? { supersededAt } : {}),
    ...(withInputs ? { outputCount: [1, 2] as const } : {}),
    dtypes: FLOATS,
    inputs,
    attrs: () => attrs,
    requires: (ctx: SpecContext) => {
      const ratio = ctx.float('ratio');
      const rules = [rule('ratio in [0, 1)', ratio >= 0 && ratio < 1 ? TRUE : FALSE)];
      if (withInputs) {
        const inference = constValue(ctx.int('training_mode')) === 0;
        rules.push(rule('training_mode is 0 unless ratio is 0 (a training run is random)', inference || ratio === 0 ? TRUE : FALSE));
      }
      return rules;
    },
    outputs: (ctx) => {
      const x = ctx.inputs[0]!;
      return ctx.outputCount === 2 ? [x, { dtype: 'bool', shape: x.shape }] : [x];
    },
    numeric: COPY_FACTS,
  };
}

export const dropout7 = dropoutSpec(7, 10);
// Version 10 made the mask bool; for an inference run without a mask the same op.
export const dropout10 = dropoutSpec(10, 12);
export const dropout12 = dropoutSpec(12, 13);
// Version 13 adds bfloat16.
export const dropout13 = dropoutSpec(13, undefined);
