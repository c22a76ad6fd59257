import type { Model, Node, ValueInfo } from '../ir/model.js';
import { coneOf, valueTypes } from '../ir/model.js';
import { makeTensor, type Tensor } from '../ir/tensor.js';
import type { Candidate } from './candidate.js';

/**
 * Keeps only what the graph outputs need: nodes none of whose outputs is used are dropped, and so
 * are inputs and weights no kept node reads (with their values).
 */
export function eliminateDeadCode(candidate: Candidate): Candidate {
  const { model } = candidate;
  const { nodes: kept, needed } = coneOf(model, model.outputs);
  const inputs = model.inputs.filter((i) => needed.has(i.name));
  return {
    model: { ...model, inputs, weights: model.weights.filter((w) => needed.has(w.name)), nodes: kept },
    inputs: new Map(inputs.map((i) => [i.name, candidate.inputs.get(i.name)!])),
  };
}

/** The candidate with only the given graph outputs (any defined values), dead code removed. */
export function withOutputs(candidate: Candidate, outputs: readonly string[]): Candidate {
  return eliminateDeadCode({ model: { ...candidate.model, outputs: [...outputs] }, inputs: candidate.inputs });
}

/** Whether every output of the node is a graph output that no node reads. */
function isSink(model: Model, node: Node): boolean {
  const mine = new Set(node.outputs.map((o) => o.name));
  return [...mine].every((o) => model.outputs.includes(o)) && !model.nodes.some((n) => n.inputs.some((x) => mine.has(x)));
}

/**
 * The candidate without a node whose outputs are all graph outputs nothing else reads: the values
 * it read (those computed by nodes) become graph outputs in its place. A node that only reads a
 * value is how a second consumer shows: what matters is that the value escapes, not who reads it.
 */
export function dropSink(candidate: Candidate, nodeName: string): Candidate | undefined {
  const { model } = candidate;
  const node = model.nodes.find((n) => n.name === nodeName);
  if (!node || !isSink(model, node)) return undefined;
  const mine = new Set(node.outputs.map((o) => o.name));
  const computed = new Set(model.nodes.flatMap((n) => n.outputs.map((o) => o.name)));
  const read = [...new Set(node.inputs.filter((x) => computed.has(x) && !mine.has(x)))];
  const outputs = [...new Set([...model.outputs.filter((o) => !mine.has(o)), ...read])];
  if (outputs.length === 0) return undefined;
  return withOutputs(candidate, outputs);
}

/**
 * The candidate with a sink node (its one output a graph output nothing reads) replaced by a Neg of
 * its first float input. Where a bug needs some consumer of a value but not which one (a fusion
 * that breaks when its result is read), the reduced trigger then names Neg whatever op the test
 * happened to have there, and sightings through different consumers are one bug.
 */
export function neutralSink(candidate: Candidate, nodeName: string): Candidate | undefined {
  const { model } = candidate;
  const node = model.nodes.find((n) => n.name === nodeName);
  if (!node || node.op === 'Neg' || node.outputs.length !== 1 || !isSink(model, node)) return undefined;
  const out = node.outputs[0]!.name;
  const types = valueTypes(model);
  const input = node.inputs.find((x) => x !== '' && (types.get(x)?.dtype === 'float32' || types.get(x)?.dtype === 'float64'));
  if (input === undefined) return undefined;
  const t = types.get(input)!;
  const neg = { name: node.name, op: 'Neg', inputs: [input], outputs: [{ name: out, dtype: t.dtype, shape: [...t.shape] }], attrs: {} };
  return eliminateDeadCode({ model: { ...model, nodes: model.nodes.map((n) => (n === node ? neg : n)) }, inputs: candidate.inputs });
}

/** Values computed by nodes that are not graph outputs: the places the graph can be cut. */
export function cuttableValues(model: Model): string[] {
  const outputs = new Set(model.outputs);
  return model.nodes.flatMap((n) => n.outputs.map((o) => o.name)).filter((name) => !outputs.has(name));
}

/**
 * For every value, the fewest nodes between it and a graph output (0 for an output itself);
 * values no output depends on are absent.
 */
