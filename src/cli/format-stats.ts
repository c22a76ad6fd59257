import type { GenerationStats } from '../campaign/stats.js';

function histogram(h: Record<string, number>, limit = Infinity): string {
  return Object.entries(h)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

/** The text form of `gen --stats`. */
export function formatStats(s: GenerationStats): string {
  const lines = [
    `${s.models} models, ${s.msPerModel.toFixed(1)} ms per model, ${s.solverChecksPerModel.toFixed(2)} z3 checks per model`,
    `nodes per model: ${histogram(s.nodesPerModel)}`,
    `models with a merge: ${s.modelsWithMerges} (${((100 * s.modelsWithMerges) / Math.max(1, s.models)).toFixed(1)}%)`,
    `ops (${Object.keys(s.opHistogram).length}): ${histogram(s.opHistogram)}`,
    `dtypes: ${histogram(s.dtypeHistogram)}`,
    `ranks: ${histogram(s.rankHistogram)}`,
    `rewrite patterns inserted: ${Object.values(s.patternHistogram).reduce((a, b) => a + b, 0)} (${Object.keys(s.patternHistogram).length} distinct), most used: ${histogram(s.patternHistogram, 12)}`,
    'attribute values:',
    ...Object.entries(s.attributeValues)
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([op, attrs]) => Object.entries(attrs).map(([name, h]) => `  ${op}.${name}: ${Object.keys(h).length} distinct; ${histogram(h, 8)}`)),
    `invalid models: ${s.invalid}; reference errors: ${s.referenceErrors}`,
    `generation errors: ${histogram(s.generationErrors) || 'none'}`,
    `insertion failures (top 15): ${histogram(s.insertionFailures, 15) || 'none'}`,
  ];
  if (s.loaded !== undefined) {
    lines.push(`loaded: ${s.loaded}; skipped (unsupported op/dtype or known deviation): ${s.loadSkipped}; load errors: ${histogram(s.loadErrors ?? {}) || 'none'}`);
  }
  return lines.join('\n') + '\n';
}
