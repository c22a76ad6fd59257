import { normalizeAxis } from './shapes.js';

/** The groups of element indices that share MVN statistics: one per position of the dims not in 'axes'. */
export function mvnGroups(shape: readonly number[], axes: readonly number[]): number[][] {
  const r = shape.length;
  const reduced = new Set(axes.map((a) => normalizeAxis(a, r)));
  const groups = new Map<number, number[]>();
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const total = shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < total; i++) {
    let key = 0;
    for (let d = 0; d < r; d++) if (!reduced.has(d)) key = key * shape[d]! + (Math.floor(i / strides[d]!) % shape[d]!);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  return [...groups.values()];
}
