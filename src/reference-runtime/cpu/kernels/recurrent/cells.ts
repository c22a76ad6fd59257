import type { ElementFunction, Tape, Var } from './tape.js';

/** The parameters of one direction of a recurrent op, as tape leaves with the offsets of that direction's blocks. */
export interface DirectionWeights {
  readonly W: Var;
  readonly R: Var;
  readonly B: Var | undefined;
  readonly P: Var | undefined;
  /** The direction's index (0, or 1 for the backward half of a bidirectional op). */
  readonly d: number;
  readonly hidden: number;
  readonly input: number;
  /** Gate blocks per direction: 1 for RNN, 3 for GRU, 4 for LSTM. */
  readonly gates: number;
  /** The direction's activation functions (f, g, h as the op uses them). */
  readonly fns: readonly ElementFunction[];
  /** The clip threshold applied to every activation's input, if any. */
  readonly clip: number | undefined;
}

export interface CellState {
  readonly h: Var;
  readonly c?: Var;
}

/** One cell's step: the next state from the input rows and the previous state. */
export type Cell = (tape: Tape, w: DirectionWeights, x: Var, prev: CellState) => CellState;

/** x W_g^T + Wb_g (the input half of gate g's pre-activation). */
function inputPart(tape: Tape, w: DirectionWeights, x: Var, g: number): Var {
  const { hidden: H, input: I, gates: G, d } = w;
  const y = tape.linear(x, w.W, (d * G + g) * H * I, H);
  return w.B ? tape.addRow(y, w.B, d * 2 * G * H + g * H) : y;
}

/** h R_g^T + Rb_g (the recurrent half of gate g's pre-activation). */
function recurrentPart(tape: Tape, w: DirectionWeights, h: Var, g: number): Var {
  const { hidden: H, gates: G, d } = w;
  const y = tape.linear(h, w.R, (d * G + g) * H * H, H);
  return w.B ? tape.addRow(y, w.B, d * 2 * G * H + G * H + g * H) : y;
}

/** f(clip(pre)): the clip bounds every activation's input. */
function act(tape: Tape, w: DirectionWeights, k: number, pre: Var): Var {
  return tape.activate(w.fns[k]!, w.clip === undefined ? pre : tape.clip(pre, w.clip));
}

/** RNN: Ht = f(Xt Wi^T + Ht-1 Ri^T + Wbi + Rbi). */
export const rnnCell: Cell = (tape, w, x, prev) => ({ h: act(tape, w, 0, tape.add(inputPart(tape, w, x, 0), recurrentPart(tape, w, prev.h, 0))) });

/** GRU with gates z, r, h; linear_before_reset applies r after the recurrent product. */
export function gruCell(linearBeforeReset: boolean): Cell {
  return (tape, w, x, prev) => {
    const z = act(tape, w, 0, tape.add(inputPart(tape, w, x, 0), recurrentPart(tape, w, prev.h, 0)));
    const r = act(tape, w, 0, tape.add(inputPart(tape, w, x, 1), recurrentPart(tape, w, prev.h, 1)));
    const hidden = linearBeforeReset
      ? tape.mul(r, recurrentPart(tape, w, prev.h, 2))
      : recurrentPart(tape, w, tape.mul(r, prev.h), 2);
    const candidate = act(tape, w, 1, tape.add(inputPart(tape, w, x, 2), hidden));
    return { h: tape.add(tape.mul(tape.oneMinus(z), candidate), tape.mul(z, prev.h)) };
  };
}

/**
 * LSTM with gates i, o, f, c (W's order) and peepholes P = [Pi, Po, Pf]; input_forget couples
 * the forget gate to the input gate (f = 1 - i).
 */
export function lstmCell(inputForget: boolean): Cell {
  return (tape, w, x, prev) => {
    const H = w.hidden;
    const c = prev.c!;
    const peep = (pre: Var, k: number, state: Var) => (w.P ? tape.add(pre, tape.mulRow(state, w.P, w.d * 3 * H + k * H)) : pre);
    const pre = (g: number) => tape.add(inputPart(tape, w, x, g), recurrentPart(tape, w, prev.h, g));
    const i = act(tape, w, 0, peep(pre(0), 0, c));
    const f = inputForget ? tape.oneMinus(i) : act(tape, w, 0, peep(pre(2), 2, c));
    const candidate = act(tape, w, 1, pre(3));
    const cNext = tape.add(tape.mul(f, c), tape.mul(i, candidate));
    const o = act(tape, w, 0, peep(pre(1), 1, cNext));
    // The clip bounds the gates' inputs, not the cell state's: onnxruntime applies h to C_t unclipped.
    return { h: tape.mul(o, tape.activate(w.fns[2]!, cNext)), c: cNext };
  };
}
