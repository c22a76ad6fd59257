import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/generator/rng.js';
import { firstUntrustedValue } from '../../src/inputsearch/clean.js';
import type { DType } from '../../src/ir/dtype.js';
import { castValues, type Tensor } from '../../src/ir/tensor.js';
import { interval, type Interval } from '../../src/opspec/interval.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import type { OpSpec } from '../../src/opspec/spec.js';
import { drawInstance, floatDtypeOf, isFloatDType, label, NUMERIC_RUNS, refill, runWith } from '../numeric-instances.js';

const registry = builtinRegistry();
const specs = registry.all();

/** The dtypes a spec's facts are checked in: a float one, and int32 where the op takes it. */
function dtypesOf(spec: OpSpec): DType[] {
  return [floatDtypeOf(spec), spec.dtypes.includes('int32') ? 'int32' : undefined].filter((d): d is DType => d !== undefined);
}

const cases = (keep: (spec: OpSpec) => boolean) =>
  specs.filter(keep).flatMap((s) => dtypesOf(s).map((d) => [`${label(s)} ${d}`, s, d] as const));

/** What a tensor holds, as an interval (integral for integers). */
function spanOf(t: Tensor): Interval {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of t.data) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  return interval(lo, hi, { integral: !isFloatDType(t.dtype) });
}

/** Whether x lies in the interval, up to float64 rounding of the bound's own computation. */
function within(x: number, r: Interval): boolean {
  const slack = (b: number) => 1e-12 * Math.max(1, Math.abs(b));
  return x >= r.lo - slack(r.lo) && x <= r.hi + slack(r.hi) && (r.integral !== true || Number.isInteger(x));
}

interface Checked {
  readonly inputs: readonly (Tensor | undefined)[];
  /** The node's outputs, by name. */
  readonly outputs: readonly (readonly [string, Tensor])[];
  readonly where: string;
}

/**
 * Draws instances of the spec in the dtype and calls check on each one the reference can judge (no
 * NaN, no value outside a domain, no integer overflow: those have facts of their own). Fails when no
 * instance was checked.
 */
async function eachInstance(
  spec: OpSpec,
  dtype: DType,
  what: string,
  check: (c: Checked) => void,
  prepare?: (values: Map<string, Tensor>, rng: Rng, firstInput: string) => void,
): Promise<void> {
  let checked = 0;
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), async (seed) => {
      const rng = new Rng(`${what}/${spec.name}/${dtype}/${seed}`);
      const instance = await drawInstance(registry, spec, dtype, rng);
      if (!instance) return;
      const node = instance.model.nodes[0]!;
      prepare?.(instance.values, rng.fork('prepare'), node.inputs[0]!);
      const { model, run } = runWith(registry, instance.model, instance.values);
      const untrusted = firstUntrustedValue(model, run, registry);
      if (untrusted && untrusted.reason !== 'near-discontinuity') return;
      const inputs = node.inputs.map((n) => (n === '' ? undefined : run.values.get(n)));
      const outputs = node.outputs.map((o) => [o.name, run.values.get(o.name)!] as const);
      const where = `${label(spec)} ${dtype} attrs ${JSON.stringify(node.attrs)} inputs ${JSON.stringify(inputs.map((t) => (t ? [...t.data] : null)))}`;
      check({ inputs, outputs, where });
      checked++;
    }),
    { numRuns: NUMERIC_RUNS },
  );
  expect(checked, `${label(spec)} ${dtype}: no instance was checked`).toBeGreaterThan(0);
}