export function distancesToOutputs(model: Model): Map<string, number> {
  const distance = new Map<string, number>(model.outputs.map((name) => [name, 0]));
  for (let i = model.nodes.length - 1; i >= 0; i--) {
    const node = model.nodes[i]!;
    const ds = node.outputs.map((o) => distance.get(o.name)).filter((d): d is number => d !== undefined);
    if (ds.length === 0) continue;
    const d = Math.min(...ds) + 1;
    for (const name of node.inputs) {
      if (name !== '' && d < (distance.get(name) ?? Infinity)) distance.set(name, d);
    }
  }
  return distance;
}

/** A name not yet used by any value or node of the model, built from `base`. */
export function freshName(model: Model, base: string): string {
  const used = new Set([...valueTypes(model).keys(), ...model.nodes.map((n) => n.name)]);
  if (!used.has(base)) return base;
  for (let i = 1; ; i++) if (!used.has(`${base}_${i}`)) return `${base}_${i}`;
}

/**
 * Cuts the graph at each named value: the value becomes a graph input of the same name holding
 * what the reference computed for it (`values`, rounded to the value's dtype), so the rest of the
 * graph sees the same numbers; nodes then needed by nothing are removed. A producer that survives
 * (another of its outputs is still used) keeps the cut output under a fresh name.
 */
export function cutAt(candidate: Candidate, names: readonly string[], values: ReadonlyMap<string, Tensor>): Candidate {
  const cut = new Set(names);
  let model = candidate.model;
  const renamed = new Map<string, string>();
  for (const name of cut) renamed.set(name, freshName(model, `${name}_cut`));
  const newInputs: ValueInfo[] = [];
  const nodes = model.nodes.map((node) => {
    if (!node.outputs.some((o) => cut.has(o.name))) return node;
    const outputs = node.outputs.map((o) => {
      if (!cut.has(o.name)) return o;
      newInputs.push(o);
      return { ...o, name: renamed.get(o.name)! };
    });
    return { ...node, outputs };
  });
  model = { ...model, inputs: [...model.inputs, ...newInputs], nodes };
  const inputs = new Map(candidate.inputs);
  for (const info of newInputs) {
    const value = values.get(info.name);
    if (!value) throw new Error(`cannot cut at '${info.name}': the reference computed no value for it`);
    inputs.set(info.name, makeTensor(info.dtype, info.shape, value.data));
  }
  return eliminateDeadCode({ model, inputs });
}

/** Every use of value `from` (node inputs and graph outputs) reads `to` instead. */
function replaceUses(model: Model, from: string, to: string): Model {
  return {
    ...model,
    nodes: model.nodes.map((n) => (n.inputs.includes(from) ? { ...n, inputs: n.inputs.map((x) => (x === from ? to : x)) } : n)),
    outputs: [...new Set(model.outputs.map((x) => (x === from ? to : x)))],
  };
}

/**
 * The node bypassed: every use of its single output reads `input` instead (one of its inputs of
 * the same dtype and shape), and the node is gone. Undefined when that does not apply, or would
 * make a graph input or weight a graph output (the model would compute nothing there).
 */
export function bypassNode(candidate: Candidate, nodeName: string, input: string): Candidate | undefined {
  const { model } = candidate;
  const node = model.nodes.find((n) => n.name === nodeName);
  if (!node || node.outputs.length !== 1 || !node.inputs.includes(input)) return undefined;
  const result = node.outputs[0]!;
  const t = valueTypes(model).get(input)!;
  if (t.dtype !== result.dtype || !sameShape(t.shape, result.shape)) return undefined;
  const isSource = model.inputs.some((i) => i.name === input) || model.weights.some((w) => w.name === input);
  if (isSource && model.outputs.includes(result.name)) return undefined;
  return eliminateDeadCode({ model: replaceUses(model, result.name, input), inputs: candidate.inputs });
}

/** For every value, how many nodes computing it takes (its producer and everything upstream). */
export function coneSizes(model: Model): Map<string, number> {
  const producer = new Map<string, number>();
  model.nodes.forEach((n, i) => n.outputs.forEach((o) => producer.set(o.name, i)));
  const cones: Set<number>[] = [];
  const sizes = new Map<string, number>();
  model.nodes.forEach((node, i) => {
    const cone = new Set<number>([i]);
    for (const name of node.inputs) {
      const p = producer.get(name);
      if (p !== undefined) for (const j of cones[p]!) cone.add(j);
    }
    cones.push(cone);
    for (const o of node.outputs) sizes.set(o.name, cone.size);
  });
  return sizes;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
