import { isFloatDType, type DType } from '../ir/dtype.js';
import { floatFormat, roundToDType } from '../ir/float-format.js';
import type { ValueInfo } from '../ir/model.js';
import { stridesOf, type Tensor } from '../ir/tensor.js';
import { allowedDifference, TOLERANCES, toleranceScale, type Tolerance } from './tolerance.js';
import type { Verdict, WorstElement } from './verdict.js';

/**
 * How many times its error bound an element may be off: the bounds are worst cases for one correct
 * float32 computation, and SUTs order sums and fuse operations their own ways (measured by
 * bench/error-bounds.mjs; the README gives the distribution).
 */
export const SAFETY_FACTOR = 4;

/** Below the smallest normal float32, a SUT may flush to zero. */
export const FLUSH_TO_ZERO = 2 ** -126;

/** The difference allowed at an element with this error bound (of a float16 output: flushed below half's 2^-14). */
export function allowedByBound(bound: number, dtype?: DType): number {
  return SAFETY_FACTOR * bound + (dtype === 'float16' ? floatFormat('float16')!.minNormal : FLUSH_TO_ZERO);
}

/** A wrong value, with its bound when it was judged by one: "is 0.505, expected 0.5 ± 3e-7: 1.7e4 times the bound". */
export function wrongValueMessage(worst: WorstElement): string {
  const at = `output '${worst.output}'[${worst.position.join(', ')}]`;
  if (worst.bound === undefined) return `${at} is ${worst.actual}, expected ${worst.expected}`;
  if (worst.bound === 0) return `${at} is ${worst.actual}, expected exactly ${worst.expected} (a copy of exact values)`;
  const times = Number.isFinite(worst.errorRatio) ? worst.errorRatio * SAFETY_FACTOR : Infinity;
  return `${at} is ${worst.actual}, expected ${worst.expected} ± ${worst.bound.toPrecision(2)}: ${times.toPrecision(2)} times the bound`;
}


function position(shape: readonly number[], index: number): number[] {
  return stridesOf(shape).map((s, i) => Math.floor(index / s) % shape[i]!);
}

/**
 * Compares a SUT's outputs with the reference's. NaN/Inf where the other side is finite (or a
 * different non-finite value) is a nan-mismatch; finite values out of tolerance are a wrong-result.
 * The worst element is recorded either way.
 */
export function compareOutputs(args: {
  backend: string;
  outputs: readonly ValueInfo[];
  expected: ReadonlyMap<string, Tensor>;
  actual: ReadonlyMap<string, Tensor>;
  tolerances?: Readonly<Record<string, Tolerance>>;
  /** Per float output, the dtype whose tolerance applies (see toleranceDtypes); default its own. */
  toleranceDtypes?: ReadonlyMap<string, DType>;
  /**
   * Per-element error bounds (see errorBounds): when given, each float element is judged against
   * SAFETY_FACTOR times its bound (an output absent from them is exact) instead of the tolerances.
   */
  bounds?: ReadonlyMap<string, Float64Array>;
}): Verdict {
  const { backend, outputs, expected, actual } = args;
  let worst: WorstElement | undefined;
  let nanWorst: WorstElement | undefined;
  for (const info of outputs) {
    const e = expected.get(info.name)!;
    const a = actual.get(info.name);
    if (!a) return { kind: 'wrong-result', backend, message: `output '${info.name}' is missing` };
    if (a.shape.length !== e.shape.length || a.shape.some((d, i) => d !== e.shape[i])) {
      return {
        kind: 'wrong-result',
        backend,
        message: `output '${info.name}' has shape [${a.shape.join(', ')}], expected [${e.shape.join(', ')}]`,
      };
    }
    if (a.dtype !== info.dtype) {
      return { kind: 'wrong-result', backend, message: `output '${info.name}' has dtype ${a.dtype}, expected ${info.dtype}` };
    }
    const isFloat = isFloatDType(info.dtype);
    const tolDtype = (isFloat ? args.toleranceDtypes?.get(info.name) : undefined) ?? info.dtype;
    const tol = (args.tolerances ?? TOLERANCES)[tolDtype] ?? TOLERANCES[tolDtype];
    const scale = toleranceScale(e.data);
    const bounds = isFloat && args.bounds ? (args.bounds.get(info.name) ?? new Float64Array(e.data.length)) : undefined;
    for (let i = 0; i < e.data.length; i++) {
      const ev = roundToDType(info.dtype, e.data[i]!);
      const av = a.data[i]!;
      const element = (errorRatio: number): WorstElement => ({
        output: info.name,
        index: i,
        position: position(e.shape, i),
        expected: ev,
        actual: av,
        errorRatio,
        ...(bounds ? { bound: bounds[i]! } : {}),
      });
      if (!Number.isFinite(ev) || !Number.isFinite(av)) {
        const same = (Number.isNaN(ev) && Number.isNaN(av)) || ev === av;
        if (!same && !nanWorst) nanWorst = element(Infinity);
        continue;
      }
      const allowed = bounds ? allowedByBound(bounds[i]!, info.dtype) : allowedDifference(tol, scale, ev);
      const diff = Math.abs(av - ev);
      const ratio = allowed === 0 ? (diff === 0 ? 0 : Infinity) : diff / allowed;
      if (!worst || ratio > worst.errorRatio) worst = element(ratio);
    }
  }
  if (nanWorst) {
    return {
      kind: 'nan-mismatch',
      backend,
      message: `output '${nanWorst.output}'[${nanWorst.position.join(', ')}] is ${nanWorst.actual}, expected ${nanWorst.expected}`,
      worst: nanWorst,
    };
  }
  if (worst && worst.errorRatio > 1) {
    return {
      kind: 'wrong-result',
      backend,
      message: wrongValueMessage(worst),
      worst,
    };
  }
  return worst ? { kind: 'ok', backend, worst } : { kind: 'ok', backend };
}
