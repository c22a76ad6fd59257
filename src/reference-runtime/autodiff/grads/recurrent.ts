import { runRecurrent, type RecurrentOp } from '../../cpu/kernels/recurrent/run.js';
import { exact, type GradRule, type OpGradient } from '../gradient.js';

/**
 * Backpropagation through time: the kernel's own run of the cell equations, recorded on its tape,
 * played backward from the gradients of Y, Y_h and Y_c. Exact (a kink of Relu, HardSigmoid or the
 * clip takes one side's slope, as every rule here does). sequence_lens is structural.
 */
function recurrentGrad(op: RecurrentOp): GradRule {
  return ({ inputs, attrs, outputTypes, dy }) => {
    if (dy.every((g) => g === undefined)) return [];
    return runRecurrent({ op, inputs, attrs, outputs: outputTypes, dy }).grads!;
  };
}

export const recurrentGradients: Readonly<Record<string, OpGradient>> = {
  RNN: exact(recurrentGrad('RNN')),
  GRU: exact(recurrentGrad('GRU')),
  LSTM: exact(recurrentGrad('LSTM')),
};
