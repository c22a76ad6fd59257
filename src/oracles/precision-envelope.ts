import type { DType } from '../ir/dtype.js';
import { coneOf, outputInfos, type Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import type { OpRegistry } from '../opspec/registry.js';
import { runReference } from '../reference-runtime/executor.js';
import { toleranceDtypes } from './precision.js';
import { TOLERANCES } from './tolerance.js';

/** How much error a SUT's specification allows one op's float32 results, beyond their rounding. */
export interface OpPrecision {
  /** Relative: this many float32 units in the last place of the result. */
  readonly ulp?: number;
  /** Absolute, whatever the result. */
  readonly absolute?: number;
  /** Where the bound comes from: the sentence of the SUT's specification that allows it. */
  readonly source: string;
}

/** Per op type: the error a SUT may carry there (ops absent: float32 rounding only). */
export type PrecisionTable = Readonly<Record<string, OpPrecision>>;

const FLOAT32_ULP = 2 ** -23;
const FLOAT32_MIN_NORMAL = 2 ** -126;

/** The error the table allows one result of an op. */
function allowedError(p: OpPrecision, x: number): number {
  const ulp = p.ulp === undefined ? 0 : p.ulp * FLOAT32_ULP * Math.max(Math.abs(x), FLOAT32_MIN_NORMAL);
  return Math.max(ulp, p.absolute ?? 0);
}

/**
 * Whether a numeric difference may come from ops the SUT computes less precisely than float32
 * rounding, within what its specification allows (WGSL's atan: 4096 ULP), amplified by what follows
 * them. The reference runs again with every such op's float outputs moved by their allowed error:
 * all up, all down, and alternating by element both ways. A SUT whose every output element lies in
 * the envelope of those runs, widened by the oracle's tolerance, is explained: the ops that explain
 * it and their sources are returned. Undefined when the model's failing output depends on no such
 * op, or the SUT lies outside the envelope.
 */
export function withinDeclaredPrecision(args: {
  model: Model;
  inputs: ReadonlyMap<string, Tensor>;
  actual: ReadonlyMap<string, Tensor>;
  /** The output where the comparison failed: only ops it depends on may explain it. */
  failingOutput: string;
  table: PrecisionTable;
  registry?: OpRegistry;
}): string | undefined {
  const { model, table } = args;
  const failing = outputInfos(model).find((o) => o.name === args.failingOutput);
  // A discrete output (an integer, a comparison) that differs is no rounding matter.
  if (!failing || (failing.dtype !== 'float32' && failing.dtype !== 'float64')) return undefined;
  const imprecise = coneOf(model, [args.failingOutput]).nodes.filter((n) => table[n.op] !== undefined && n.outputs.some((o) => o.dtype === 'float32'));
  if (imprecise.length === 0) return undefined;
  const moved = new Set(imprecise.map((n) => n.name));
  const runs = [
    () => 1,
    () => -1,
    (i: number) => (i % 2 === 0 ? 1 : -1),
    (i: number) => (i % 2 === 0 ? -1 : 1),
  ].map((sign) =>
    runReference(model, args.inputs, {
      ...(args.registry ? { registry: args.registry } : {}),
      afterNode: (node, outputs) => {
        if (!moved.has(node.name)) return outputs;
        const p = table[node.op]!;
        return outputs.map((t) => (t.dtype === 'float32' ? { ...t, data: t.data.map((x, i) => x + sign(i) * allowedError(p, x)) } : t));
      },
    }).outputs,
  );
  const base = runReference(model, args.inputs, args.registry ? { registry: args.registry } : {}).outputs;
  const tolDtypes = toleranceDtypes(model);
  for (const info of outputInfos(model)) {
    if (info.dtype !== 'float32' && info.dtype !== 'float64') continue;
    const a = args.actual.get(info.name);
    if (!a) return undefined;
    const tol = TOLERANCES[(tolDtypes.get(info.name) ?? info.dtype) as DType];
    const outs = [base, ...runs].map((r) => r.get(info.name)!.data);
    let scale = 1;
    for (const o of outs) for (const x of o) if (Number.isFinite(x)) scale = Math.max(scale, Math.abs(x));
    for (let i = 0; i < a.data.length; i++) {
      const values = outs.map((o) => o[i]!);
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      const v = a.data[i]!;
      if (Number.isNaN(v) || !Number.isFinite(lo) || !Number.isFinite(hi)) return undefined;
      const slack = tol.atol * scale + tol.rtol * Math.max(Math.abs(lo), Math.abs(hi));
      if (v < lo - slack || v > hi + slack) return undefined;
    }
  }
  const ops = [...new Set(imprecise.map((n) => n.op))];
  return ops.map((op) => `${op} (${table[op]!.source})`).join('; ');
}
