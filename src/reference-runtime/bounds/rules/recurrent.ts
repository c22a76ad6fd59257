import { runRecurrent, type RecurrentOp } from '../../cpu/kernels/recurrent/run.js';
import { unitRoundoff, type BoundRule } from '../bound-rule.js';

/**
 * RNN, GRU and LSTM: the kernel's run of the cell equations carries a first-order bound through
 * every step (Higham's gamma for each gate's dot products, one rounding per elementwise operation,
 * the farthest an activation moves over its input's error plus its own library error), starting
 * from the errors the inputs carry. The bound compounds over the sequence as the recurrence does.
 */
function recurrentRule(op: RecurrentOp): BoundRule {
  return ({ inputs, attrs, inputBounds, outputTypes }) => {
    const unit = unitRoundoff(outputTypes[0]!.dtype);
    return runRecurrent({ op, inputs, attrs, outputs: outputTypes, bounds: { inputs: inputBounds, unit } }).bounds!;
  };
}

export const RECURRENT_RULES: Readonly<Record<string, BoundRule>> = {
  RNN: recurrentRule('RNN'),
  GRU: recurrentRule('GRU'),
  LSTM: recurrentRule('LSTM'),
};
