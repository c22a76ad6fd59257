import type { ReportGraph } from './document.js';
import { fitText, layoutGraph, type LaidOutEdge, type LaidOutVertex } from './graph-layout.js';
import { escapeMarkup } from './text.js';

function n(x: number): string {
  return String(Math.round(x * 10) / 10);
}

function vertexSvg(v: LaidOutVertex, worstOutput: string | undefined): string {
  const classes = ['vertex', v.kind, ...(v.outputs.length ? ['model-output'] : []), ...(worstOutput !== undefined && v.outputs.includes(worstOutput) ? ['worst'] : [])];
  const title = v.outputs.length ? `${v.title}\nmodel output: ${v.outputs.join(', ')}` : v.title;
  const cx = n(v.width / 2);
  return [
    `<g class="${classes.join(' ')}" transform="translate(${n(v.x)},${n(v.y)})">`,
    `<title>${escapeMarkup(title)}</title>`,
    `<rect width="${n(v.width)}" height="${n(v.height)}" rx="${v.kind === 'input' ? 16 : 4}"/>`,
    `<text class="label" x="${cx}" y="16">${escapeMarkup(fitText(v.label))}</text>`,
    `<text class="detail" x="${cx}" y="31">${escapeMarkup(fitText(v.detail))}</text>`,
    '</g>',
  ].join('');
}

/** The slots an edge feeds, written just above where it enters its target (layoutGraph leaves room for them). */
function slotLabelSvg(edge: LaidOutEdge): string {
  const entry = edge.points[edge.points.length - 1];
  if (edge.label === '' || !entry) return '';
  return `<text class="slot" x="${n(entry.x)}" y="${n(entry.y - 4)}">${escapeMarkup(edge.label)}</text>`;
}

/**
 * The model as inline SVG, in layers by topological depth: graph inputs on top, each node below
 * its deepest producer, labelled with its op and output types; nodes producing a model output are
 * outlined, the one producing the worst element in red. An edge into a node of several inputs is
 * labelled with the slot it feeds (Clip's min or max). `index` keeps marker ids unique in a page.
 */
export function graphSvg(graph: ReportGraph, index: number, worstOutput?: string): string {
  const layout = layoutGraph(graph);
  const marker = `arrow-${index}`;
  const edges = layout.edges.map(({ points }) => {
    // Curves between layers, straight runs through the layers an edge passes.
    let d = `M${n(points[0]!.x)},${n(points[0]!.y)}`;
    for (let i = 1; i < points.length; i += 2) {
      const exit = points[i - 1]!;
      const entry = points[i]!;
      const bend = (entry.y - exit.y) / 2;
      d += ` C${n(exit.x)},${n(exit.y + bend)} ${n(entry.x)},${n(entry.y - bend)} ${n(entry.x)},${n(entry.y)}`;
      const next = points[i + 1];
      if (next) d += ` L${n(next.x)},${n(next.y)}`;
    }
    return `<path d="${d}" marker-end="url(#${marker})"/>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="graph" viewBox="0 0 ${n(layout.width)} ${n(layout.height)}" width="${n(layout.width)}" height="${n(layout.height)}" role="img" aria-label="model graph of ${graph.nodes.length} nodes">`,
    `<defs><marker id="${marker}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>`,
    `<g class="edges">${edges.join('')}</g>`,
    ...layout.vertices.map((v) => vertexSvg(v, worstOutput)),
    `<g class="slots">${layout.edges.map(slotLabelSvg).join('')}</g>`,
    '</svg>',
  ].join('\n');
}
