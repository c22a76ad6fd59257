import type { DType } from '../ir/dtype.js';
import type { ValueInfo } from '../ir/model.js';
import { stridesOf, type Tensor } from '../ir/tensor.js';
import { allowedDifference, TOLERANCES, toleranceScale, type Tolerance } from './tolerance.js';
import type { Verdict, WorstElement } from './verdict.js';

/** The value a float32 (or float64) SUT should produce for a float64 reference value. */
function roundTo(dtype: string, x: number): number {
  return dtype === 'float32' ? Math.fround(x) : x;
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
    const isFloat = info.dtype === 'float32' || info.dtype === 'float64';
    const tolDtype = (isFloat ? args.toleranceDtypes?.get(info.name) : undefined) ?? info.dtype;
    const tol = (args.tolerances ?? TOLERANCES)[tolDtype] ?? TOLERANCES[tolDtype];
    const scale = toleranceScale(e.data);
    for (let i = 0; i < e.data.length; i++) {
      const ev = roundTo(info.dtype, e.data[i]!);
      const av = a.data[i]!;
      const element = (errorRatio: number): WorstElement => ({
        output: info.name,
        index: i,
        position: position(e.shape, i),
        expected: ev,
        actual: av,
        errorRatio,
      });
      if (!Number.isFinite(ev) || !Number.isFinite(av)) {
        const same = (Number.isNaN(ev) && Number.isNaN(av)) || ev === av;
        if (!same && !nanWorst) nanWorst = element(Infinity);
        continue;
      }
      const allowed = allowedDifference(tol, scale, ev);
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
      message: `output '${worst.output}'[${worst.position.join(', ')}] is ${worst.actual}, expected ${worst.expected}`,
      worst,
    };
  }
  return worst ? { kind: 'ok', backend, worst } : { kind: 'ok', backend };
}
