import { c, constValue, eq, mul, rule, FALSE, TRUE, type BoolExpr, type IntExpr } from '../expr.js';
import { facts } from '../numeric.js';
import type { AttrSpec, InputSlot, OpSpec, SpecContext, SymTensor } from '../spec.js';
import { FLOATS } from './dtypes.js';

type RecurrentOp = 'RNN' | 'GRU' | 'LSTM';

/** Gate blocks per direction in W, R and B. */
const GATES: Readonly<Record<RecurrentOp, number>> = { RNN: 1, GRU: 3, LSTM: 4 };
/** Activation functions per direction (f; f, g; f, g, h). */
const ACTIVATIONS: Readonly<Record<RecurrentOp, number>> = { RNN: 1, GRU: 2, LSTM: 3 };

/**
 * The activations generated: continuous ones whose defaults are those of the ONNX op of the same
 * name. ThresholdedRelu jumps at its alpha (an ill-conditioned test wherever an input lies next
 * to it); Affine and ScaledTanh have no ONNX op to take defaults from: imports only.
 */
const GENERATED_ACTIVATIONS = ['Relu', 'Tanh', 'Sigmoid', 'LeakyRelu', 'HardSigmoid', 'Elu', 'Softsign', 'Softplus'];
const IMPORTED_ACTIVATIONS = ['Affine', 'ThresholdedRelu', 'ScaledTanh'];

function layoutOf(ctx: SpecContext): number {
  return ctx.has('layout') ? constValue(ctx.int('layout'))! : 0;
}

function directionsOf(ctx: SpecContext): number {
  return ctx.has('direction') && ctx.str('direction') === 'bidirectional' ? 2 : 1;
}

/** The dims the rules need: seq_length, batch_size, input_size, hidden_size and num_directions. */
function dims(ctx: SpecContext): { T: IntExpr; B: IntExpr; I: IntExpr; H: IntExpr; D: number } {
  const x = ctx.inputs[0]!.shape;
  const [T, B] = layoutOf(ctx) === 0 ? [x[0]!, x[1]!] : [x[1]!, x[0]!];
  const H = ctx.has('hidden_size') ? ctx.int('hidden_size') : ctx.inputs[2]!.shape[2]!;
  return { T, B, I: x[2]!, H, D: directionsOf(ctx) };
}

/** A state tensor's shape: [D, B, H] in layout 0, [B, D, H] in layout 1. */
function stateShape(ctx: SpecContext): IntExpr[] {
  const { B, H, D } = dims(ctx);
  return layoutOf(ctx) === 0 ? [c(D), B, H] : [B, c(D), H];
}

function shapeIs(name: string, t: SymTensor | undefined, want: readonly IntExpr[]): BoolExpr[] {
  if (!t) return [];
  return want.map((d, i) => rule(`${name} dim ${i} is ${constValue(d) ?? 'as the op needs'}`, eq(t.shape[i]!, d)));
}

function recurrentSpec(op: RecurrentOp, sinceVersion: number, supersededAt?: number): OpSpec {
  const G = GATES[op];
  const A = ACTIVATIONS[op];
  const inputs: InputSlot[] = [
    { name: 'X', rank: () => 3 },
    { name: 'W', rank: () => 3 },
    { name: 'R', rank: () => 3 },
    { name: 'B', rank: () => 2, optional: true },
    {
      name: 'sequence_lens',
      dtype: 'int32',
      rank: () => 1,
      optional: true,
      // Every length within [1, seq_length] (onnxruntime refuses others).
      valueRange: (ctx) => [c(1), dims(ctx).T],
    },
    { name: 'initial_h', rank: () => 3, optional: true },
    ...(op === 'LSTM' ? [{ name: 'initial_c', rank: () => 3, optional: true }, { name: 'P', rank: () => 2, optional: true }] : []),
  ];
  return {
    name: op,
    sinceVersion,
    ...(supersededAt === undefined ? {} : { supersededAt }),
    outputCount: [1, op === 'LSTM' ? 3 : 2],
    dtypes: FLOATS,
    inputs,
    attrs: () => {
      const attrs: Record<string, AttrSpec> = {
        // Optional in ONNX (R's last dim gives it), but onnxruntime refuses a node without it.
        hidden_size: { kind: 'int', domain: [1, 8] },
        direction: { kind: 'string', choices: ['forward', 'reverse', 'bidirectional'], default: 'forward' },
        // One list for both directions of a bidirectional op: A or 2A names, as the direction needs.
        // The length is drawn before the direction is known: GRU and LSTM draw A names (a drawn
        // length in [A, 2A] misses more often than not, and LSTM then hardly ever appears in a
        // model), so their bidirectional nodes are generated with the default activations only.
        activations: { kind: 'strings', length: A === 1 ? [1, 2] : A, choices: GENERATED_ACTIVATIONS, accept: IMPORTED_ACTIVATIONS, optional: true },
        // Generated empty, so that every activation takes its ONNX default; imports may give values.
        activation_alpha: { kind: 'floats', length: 0, choices: [], optional: true },
        activation_beta: { kind: 'floats', length: 0, choices: [], optional: true },
        clip: { kind: 'float', range: [1, 8], optional: true },
      };
      if (op === 'GRU') attrs.linear_before_reset = { kind: 'choice', choices: [0, 1], default: 0 };
      if (op === 'LSTM') attrs.input_forget = { kind: 'choice', choices: [0, 1], default: 0 };
      if (sinceVersion >= 14) attrs.layout = { kind: 'choice', choices: [0, 1], default: 0 };
      return attrs;
    },
    requires: (ctx) => {
      const { B, I, H, D } = dims(ctx);
      const [, w, r, b, seq, h0, c0, p] = ctx.inputs;
      const req: BoolExpr[] = [
        ...shapeIs('W', w, [c(D), mul(G, H), I]),
        ...shapeIs('R', r, [c(D), mul(G, H), H]),
        ...shapeIs('B', b, [c(D), mul(2 * G, H)]),
        ...shapeIs('sequence_lens', seq, [B]),
        ...shapeIs('initial_h', h0, stateShape(ctx)),
        ...shapeIs('initial_c', c0, stateShape(ctx)),
        ...shapeIs('P', p, [c(D), mul(3, H)]),
      ];
      if (ctx.has('activations')) {
        const n = ctx.strs('activations').length;
        req.push(rule(`activations names ${A} functions per direction (${A * D})`, n === A * D ? TRUE : FALSE));
      }
      if (ctx.has('clip')) req.push(rule('clip is positive', ctx.float('clip') > 0 ? TRUE : FALSE));
      return req;
    },
    outputs: (ctx) => {
      const { T, B, H, D } = dims(ctx);
      const y = layoutOf(ctx) === 0 ? [T, c(D), B, H] : [B, T, c(D), H];
      const state = stateShape(ctx);
      return [y, state, state].slice(0, ctx.outputCount).map((shape) => ({ dtype: ctx.dtype, shape }));
    },
    numeric: facts(),
  };
}

/** RNN, GRU and LSTM: version 7 (no layout) and 14 (adds layout: batch first). */
export const rnn7 = recurrentSpec('RNN', 7, 14);
export const rnn14 = recurrentSpec('RNN', 14);
export const gru7 = recurrentSpec('GRU', 7, 14);
export const gru14 = recurrentSpec('GRU', 14);
export const lstm7 = recurrentSpec('LSTM', 7, 14);
export const lstm14 = recurrentSpec('LSTM', 14);
