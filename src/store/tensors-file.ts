import { stableStringify } from '../ir/json.js';
import type { Tensor } from '../ir/tensor.js';
import { tensorsFromJson, tensorsToJson } from '../ir/tensor-json.js';
import { writeFileAtomic } from './atomic.js';
import { describeValue, FieldReader, isRecord } from './fields.js';
import { readJsonFile } from './json-file.js';

/**
 * The tensor files of a case folder: inputs.json (what the model is fed), expected.json (the
 * reference's outputs) and actual.json (the SUT's outputs, or its error). Tensors are stored exactly:
 * base64 of their little-endian bytes (see ir/tensor-json.ts).
 */
export const INPUTS_FORMAT = 'tensorsmith.inputs/1';
export const OUTPUTS_FORMAT = 'tensorsmith.outputs/1';
export const BOUNDS_FORMAT = 'tensorsmith.bounds/1';

const REMEDY = 'regenerate the case folder or restore the file';

/** The top-level object of a tensor file, its format checked when it names one (hand-written input files may leave it out). */
function readTop(file: string, wants: string, format: string): { r: FieldReader; o: Record<string, unknown> } {
  const raw = readJsonFile(file);
  const r = new FieldReader(file, REMEDY);
  const o = isRecord(raw) ? raw : r.fail('the file', `a JSON object with ${wants}`, raw);
  if (o.format !== undefined) r.format(o, format, 'a tensorsmith tensor file');
  return { r, o };
}

/**
 * The text of a bounds.json file: per float graph output, the error bound of each element (float64),
 * and the oracle's rule: |actual - expected| <= safetyFactor * bound + flushToZero.
 */
export function boundsFileText(bounds: ReadonlyMap<string, Tensor>, rule: { safetyFactor: number; flushToZero: number }): string {
  return stableStringify({
    format: BOUNDS_FORMAT,
    note: 'per element, the error a correct float32 computation may have there; a SUT may be off by safetyFactor times it (plus flushToZero)',
    ...rule,
    outputs: tensorsToJson(bounds),
  });
}

/** The text of an inputs.json file. */
export function inputsFileText(inputs: ReadonlyMap<string, Tensor>): string {
  return stableStringify({ format: INPUTS_FORMAT, inputs: tensorsToJson(inputs) });
}

export function writeInputsFile(file: string, inputs: ReadonlyMap<string, Tensor>): void {
  writeFileAtomic(file, inputsFileText(inputs));
}

/** Reads an inputs.json file ({"format": "tensorsmith.inputs/1", "inputs": {name: tensor}}). */
export function readInputsFile(file: string): Map<string, Tensor> {
  const { o } = readTop(file, '"inputs" (named tensors)', INPUTS_FORMAT);
  return tensorsFromJson(o.inputs, file);
}

/** The text of an expected.json file: the reference's outputs. */
export function expectedFileText(outputs: ReadonlyMap<string, Tensor>): string {
  return stableStringify({
    format: OUTPUTS_FORMAT,
    note: 'reference runtime outputs (computed with float64 kernels, stored in each output dtype)',
    outputs: tensorsToJson(outputs),
  });
}

/** Reads an expected.json file: the reference's outputs by name. */
export function readExpectedFile(file: string): Map<string, Tensor> {
  const { o } = readTop(file, '"outputs" (named tensors)', OUTPUTS_FORMAT);
  return tensorsFromJson(o.outputs, file);
}

/** A bounds.json file: per float output, each element's error bound, and the rule that judges by them. */
export interface CaseBounds {
  readonly safetyFactor: number;
  readonly flushToZero: number;
  readonly outputs: Map<string, Tensor>;
}

/** Reads a bounds.json file. */
export function readBoundsFile(file: string): CaseBounds {
  const { r, o } = readTop(file, '"outputs" (named tensors)', BOUNDS_FORMAT);
  return { safetyFactor: r.number(o.safetyFactor, '"safetyFactor"'), flushToZero: r.number(o.flushToZero, '"flushToZero"'), outputs: tensorsFromJson(o.outputs, file) };
}

/** What a SUT gave: its outputs, or its error message. */
export type ActualOutcome = { readonly outputs: Map<string, Tensor> } | { readonly error: string };

/** The text of an actual.json file: what the SUT `backend` gave. */
export function actualFileText(backend: string, actual: ReadonlyMap<string, Tensor> | { readonly error: string }): string {
  const body = 'error' in actual && typeof actual.error === 'string' ? { error: actual.error } : { outputs: tensorsToJson(actual as ReadonlyMap<string, Tensor>) };
  return stableStringify({ format: OUTPUTS_FORMAT, backend, ...body });
}

/** Reads an actual.json file: the SUT's outputs, or the error it gave instead. */
export function readActualFile(file: string): ActualOutcome {
  const { r, o } = readTop(file, '"outputs" (named tensors) or "error"', OUTPUTS_FORMAT);
  if (o.backend !== undefined) r.string(o.backend, '"backend"');
  if (o.error !== undefined) {
    if (o.outputs !== undefined) r.fail('the file', `"outputs" or "error", not both (error is ${describeValue(o.error)})`);
    return { error: r.string(o.error, '"error"') };
  }
  return { outputs: tensorsFromJson(o.outputs, file) };
}
