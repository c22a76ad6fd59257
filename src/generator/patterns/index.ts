import { CONV_PATTERNS, NCHWC_PATTERNS } from './conv.js';
import { ELIMINATION_PATTERNS } from './elimination.js';
import { GELU_PATTERNS } from './gelu.js';
import { MATMUL_PATTERNS } from './matmul.js';
import { NORMALIZATION_PATTERNS } from './normalization.js';
import type { Pattern } from './pattern.js';
import { REWRITE_PATTERNS } from './rewrites.js';
import { QDQ_PATTERNS } from './qdq.js';

/** Checks a pattern list: unique names, near misses of patterns that exist, steps that read what exists. */
export function checkedPatterns(patterns: readonly Pattern[]): readonly Pattern[] {
  const names = new Set<string>();
  for (const p of patterns) {
    if (names.has(p.name)) throw new Error(`two rewrite patterns are named '${p.name}'`);
    names.add(p.name);
  }
  for (const p of patterns) {
    if (p.nearMiss && !names.has(p.nearMiss.of)) throw new Error(`pattern '${p.name}' is a near miss of '${p.nearMiss.of}', which does not exist`);
    if (p.nearMiss && Object.values(p.targets).some((t) => t.length > 0)) throw new Error(`near miss '${p.name}' must target no rewrite`);
    const known = new Set(p.inputs.map((i) => i.name));
    for (const step of p.steps) {
      for (const slot of step.slots) {
        if ('ref' in slot && !known.has(slot.ref.split(':')[0]!)) throw new Error(`pattern '${p.name}' step '${step.id}' reads '${slot.ref}' before it exists`);
      }
      if (known.has(step.id)) throw new Error(`pattern '${p.name}' names two values '${step.id}'`);
      known.add(step.id);
    }
  }
  return patterns;
}

/**
 * The near misses every multi-node pattern has: its first node's output read by one more node
 * (`~shared`), or made a graph output too (`~exposed`). A fusion must then keep that value, or not
 * fuse; this is where fusions go wrong.
 */
export function derivedNearMisses(pattern: Pattern): Pattern[] {
  // A bool first value (a comparison's) has no Neg to read it: such patterns keep their written variants.
  if (pattern.nearMiss || pattern.steps.length < 2 || COMPARISONS.includes(pattern.steps[0]!.op)) return [];
  const inner = pattern.steps[0]!.id;
  const base = { inputs: pattern.inputs, targets: {}, ...(pattern.opsets ? { opsets: pattern.opsets } : {}) };
  const exposed: Pattern = {
    ...base,
    name: `${pattern.name}~exposed`,
    summary: `${pattern.summary}; the ${pattern.steps[0]!.op} output also a graph output`,
    steps: pattern.steps,
    expose: [inner],
    nearMiss: { of: pattern.name, why: `the ${pattern.steps[0]!.op} output is a graph output` },
  };
  // A quantized first value (a QuantizeLinear's uint8) has no Neg to read it either.
  if (pattern.steps[0]!.op === 'QuantizeLinear') return [exposed];
  return [
    {
      ...base,
      name: `${pattern.name}~shared`,
      summary: `${pattern.summary}; the ${pattern.steps[0]!.op} output also read by a Neg`,
      steps: [...pattern.steps, { id: 'shared', op: 'Neg', slots: [{ ref: inner }] }],
      nearMiss: { of: pattern.name, why: `the ${pattern.steps[0]!.op} output has a second consumer` },
    },
    exposed,
  ];
}

const COMPARISONS = ['Greater', 'Less', 'Equal', 'GreaterOrEqual', 'LessOrEqual', 'Not'];

const WRITTEN: readonly Pattern[] = [
  ...CONV_PATTERNS,
  ...NCHWC_PATTERNS,
  ...MATMUL_PATTERNS,
  ...GELU_PATTERNS,
  ...NORMALIZATION_PATTERNS,
  ...ELIMINATION_PATTERNS,
  ...REWRITE_PATTERNS,
  ...QDQ_PATTERNS,
];

/** Every rewrite pattern the generator knows: the written ones and their derived near misses. */
export const PATTERNS: readonly Pattern[] = checkedPatterns([...WRITTEN, ...WRITTEN.flatMap(derivedNearMisses)]);
