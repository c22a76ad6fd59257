import type { AttrValue, Model } from '../../ir/model.js';
import type { ReportGraph } from './document.js';
import { inputSlotNames } from './input-slots.js';

/** The model as a report shows it: values and nodes (each input with the op's name of its slot), weights by type only. */
export function reportGraph(model: Model): ReportGraph {
  return {
    inputs: model.inputs,
    weights: model.weights.map((w) => ({ name: w.name, dtype: w.value.dtype, shape: w.value.shape })),
    nodes: model.nodes.map((n) => {
      const inputSlots = inputSlotNames(n, model.opset);
      return { name: n.name, op: n.op, inputs: n.inputs, outputs: n.outputs, attrs: n.attrs, ...(inputSlots ? { inputSlots } : {}) };
    }),
    outputs: model.outputs,
  };
}

/** One attribute as a report prints it: `pads=[0, 0, 1, 1]`, `mode=constant`. */
export function attrText(name: string, value: AttrValue): string {
  return `${name}=${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}`;
}

export interface LaidOutVertex {
  readonly id: string;
  readonly kind: 'input' | 'op';
  /** The op, or the graph input's name. */
  readonly label: string;
  /** Output types, e.g. "f32[2,3]". */
  readonly detail: string;
  /** Everything else, for a tooltip: node name, attributes, inputs. */
  readonly title: string;
  /** Graph outputs this vertex produces. */
  readonly outputs: readonly string[];
  /** Topological depth: graph inputs are 0, a node is one more than its deepest producer. */
  readonly layer: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface LaidOutEdge {
  readonly from: string;
  readonly to: string;
  /** The slots of the target the value feeds (Clip's `max`); empty when the target takes one input or its spec is unknown. */
  readonly label: string;
  /**
   * Where the edge goes, in pairs: it leaves a vertex's bottom (even indices) and enters the next
   * layer's top (odd indices); between an entry and the next exit it runs straight down.
   */
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

export interface GraphLayout {
  readonly vertices: readonly LaidOutVertex[];
  readonly edges: readonly LaidOutEdge[];
  readonly width: number;
  readonly height: number;
}

const DTYPE_SHORT: Readonly<Record<string, string>> = { float32: 'f32', float64: 'f64', int32: 'i32', int64: 'i64', bool: 'bool' };
export const CHAR_WIDTH = 7;
export const VERTEX_HEIGHT = 40;
const MIN_WIDTH = 72;
const MAX_CHARS = 34;
const GAP_X = 20;
const GAP_Y = 48;
const MARGIN = 12;
/** Width of a character of an edge's slot label (drawn smaller than vertex text). */
export const SLOT_CHAR_WIDTH = 6;

export function typeText(v: { readonly dtype: string; readonly shape: readonly number[] }): string {
  return `${DTYPE_SHORT[v.dtype] ?? v.dtype}[${v.shape.join(',')}]`;
}

/** Cuts text to what a vertex box holds. */
export function fitText(text: string): string {
  return text.length <= MAX_CHARS ? text : text.slice(0, MAX_CHARS - 1) + '…';
}

interface Draft {
  id: string;
  /** A pass is the slot a long edge takes in a layer it crosses; it is not drawn. */
  kind: 'input' | 'op' | 'pass';
  label: string;
  detail: string;
  title: string;
  outputs: string[];
  layer: number;
  order: number;
  parents: string[];
  /** Per parent: the slots of this vertex its value feeds, as the edge's label. */
  parentLabels: string[];
}

/**
 * Per distinct producer of the node's inputs, the slots it feeds, joined (Add(x, x): "A, B").
 * Nothing when the node takes a single input: one edge into it needs no name.
 */
function slotLabels(node: ReportGraph['nodes'][number], producerOf: (value: string) => string | undefined, parents: readonly string[]): string[] {
  const named = node.inputs.filter((name) => name !== '').length > 1 ? node.inputSlots : undefined;
  return parents.map((parent) => (named ?? []).filter((_, i) => producerOf(node.inputs[i]!) === parent).join(', '));
}

function drafts(graph: ReportGraph): Draft[] {
  const producer = new Map<string, Draft>();
  const result: Draft[] = [];
  const isOutput = new Set(graph.outputs);
  graph.inputs.forEach((input, i) => {
    const d: Draft = {
      id: `in${i}`,
      kind: 'input',
      label: input.name,
      detail: typeText(input),
      title: `graph input ${input.name}: ${input.dtype}[${input.shape.join(', ')}]`,
      outputs: isOutput.has(input.name) ? [input.name] : [],
      layer: 0,
      order: i,
      parents: [],
      parentLabels: [],
    };
    producer.set(input.name, d);
    result.push(d);
  });
  const weights = new Map(graph.weights.map((w) => [w.name, w]));
  graph.nodes.forEach((node, i) => {
    const parents = [...new Set(node.inputs.flatMap((name) => (producer.has(name) ? [producer.get(name)!.id] : [])))];
    const layer = 1 + Math.max(0, ...node.inputs.map((name) => producer.get(name)?.layer ?? 0));
    const attrs = Object.entries(node.attrs).map(([k, v]) => attrText(k, v));
    const inputs = node.inputs.map((name, slot) => {
      const w = weights.get(name);
      const value = name === '' ? '(omitted)' : w ? `${name} (weight ${typeText(w)})` : name;
      return node.inputSlots ? `${node.inputSlots[slot]}=${value}` : value;
    });
    const d: Draft = {
      id: `n${i}`,
      kind: 'op',
      label: node.op,
      detail: node.outputs.map(typeText).join(' '),
      title: [`${node.op} ${node.name}`, ...(attrs.length ? [attrs.join(' ')] : []), `inputs: ${inputs.join(', ') || 'none'}`].join('\n'),
      outputs: node.outputs.filter((o) => isOutput.has(o.name)).map((o) => o.name),
      layer,
      order: i,
      parents,
      parentLabels: slotLabels(node, (name) => producer.get(name)?.id, parents),
    };
    for (const o of node.outputs) producer.set(o.name, d);
    result.push(d);
  });
  return result;
}

/** Width of the slot an edge takes where it passes through a layer. */
const PASS_WIDTH = 8;

/** Room the slot labels over a vertex need: edges enter spread evenly along its top, one label each. */
function slotLabelsWidth(d: Draft): number {
  const longest = Math.max(0, ...d.parentLabels.map((l) => l.length));
  return longest === 0 ? 0 : (d.parentLabels.length + 1) * (longest * SLOT_CHAR_WIDTH + 6);
}

function vertexWidth(d: Draft): number {
  if (d.kind === 'pass') return PASS_WIDTH;
  return Math.max(MIN_WIDTH, Math.max(fitText(d.label).length, fitText(d.detail).length) * CHAR_WIDTH + 16, slotLabelsWidth(d));
}

/**
 * Splits every edge that spans several layers into hops through a pass-through slot in each layer
 * between, so that long edges go around the vertices of those layers instead of across them.
 * Returns each edge's chain of vertex ids, producer first.
 */
interface EdgeChain {
  readonly from: string;
  readonly to: string;
  readonly chain: readonly string[];
  readonly label: string;
  /** Which of the target's drawn inputs this is, and how many it has. */
  readonly slot: number;
  readonly slots: number;
}

function addPassThroughs(all: Draft[]): EdgeChain[] {
  const byId = new Map(all.map((d) => [d.id, d]));
  const chains: EdgeChain[] = [];
  let passes = 0;
  for (const d of all.filter((x) => x.kind !== 'pass')) {
    d.parents = d.parents.map((parentId, slot) => {
      const parent = byId.get(parentId)!;
      const chain = [parentId];
      let previous = parentId;
      for (let layer = parent.layer + 1; layer < d.layer; layer++) {
        const pass: Draft = { id: `p${passes++}`, kind: 'pass', label: '', detail: '', title: '', outputs: [], layer, order: d.order, parents: [previous], parentLabels: [''] };
        all.push(pass);
        chain.push(pass.id);
        previous = pass.id;
      }
      chain.push(d.id);
      chains.push({ from: parentId, to: d.id, chain, label: d.parentLabels[slot] ?? '', slot, slots: d.parents.length });
      return previous;
    });
  }
  return chains;
}

/**
 * Lays a model out in layers by topological depth, top to bottom (Sugiyama style): edges that
 * span layers pass through slots in the layers between, and within a layer vertices are ordered
 * by the mean position of their producers (one barycenter pass), which keeps most edges short and
 * uncrossed in models of a few dozen nodes. Edges enter a node spread out in input order.
 */
export function layoutGraph(graph: ReportGraph): GraphLayout {
  const all = drafts(graph);
  const chains = addPassThroughs(all);
  const layers: Draft[][] = [];
  for (const d of all) (layers[d.layer] ??= []).push(d);
  // Relative position in its layer (0..1) of every vertex placed so far.
  const place = new Map<string, number>();
  const total = all.length;
  for (const layer of layers) {
    if (!layer) continue;
    const barycenter = (d: Draft) => (d.parents.length ? d.parents.reduce((s, p) => s + place.get(p)!, 0) / d.parents.length : d.order / total);
    layer.sort((a, b) => barycenter(a) - barycenter(b) || a.order - b.order);
    layer.forEach((d, i) => place.set(d.id, (i + 0.5) / layer.length));
  }
  const rowWidth = (row: Draft[]) => row.reduce((s, d) => s + vertexWidth(d), 0) + GAP_X * (row.length - 1);
  const width = Math.max(...layers.map((row) => (row ? rowWidth(row) : 0)), MIN_WIDTH) + 2 * MARGIN;
  const boxes = new Map<string, { x: number; y: number; width: number; height: number }>();
  layers.forEach((row, layer) => {
    if (!row) return;
    let x = (width - rowWidth(row)) / 2;
    for (const d of row) {
      const w = vertexWidth(d);
      boxes.set(d.id, { x, y: MARGIN + layer * (VERTEX_HEIGHT + GAP_Y), width: w, height: VERTEX_HEIGHT });
      x += w + GAP_X;
    }
  });
  const edges = chains.map(({ from, to, chain, label, slot, slots }) => {
    const points: { x: number; y: number }[] = [];
    chain.forEach((id, i) => {
      const v = boxes.get(id)!;
      const center = v.x + v.width / 2;
      // The target spreads its inputs along its top edge, in input order.
      const entryX = i === chain.length - 1 ? v.x + (v.width * (slot + 1)) / (slots + 1) : center;
      if (i > 0) points.push({ x: entryX, y: v.y });
      if (i < chain.length - 1) points.push({ x: center, y: v.y + v.height });
    });
    return { from, to, label, points };
  });
  const vertices = all.flatMap((d): LaidOutVertex[] =>
    d.kind === 'pass' ? [] : [{ id: d.id, kind: d.kind, label: d.label, detail: d.detail, title: d.title, outputs: d.outputs, layer: d.layer, ...boxes.get(d.id)! }],
  );
  const height = 2 * MARGIN + layers.length * VERTEX_HEIGHT + Math.max(0, layers.length - 1) * GAP_Y;
  return { vertices, edges, width, height };
}
