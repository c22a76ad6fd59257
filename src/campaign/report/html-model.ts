import type { ReportGraph, ReportInputPreview } from './document.js';
import { attrText, typeText } from './graph-layout.js';
import { escapeMarkup as e, formatNumber } from './text.js';

type GraphNode = ReportGraph['nodes'][number];

/** `Clip(input=x, min=w, max=r)`: each input by the slot it feeds, so Relu feeding max is not read as min. */
export function callText(node: GraphNode): string {
  const args = node.inputs.map((value, i) => {
    const shown = value === '' ? '∅' : value;
    const slot = node.inputSlots?.[i];
    return slot !== undefined ? `${slot}=${shown}` : shown;
  });
  return `${node.op}(${args.join(', ')})`;
}

function nodeRow(node: GraphNode): string {
  const attrs = Object.entries(node.attrs).map(([k, v]) => `<code>${e(attrText(k, v))}</code>`);
  const outputs = node.outputs.map((o) => `<code>${e(`${o.name}: ${typeText(o)}`)}</code>`);
  return [
    '<tr>',
    `<td><code>${e(node.name)}</code></td>`,
    `<td><code>${e(callText(node))}</code></td>`,
    `<td>${attrs.join(' ') || '<span class="none">none</span>'}</td>`,
    `<td>${outputs.join(' ')}</td>`,
    '</tr>',
  ].join('');
}

/**
 * The model's nodes as text, in graph order: each with its inputs by slot, its attributes and its
 * output types, readable without hovering over the drawing (and by search and screen readers).
 */
export function nodeTable(graph: ReportGraph): string {
  const weights = graph.weights.map((w) => `<code>${e(`${w.name}: ${typeText(w)}`)}</code>`);
  return [
    '<table class="nodes"><thead><tr><th>node</th><th>op (slot=value)</th><th>attributes</th><th>outputs</th></tr></thead><tbody>',
    ...graph.nodes.map(nodeRow),
    '</tbody></table>',
    ...(weights.length ? [`<p class="legend">weights (values in model.json): ${weights.join(' ')}</p>`] : []),
  ].join('\n');
}

function previewText(input: ReportInputPreview): string {
  const more = input.size > input.values.length ? `, … (${input.size - input.values.length} more)` : '';
  return `${input.values.map(formatNumber).join(', ')}${more}`;
}

/** The first values of each model input the test feeds (from inputs.json). */
export function inputsTable(inputs: readonly ReportInputPreview[]): string {
  const rows = inputs.map((i) => `<tr><td><code>${e(i.name)}</code></td><td><code>${e(typeText(i))}</code></td><td class="mono">${e(previewText(i))}</td></tr>`);
  return ['<table class="inputs"><thead><tr><th>input</th><th>type</th><th>values</th></tr></thead><tbody>', ...rows, '</tbody></table>'].join('\n');
}
