import { rankRange } from './infer.js';
import type { OpRegistry } from './registry.js';
import { describeDomain, type AttrSpec, type OpSpec } from './spec.js';

export interface OpDescription {
  readonly name: string;
  readonly sinceVersion: number;
  readonly supersededAt?: number;
  readonly dtypes: readonly string[];
  readonly inputs: readonly {
    name: string;
    dtypes: readonly string[] | 'T';
    rank: string;
    optional: boolean;
    variadic?: readonly [number, number];
    /** Shape-typed: a constant chosen by the generator from this attribute. */
    constantFrom?: string;
  }[];
  readonly outputCount: readonly [number, number];
  /** Attributes as declared for inputs of the ranks shown in `attrsForRanks`. */
  readonly attrs: Readonly<Record<string, AttrSpec>>;
  readonly attrsForRanks: readonly number[];
  readonly domain?: string;
}

/** Representative ranks for listing rank-dependent attributes: each slot's rank nearest to 2. */
function representativeRanks(spec: OpSpec): number[] {
  const ranks: number[] = [];
  for (const slot of spec.inputs) {
    const [lo, hi] = rankRange(slot, ranks);
    ranks.push(Math.min(Math.max(lo, 2), hi));
  }
  return ranks;
}

export function describeOp(spec: OpSpec): OpDescription {
  const ranks = representativeRanks(spec);
  const inputs = spec.inputs.map((slot, i) => {
    const rank = typeof slot.rank === 'function' ? `${slot.rank(ranks.slice(0, i))} (follows earlier inputs)` : `${slot.rank[0]}..${slot.rank[1]}`;
    return {
      name: slot.name,
      dtypes: slot.dtypes ?? (slot.dtype ? [slot.dtype] : ('T' as const)),
      rank,
      optional: slot.optional === true,
      ...(slot.variadic ? { variadic: slot.variadic } : {}),
      ...(slot.constantFrom ? { constantFrom: slot.constantFrom } : {}),
    };
  });
  const domain = describeDomain(spec);
  return {
    name: spec.name,
    sinceVersion: spec.sinceVersion,
    ...(spec.supersededAt !== undefined ? { supersededAt: spec.supersededAt } : {}),
    dtypes: spec.dtypes,
    inputs,
    outputCount: spec.outputCount ?? [1, 1],
    attrs: spec.attrs?.(ranks) ?? {},
    attrsForRanks: ranks,
    ...(domain ? { domain } : {}),
  };
}

export function describeRegistry(registry: OpRegistry): OpDescription[] {
  return registry.all().map(describeOp);
}

/** One line per attribute, for the text listing. */
export function attrText(name: string, a: AttrSpec): string {
  switch (a.kind) {
    case 'int':
      return `${name}: int in [${a.domain.join(', ')}]`;
    case 'ints':
      return `${name}: ${typeof a.length === 'number' ? a.length : a.length.join('..')} ints in [${a.domain.join(', ')}]`;
    case 'float':
      return `${name}: float in [${a.range.join(', ')}]`;
    case 'floats':
      return `${name}: floats from {${a.choices.join(', ')}}`;
    case 'string':
      return `${name}: one of ${[...a.choices, ...(a.accept ?? []).map((x) => `${x} (import only)`), ...(a.acceptWhen ? [`${a.acceptWhen.what} (import only)`] : [])].join(', ')}`;
    case 'strings':
      return `${name}: ${typeof a.length === 'number' ? a.length : a.length.join('..')} strings from {${a.choices.join(', ')}}`;
    case 'choice':
      return `${name}: one of ${a.choices.join(', ')}`;
    case 'perm':
      return `${name}: a permutation of ${a.length} axes`;
    case 'axes':
      return `${name}: ${a.count.join('..')} distinct axes of rank ${a.rank}`;
    case 'scalar-tensor':
      return `${name}: a one-element tensor of ${a.dtypes.join(', ')} holding one of ${a.values.join(', ')}`;
  }
}
