import type { Tensor } from '../../../../ir/tensor.js';
import type { ConcreteAttrs, ConcreteType } from '../../../../opspec/infer.js';
import { result, type Kernel } from '../../kernel.js';
import { activationFunctions } from './activations.js';
import { gruCell, lstmCell, rnnCell, type Cell, type CellState } from './cells.js';
import { Tape, type Var } from './tape.js';

export type RecurrentOp = 'RNN' | 'GRU' | 'LSTM';

const GATES: Readonly<Record<RecurrentOp, number>> = { RNN: 1, GRU: 3, LSTM: 4 };
const DEFAULT_ACTIVATIONS: Readonly<Record<RecurrentOp, readonly string[]>> = {
  RNN: ['Tanh'],
  GRU: ['Sigmoid', 'Tanh'],
  LSTM: ['Sigmoid', 'Tanh', 'Tanh'],
};

/** Input positions: X, W, R, B, sequence_lens, initial_h, and LSTM's initial_c and P. */
const X = 0, W = 1, R = 2, B = 3, SEQ = 4, H0 = 5, C0 = 6, P = 7;

/** Swaps the first two axes of a rank-3 array [a, b, n] to [b, a, n] (layout 1 to layout 0 and back). */
function swapLeading(data: Float64Array, a: number, b: number, n: number): Float64Array {
  const out = new Float64Array(data.length);
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) out.set(data.subarray((i * b + j) * n, (i * b + j + 1) * n), (j * a + i) * n);
  return out;
}

export interface RecurrentRequest {
  readonly op: RecurrentOp;
  readonly inputs: readonly (Tensor | undefined)[];
  readonly attrs: ConcreteAttrs;
  readonly outputs: readonly ConcreteType[];
  /** Gradients with respect to Y, Y_h and Y_c (as the outputs are laid out): backpropagate them. */
  readonly dy?: readonly (Float64Array | undefined)[];
  /** Errors the inputs carry, and the unit roundoff: track bounds. */
  readonly bounds?: { readonly inputs: readonly (Float64Array | undefined)[]; readonly unit: number };
}

export interface RecurrentResult {
  /** Y, Y_h and Y_c as the outputs are laid out (only as many as declared). */
  readonly values: Float64Array[];
  /** With bounds: the bound of each output element. */
  readonly bounds?: Float64Array[];
  /** With dy: the gradient with respect to each input position (undefined for sequence_lens and omitted inputs). */
  readonly grads?: (Float64Array | undefined)[];
}

/**
 * Runs RNN, GRU or LSTM over the sequence, each direction on its own, in layout 0 ([seq, batch,
 * ...]) internally. A batch entry whose sequence_lens is shorter stops there: its later Y rows are
 * zero and Y_h holds its last state; the reverse direction starts at its own last step (as
 * onnxruntime reads sequence_lens).
 */
