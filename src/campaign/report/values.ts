import type { DType } from '../../ir/dtype.js';
import type { Model } from '../../ir/model.js';
import { roundToDType } from '../../ir/float-format.js';
import { stridesOf, type Tensor } from '../../ir/tensor.js';
import { toleranceDtypes } from '../../oracles/precision.js';
import { TOLERANCES } from '../../oracles/tolerance.js';
import type { ReportElement, ReportInputPreview, ReportOutputWindow, ReportWorst } from './document.js';
import type { CaseBounds } from '../../store/tensors-file.js';

/** Elements shown per output: enough to see a pattern, few enough to read. */
export const WINDOW_ELEMENTS = 24;
/** Outputs shown per bug (the worst element's first). */
export const MAX_OUTPUTS = 4;
/** Values shown per model input: enough to recognise the data, few enough for one line. */
export const INPUT_PREVIEW_ELEMENTS = 16;

/**
 * Whether one element disagrees, judged as compareOutputs judges it: the reference rounded to the
 * output's dtype, non-finite values compared exactly, finite ones within the safety factor times
 * the element's error bound (bounds.json) or, without bounds, within atol * scale + rtol * |x|.
 */
function mismatches(dtype: string, allowed: (e: number) => number, expected: number, actual: number): boolean {
  const e = isDTypeName(dtype) ? roundToDType(dtype, expected) : expected;
  if (!Number.isFinite(e) || !Number.isFinite(actual)) return !((Number.isNaN(e) && Number.isNaN(actual)) || e === actual);
  return Math.abs(actual - e) > allowed(e);
}

function isDTypeName(d: string): d is DType {
  return d in TOLERANCES;
}

function windowOf(
  name: string,
  expected: Tensor,
  actual: Tensor | undefined,
  toleranceDtype: DType | undefined,
  worst: ReportWorst | undefined,
  bounds: CaseBounds | undefined,
): ReportOutputWindow {
  const size = expected.data.length;
  const comparable = actual !== undefined && actual.shape.length === expected.shape.length && actual.shape.every((d, i) => d === expected.shape[i]);
  const tolerance = toleranceDtype ?? (isDTypeName(expected.dtype) ? expected.dtype : 'float64');
  let scale = 1;
  for (const x of expected.data) if (Number.isFinite(x)) scale = Math.max(scale, Math.abs(x));
  const tol = TOLERANCES[tolerance];
  const isFloat = expected.dtype === 'float32' || expected.dtype === 'float64' || expected.dtype === 'float16';
  const bound = bounds && isFloat ? bounds.outputs.get(name) : undefined;
  const allowedAt = (i: number) => (e: number) =>
    bounds && isFloat ? bounds.safetyFactor * (bound?.data[i] ?? 0) + bounds.flushToZero : tol.atol * scale + tol.rtol * Math.abs(e);
  const isMismatch = (i: number) => comparable && mismatches(expected.dtype, allowedAt(i), expected.data[i]!, actual.data[i]!);
  let mismatchCount = 0;
  for (let i = 0; i < size; i++) if (isMismatch(i)) mismatchCount++;
  // Around the worst element when it is in this output (a third of the window before it), else the first elements.
  const center = worst && worst.output === name && worst.index < size ? worst.index : 0;
  const start = Math.max(0, Math.min(center - Math.floor(WINDOW_ELEMENTS / 3), size - WINDOW_ELEMENTS));
  const strides = stridesOf(expected.shape);
  const elements: ReportElement[] = [];
  for (let i = start; i < Math.min(size, start + WINDOW_ELEMENTS); i++) {
    const actualValue = comparable ? actual.data[i] : undefined;
    elements.push({
      index: i,
      position: strides.map((s, axis) => Math.floor(i / s) % expected.shape[axis]!),
      expected: expected.data[i]!,
      ...(actualValue !== undefined ? { actual: actualValue } : {}),
      mismatch: isMismatch(i),
    });
  }
  return {
    output: name,
    dtype: expected.dtype,
    shape: expected.shape,
    ...(actual && !comparable ? { actualShape: actual.shape } : {}),
    size,
    mismatches: mismatchCount,
    elements,
  };
}

/** Expected vs actual windows of a case's outputs, the output holding the worst element first. */
export function outputWindows(args: {
  model: Model | undefined;
  expected: ReadonlyMap<string, Tensor>;
  actual: ReadonlyMap<string, Tensor> | undefined;
  worst: ReportWorst | undefined;
  /** bounds.json, when the case was judged by error bounds. */
  bounds?: CaseBounds | undefined;
}): ReportOutputWindow[] {
  const { model, expected, actual, worst } = args;
  const tolerances = model ? toleranceDtypes(model) : new Map<string, DType>();
  const names = [...expected.keys()].sort((a, b) => Number(b === worst?.output) - Number(a === worst?.output));
  return names.slice(0, MAX_OUTPUTS).map((name) => windowOf(name, expected.get(name)!, actual?.get(name), tolerances.get(name), worst, args.bounds));
}

/**
 * The first values of each input of a test, in the model's input order (inputs.json is keyed by
 * name; a model input it lacks is left out, one the model does not name comes last).
 */
export function inputPreviews(model: Model | undefined, inputs: ReadonlyMap<string, Tensor>): ReportInputPreview[] {
  const declared = (model?.inputs ?? []).map((i) => i.name).filter((name) => inputs.has(name));
  const names = [...new Set([...declared, ...inputs.keys()])];
  return names.map((name) => {
    const t = inputs.get(name)!;
    return { name, dtype: t.dtype, shape: t.shape, size: t.data.length, values: Array.from(t.data.subarray(0, INPUT_PREVIEW_ELEMENTS)) };
  });
}
