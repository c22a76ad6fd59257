import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import type { OpRegistry } from '../opspec/registry.js';
import type { Candidate, Edit, StillFails } from './candidate.js';
import { ddmin } from './ddmin.js';
import { bypassNode, coneSizes, cutAt, cuttableValues, distancesToOutputs, dropSink, neutralSink, withOutputs } from './graph-edits.js';
import { DEFAULT_REDUCTION_BUDGET, ReductionSearch, type ReductionBudget } from './search.js';
import { attrEdits } from './attr-edits.js';
import { dimEdits, valueEdits } from './data-edits.js';
import { feedNode } from './feed-edits.js';

export interface ReduceArgs {
  readonly model: Model;
  readonly inputs: Map<string, Tensor>;
  readonly registry: OpRegistry;
  /** Whether a candidate still shows the bug (see sameBugPredicate). */
  readonly stillFails: StillFails;
  /** Checks (and a wall-clock cap); no check starts after either is spent. */
  readonly budget?: ReductionBudget;
  /** Called with the node count after every accepted step. */
  readonly onProgress?: (nodes: number) => void;
}

export interface ReduceResult {
  readonly model: Model;
  readonly inputs: Map<string, Tensor>;
  /** Candidates run on the SUT. */
  readonly checks: number;
  /** Of those, the ones that kept the bug and became the current test. */
  readonly accepted: number;
  readonly ms: number;
  /** Every pass ran to a fixpoint within the budget (false: the budget ended the reduction). */
  readonly complete: boolean;
  /** The wall-clock cap, not the check budget, ended it (the result may differ on a faster machine). */
  readonly timedOut: boolean;
}

type Pass = (search: ReductionSearch, registry: OpRegistry) => Promise<boolean>;

/**
 * Graph-level delta debugging that keeps the bug. Passes, repeated until none makes progress or
 * the budget is spent: fewer graph outputs; one inner value as the only output; cuts of the graph
 * (a value becomes a graph input holding what the reference computed for it); bypassed nodes;
 * nodes replaced by feeds (the simplest op computing the same values on the SUT);
 * smaller dims; attributes closer to their defaults; simpler input and weight values. A candidate is
 * accepted only when it is a valid model, its reference run is trusted and `stillFails` says yes.
 * Deterministic: the same test and the same SUT behaviour give the same steps.
 */
export async function reduceTest(args: ReduceArgs): Promise<ReduceResult> {
  const t0 = performance.now();
  const search = new ReductionSearch({ model: args.model, inputs: args.inputs }, args.registry, args.stillFails, args.budget ?? DEFAULT_REDUCTION_BUDGET, args.onProgress);
  const passes: Pass[] = [dropOutputs, promoteValue, cutGraph, dropSinks, neutralSinks, bypassNodes, feedNodes, editPass(dimEdits), editPass(attrEdits), editPass(valueEdits)];
  let progressed = true;
  while (progressed && !search.outOfTime()) {
    progressed = false;
    for (const pass of passes) {
      if (await pass(search, args.registry)) progressed = true;
      if (search.outOfTime()) break;
    }
  }
  const { model, inputs } = search.current;
  return { model, inputs, checks: search.checks, accepted: search.accepted, ms: performance.now() - t0, complete: !search.stopped, timedOut: search.timedOut };
}

/** Keeps a smallest subset of the graph outputs that still shows the bug (single outputs first). */
async function dropOutputs(search: ReductionSearch): Promise<boolean> {
  const outputs = search.current.model.outputs;
  if (outputs.length < 2) return false;
  const kept = await ddmin(outputs, (subset) => search.attempt(withOutputs(search.current, subset)), {
    granularity: outputs.length,
    stop: () => search.outOfTime(),
  });
  return kept.length < outputs.length;
}

/** Makes one inner value the only graph output (what follows it goes), the cheapest ones first. */
async function promoteValue(search: ReductionSearch): Promise<boolean> {
  const model = search.current.model;
  const cones = coneSizes(model);
  const total = model.nodes.length;
  const values = cuttableValues(model)
    .filter((v) => cones.get(v)! < total)
    .sort((a, b) => cones.get(a)! - cones.get(b)!);
  for (const value of values) {
    if (await search.attempt(withOutputs(search.current, [value]))) return true;
    if (search.outOfTime()) break;
  }
  return false;
}

/**
 * Cuts the graph at inner values, closest to the outputs first and in chunks (all of them, then
 * halves, quarters... down to single values), so that a big graph loses most of its nodes in a few
 * checks.
 */
async function cutGraph(search: ReductionSearch): Promise<boolean> {
  let progressed = false;
  let size = cuttableValues(search.current.model).length;
  while (size >= 1 && !search.outOfTime()) {
    const order = cutOrder(search.current);
    for (let start = 0; start < order.length; start += size) {
      const present = new Set(cuttableValues(search.current.model));
      const chunk = order.slice(start, start + size).filter((v) => present.has(v));
      if (chunk.length === 0) continue;
      if (await search.attempt(cutAt(search.current, chunk, search.values))) progressed = true;
      if (search.outOfTime()) break;
    }
    size = size === 1 ? 0 : Math.ceil(size / 2);
  }
  return progressed;
}

/** Cuttable values by distance to the graph outputs, nearest first (later nodes first on ties). */
function cutOrder(candidate: Candidate): string[] {
  const distance = distancesToOutputs(candidate.model);
  const values = cuttableValues(candidate.model);
  const position = new Map(values.map((v, i) => [v, i]));
  return values
    .filter((v) => distance.has(v))
    .sort((a, b) => distance.get(a)! - distance.get(b)! || position.get(b)! - position.get(a)!);
}

/** Removes nodes that only make graph outputs, their computed inputs becoming outputs (see dropSink). */
async function dropSinks(search: ReductionSearch): Promise<boolean> {
  const edits: Edit[] = [...search.current.model.nodes].reverse().map((node): Edit => (current) => dropSink(current, node.name));
  return runEdits(search, edits);
}

/** Replaces sink nodes by a Neg of their input (see neutralSink). */
async function neutralSinks(search: ReductionSearch): Promise<boolean> {
  const edits: Edit[] = search.current.model.nodes.map((node): Edit => (current) => neutralSink(current, node.name));
  return runEdits(search, edits);
}

/** Replaces nodes by one of their inputs of the same type, from the outputs backwards. */
async function bypassNodes(search: ReductionSearch): Promise<boolean> {
  const edits: Edit[] = [...search.current.model.nodes]
    .reverse()
    .flatMap((node) => [...new Set(node.inputs.filter((x) => x !== ''))].map((input): Edit => (current) => bypassNode(current, node.name, input)));
  return runEdits(search, edits);
}

/** Replaces nodes by feeds (see feedNode), from the graph inputs on: what remains is what fails. */
async function feedNodes(search: ReductionSearch): Promise<boolean> {
  const edits: Edit[] = search.current.model.nodes.map((node): Edit => (current) => feedNode(current, node.name, search.values));
  return runEdits(search, edits);
}

function editPass(make: (candidate: Candidate, registry: OpRegistry) => Edit[]): Pass {
  return (search, registry) => runEdits(search, make(search.current, registry));
}

async function runEdits(search: ReductionSearch, edits: readonly Edit[]): Promise<boolean> {
  let progressed = false;
  for (const edit of edits) {
    if (search.outOfTime()) break;
    if (await search.attempt(edit(search.current))) progressed = true;
  }
  return progressed;
}