export function runRecurrent(req: RecurrentRequest): RecurrentResult {
  const { op, inputs, attrs } = req;
  const x = inputs[X]!;
  const layout = attrs.has('layout') ? attrs.int('layout') : 0;
  const [T, Bn] = layout === 0 ? [x.shape[0]!, x.shape[1]!] : [x.shape[1]!, x.shape[0]!];
  const I = x.shape[2]!;
  const Hn = attrs.has('hidden_size') ? attrs.int('hidden_size') : inputs[R]!.shape[2]!;
  const direction = attrs.has('direction') ? attrs.str('direction') : 'forward';
  const D = direction === 'bidirectional' ? 2 : 1;
  const G = GATES[op];
  const defaults = DEFAULT_ACTIVATIONS[op];
  const fns = activationFunctions(attrs, defaults, D);
  const clip = attrs.has('clip') ? attrs.float('clip') : undefined;
  const cell: Cell =
    op === 'RNN' ? rnnCell : op === 'GRU' ? gruCell(attrs.has('linear_before_reset') && attrs.int('linear_before_reset') === 1) : lstmCell(attrs.has('input_forget') && attrs.int('input_forget') === 1);

  const tape = new Tape({ grads: req.dy !== undefined, ...(req.bounds ? { unit: req.bounds.unit } : {}) });
  const toLayout0 = (d: Float64Array | undefined, a: number, b: number, n: number) => (d && layout === 1 ? swapLeading(d, a, b, n) : d);
  const errOf = (i: number) => req.bounds?.inputs[i];
  const leafOf = (i: number, transposeDims?: readonly [number, number, number]): Var | undefined => {
    const t = inputs[i];
    if (!t) return undefined;
    const value = transposeDims ? toLayout0(t.data, ...transposeDims)! : t.data;
    const err = transposeDims ? toLayout0(errOf(i), ...transposeDims) : errOf(i);
    return tape.leaf(value, 1, value.length, err);
  };
  const xLeaf = leafOf(X, [Bn, T, I])!;
  const [wLeaf, rLeaf, bLeaf, pLeaf] = [leafOf(W)!, leafOf(R)!, leafOf(B), leafOf(P)];
  const h0Leaf = leafOf(H0, [Bn, D, Hn]);
  const c0Leaf = op === 'LSTM' ? leafOf(C0, [Bn, D, Hn]) : undefined;
  const lens = inputs[SEQ] ? Array.from(inputs[SEQ]!.data) : Array.from({ length: Bn }, () => T);

  const stepOutputs: { h: Var; d: number; times: number[]; valid: boolean[] }[] = [];
  const finals: CellState[] = [];
  for (let d = 0; d < D; d++) {
    const reverse = direction === 'reverse' || d === 1;
    const rowsAt = (leaf: Var | undefined) => (leaf ? tape.rows(leaf, Array.from({ length: Bn }, (_b, b) => (d * Bn + b) * Hn), Hn) : tape.zeros(Bn, Hn));
    let state: CellState = { h: rowsAt(h0Leaf), ...(op === 'LSTM' ? { c: rowsAt(c0Leaf) } : {}) };
    const weights = { W: wLeaf, R: rLeaf, B: bLeaf, P: pLeaf, d, hidden: Hn, input: I, gates: G, fns: fns.slice(d * defaults.length, (d + 1) * defaults.length), clip };
    for (let s = 0; s < T; s++) {
      const valid = lens.map((len) => s < len);
      if (!valid.some(Boolean)) break;
      const times = lens.map((len) => (reverse ? Math.max(0, len - 1 - s) : s));
      const xt = tape.rows(xLeaf, times.map((t, b) => (t * Bn + b) * I), I);
      const next = cell(tape, weights, xt, state);
      state = { h: tape.select(valid, next.h, state.h), ...(next.c ? { c: tape.select(valid, next.c, state.c!) } : {}) };
      stepOutputs.push({ h: state.h, d, times, valid });
    }
    finals.push(state);
  }

  // Layout 0: Y [T, D, B, H], Y_h and Y_c [D, B, H]; layout 1: Y [B, T, D, H], Y_h and Y_c [B, D, H].
  const yAt = (t: number, d: number, b: number) => (layout === 0 ? ((t * D + d) * Bn + b) * Hn : ((b * T + t) * D + d) * Hn);
  const stateAt = (d: number, b: number) => (layout === 0 ? (d * Bn + b) * Hn : (b * D + d) * Hn);
  const count = req.outputs.length;
  const gather = (pick: (v: Var) => Float64Array | undefined): Float64Array[] => {
    const y = new Float64Array(T * D * Bn * Hn);
    for (const step of stepOutputs) {
      const from = pick(step.h);
      if (!from) continue;
      step.valid.forEach((ok, b) => ok && y.set(from.subarray(b * Hn, (b + 1) * Hn), yAt(step.times[b]!, step.d, b)));
    }
    const states = [(s: CellState) => s.h, (s: CellState) => s.c].map((which) => {
      const out = new Float64Array(D * Bn * Hn);
      finals.forEach((s, d) => {
        const v = which(s);
        const from = v && pick(v);
        if (from) for (let b = 0; b < Bn; b++) out.set(from.subarray(b * Hn, (b + 1) * Hn), stateAt(d, b));
      });
      return out;
    });
    return [y, ...states].slice(0, count);
  };
  const values = gather((v) => v.value);
  const bounds = req.bounds ? gather((v) => v.err ?? new Float64Array(v.value.length)) : undefined;
  if (!req.dy) return { values, ...(bounds ? { bounds } : {}) };

  // Seed the output gradients on the vars that produced them, then run the tape backward.
  const [dY, dYh, dYc] = req.dy;
  for (const step of stepOutputs) {
    if (!dY) break;
    const g = Tape.gradOf(step.h);
    step.valid.forEach((ok, b) => {
      if (!ok) return;
      const at = yAt(step.times[b]!, step.d, b);
      for (let j = 0; j < Hn; j++) g[b * Hn + j]! += dY[at + j]!;
    });
  }
  finals.forEach((s, d) => {
    for (const [v, dv] of [[s.h, dYh], [s.c, dYc]] as const) {
      if (!v || !dv) continue;
      const g = Tape.gradOf(v);
      for (let b = 0; b < Bn; b++) for (let j = 0; j < Hn; j++) g[b * Hn + j]! += dv[stateAt(d, b) + j]!;
    }
  });
  tape.runBackward();
  const back = (leaf: Var | undefined, dims?: readonly [number, number, number]) => {
    if (!leaf) return undefined;
    const g = leaf.grad ?? new Float64Array(leaf.value.length);
    return dims && layout === 1 ? swapLeading(g, ...dims) : g;
  };
  const grads = [back(xLeaf, [T, Bn, I]), back(wLeaf), back(rLeaf), back(bLeaf), undefined, back(h0Leaf, [D, Bn, Hn]), back(c0Leaf, [D, Bn, Hn]), back(pLeaf)];
  return { values, grads: grads.slice(0, inputs.length) };
}

function recurrentKernel(op: RecurrentOp): Kernel {
  return ({ inputs, attrs, outputs }) => {
    const { values } = runRecurrent({ op, inputs, attrs, outputs });
    return values.map((v, i) => result(outputs[i]!, v));
  };
}

export const recurrentKernels = { RNN: recurrentKernel('RNN'), GRU: recurrentKernel('GRU'), LSTM: recurrentKernel('LSTM') };
