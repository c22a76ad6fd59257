import { constValue, FALSE, rule, TRUE, type BoolExpr } from '../expr.js';
import type { AttrSpec, OpSpec, SpecContext } from '../spec.js';

/**
 * Older ONNX versions of an op. Most versions of an op differ only in the types they accept, or in a
 * detail the newer spec can be narrowed to: such a version is the newer spec restated over its own
 * opset range, with a few fields changed (`dtypes`, say), rather than a copy of it.
 */

/** One older version: its since-version, and what differs from the newer spec (nothing when only types we lack differ). */
export type OlderVersion = number | readonly [sinceVersion: number, change: Partial<OpSpec>];

/**
 * The older versions of `spec`, oldest first: each covers its since-version up to the next one, the
 * last up to `spec.sinceVersion`. A version whose rules really differ is a spec of its own, not one of these.
 */
export function olderVersions(spec: OpSpec, older: readonly OlderVersion[]): OpSpec[] {
  const entries = older.map((v) => (typeof v === 'number' ? ([v, {}] as const) : v));
  return entries.map(([sinceVersion, change], i) => {
    const supersededAt = i + 1 < entries.length ? entries[i + 1]![0] : spec.sinceVersion;
    if (sinceVersion >= supersededAt) throw new Error(`${spec.name}: version ${sinceVersion} is not older than ${supersededAt}`);
    return { ...spec, ...change, sinceVersion, supersededAt };
  });
}

/**
 * Every version of an op whose versions share one spec: `older` ones (see olderVersions), the spec
 * itself, then the `later` since-versions that differ from it only by types we lack (int4, float8).
 */
export function allVersions(spec: OpSpec, older: readonly OlderVersion[], later: readonly number[] = []): OpSpec[] {
  if (later.length > 0 && spec.supersededAt !== undefined) throw new Error(`${spec.name}: later versions of a superseded spec`);
  const chain = [spec.sinceVersion, ...later];
  const own = chain.map((sinceVersion, i) => {
    const supersededAt = chain[i + 1] ?? spec.supersededAt;
    return { ...spec, sinceVersion, ...(supersededAt !== undefined ? { supersededAt } : {}) };
  });
  return [...olderVersions(own[0]!, older), ...own];
}

/**
 * One spec per version from `sinceVersions` (ascending), each superseded by the next: for an op
 * whose versions are built by one function with the version as a parameter.
 */
export function versionChain(sinceVersions: readonly number[], build: (sinceVersion: number, supersededAt: number | undefined) => OpSpec): OpSpec[] {
  return sinceVersions.map((v, i) => build(v, sinceVersions[i + 1]));
}

/** The axis values an attribute holds: a single axis or a list, when given (or defaulted) and known. */
function axisValues(ctx: SpecContext, name: string, decl: AttrSpec | undefined): number[] {
  if (!decl) return [];
  if (decl.kind === 'choice' || decl.kind === 'int') {
    if (!ctx.has(name) && decl.default === undefined) return [];
    const v = constValue(ctx.int(name));
    return v === undefined ? [] : [v];
  }
  if (!ctx.has(name)) return [];
  return ctx.ints(name).flatMap((x) => {
    const v = constValue(x);
    return v === undefined ? [] : [v];
  });
}

/**
 * The attributes and rules of `spec` before ONNX accepted negative axes (most ops took them from
 * opset 11): the named attributes are generated non-negative, and a negative one breaks a rule.
 */
export function nonNegativeAxes(spec: OpSpec, names: readonly string[]): Pick<OpSpec, 'attrs' | 'requires'> {
  const { attrs, requires } = spec;
  if (!attrs) throw new Error(`${spec.name}: nonNegativeAxes needs attributes`);
  const declared = (ranks: readonly number[]): Readonly<Record<string, AttrSpec>> => {
    const all = attrs(ranks);
    const out: Record<string, AttrSpec> = { ...all };
    for (const name of names) {
      const a = all[name];
      if (a?.kind === 'choice') out[name] = { ...a, choices: a.choices.filter((x) => x >= 0) };
      else if (a?.kind === 'axes') out[name] = { ...a, nonNegative: true };
    }
    return out;
  };
  return {
    attrs: declared,
    requires: (ctx) => {
      const ranks = ctx.inputs.map((x) => x?.shape.length ?? 0);
      const decls = declared(ranks);
      const negative = names.some((name) => axisValues(ctx, name, decls[name]).some((v) => v < 0));
      const own: BoolExpr = rule(`${names.join(' and ')} are not negative (before opset 11)`, negative ? FALSE : TRUE);
      return [own, ...(requires?.(ctx) ?? [])];
    },
  };
}