describe('declared forward ranges', () => {
  it.each(cases((s) => s.numeric.range.forward !== undefined))('%s: every output lies in the range of its inputs', async (_l, spec, dtype) => {
    await eachInstance(spec, dtype, 'range', ({ inputs, outputs, where }) => {
      const range = spec.numeric.range.forward!(inputs.filter((t): t is Tensor => t !== undefined).map(spanOf));
      // The first output, or every one of an op that copies into each (Split).
      for (const [name, y] of spec.numeric.range.copies ? outputs : outputs.slice(0, 1)) {
        if (y.dtype === 'bool') continue;
        const bad = [...y.data].find((x) => !within(x, range));
        expect(bad, `${where}: ${name} holds ${bad}, outside [${range.lo}, ${range.hi}]${range.integral ? ' (integers)' : ''}`).toBeUndefined();
      }
    });
  });

  it.each(cases((s) => s.numeric.range.sameOperands !== undefined))('%s: with one value as both operands, outputs lie in its own range', async (_l, spec, dtype) => {
    await eachInstance(
      spec,
      dtype,
      'same',
      ({ inputs, outputs, where }) => {
        const [x, y] = inputs;
        if (!x || !y || x.shape.join() !== y.shape.join() || x.data.some((v, i) => v !== y.data[i])) return;
        const range = spec.numeric.range.sameOperands!(spanOf(x));
        const [name, z] = outputs[0]!;
        const bad = [...z.data].find((v) => !within(v, range));
        expect(bad, `${where}: ${name} holds ${bad}, outside [${range.lo}, ${range.hi}]`).toBeUndefined();
      },
      (values, _rng, first) => {
        // The second operand becomes a copy of the first where their shapes agree.
        const x = values.get(first);
        const second = [...values.keys()].find((k) => k !== first && values.get(k)!.shape.join() === x?.shape.join());
        if (x && second) values.set(second, x);
      },
    );
  });

  it.each(cases((s) => s.numeric.range.keepsZero === true))('%s: an exact zero in the first input stays zero', async (_l, spec, dtype) => {
    await eachInstance(
      spec,
      dtype,
      'zeros',
      ({ inputs, outputs, where }) => {
        const x = inputs[0]!;
        const [name, y] = outputs[0]!;
        // Elementwise positions line up only where the output has the first input's shape.
        if (y.shape.length !== x.shape.length || y.shape.some((d, i) => d !== x.shape[i])) return;
        x.data.forEach((v, i) => {
          if (v === 0) expect(y.data[i] === 0, `${where}: ${name}[${i}] is ${y.data[i]} for a zero input`).toBe(true);
        });
      },
      (values, rng, first) => {
        const x = values.get(first);
        if (x) values.set(first, refill(x, (_i, v) => (rng.bool(0.4) ? 0 : v)));
      },
    );
  });
});

/** The values an exact op may output: its inputs' elements of the output's dtype, their negations and zero as declared. */
function allowedValues(spec: OpSpec, inputs: readonly (Tensor | undefined)[], dtype: DType): Set<number> {
  const allowed = new Set<number>();
  const e = spec.numeric.exactness;
  for (const t of inputs) {
    if (!t || t.dtype !== dtype) continue;
    for (const x of t.data) {
      allowed.add(x);
      if (e.kind === 'copies' && e.negations) allowed.add(-x);
    }
  }
  if (e.kind === 'copies' && e.zero) allowed.add(0);
  return allowed;
}

describe('declared exactness', () => {
  const exact = specs.filter((s) => s.numeric.exactness.kind !== 'rounded' && floatDtypeOf(s) !== undefined);
  it.each(exact.map((s) => [label(s), s] as const))('%s: float outputs hold only what the facts allow', async (_l, spec) => {
    // float32: its inputs are float32 values, so any arithmetic would show as a value no input holds.
    const dtype = spec.dtypes.includes('float32') ? 'float32' : floatDtypeOf(spec)!;
    await eachInstance(spec, dtype, 'exact', ({ inputs, outputs, where }) => {
      const kind = spec.numeric.exactness.kind;
      for (const [name, y] of outputs) {
        if (kind === 'converted') {
          const expected = castValues(y.dtype, Float64Array.from(inputs[0]!.data));
          expect([...y.data], `${where}: ${name}`).toEqual([...expected]);
          continue;
        }
        if (!isFloatDType(y.dtype)) continue;
        if (kind === 'steps') {
          const bad = [...y.data].find((x) => !Number.isInteger(x));
          expect(bad, `${where}: ${name} holds ${bad}, not an integer`).toBeUndefined();
          continue;
        }
        const allowed = allowedValues(spec, inputs, y.dtype);
        const bad = [...y.data].find((x) => !allowed.has(x));
        expect(bad, `${where}: ${name} holds ${bad}, which no input (negated or zero, as declared) holds`).toBeUndefined();
      }
    });
  });
});
