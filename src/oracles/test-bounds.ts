import { isFloatDType } from '../ir/dtype.js';
import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { errorBounds, type OpAllowances } from '../reference-runtime/bounds/error-bounds.js';
import { runReference } from '../reference-runtime/executor.js';

/** How the oracle judges float outputs: per-element error bounds (the default) or today's fixed rtol/atol. */
export type OracleKind = 'bounds' | 'fixed';
export const ORACLE_KINDS: readonly OracleKind[] = ['bounds', 'fixed'];

const NO_ALLOWANCES: OpAllowances = {};

/**
 * A test's error bounds, computed once per (model, inputs, SUT allowances) and kept while the test
 * is alive: every SUT of a campaign judges the same test, most with the same allowances.
 */
const cache = new WeakMap<Model, WeakMap<ReadonlyMap<string, Tensor>, Map<OpAllowances, Map<string, Float64Array>>>>();

export function testBounds(model: Model, inputs: ReadonlyMap<string, Tensor>, allowances: OpAllowances = NO_ALLOWANCES): Map<string, Float64Array> {
  let byInputs = cache.get(model);
  if (!byInputs) cache.set(model, (byInputs = new WeakMap()));
  let byAllowances = byInputs.get(inputs);
  if (!byAllowances) byInputs.set(inputs, (byAllowances = new Map()));
  let bounds = byAllowances.get(allowances);
  if (!bounds) {
    bounds = errorBounds(model, runReference(model, inputs), { allowances });
    byAllowances.set(allowances, bounds);
  }
  return bounds;
}

/**
 * The bounds of a test's float graph outputs as float64 tensors of their shapes (zeros for an exact
 * output): what a case folder's bounds.json holds for scripts that judge without tensorsmith.
 */
export function outputBounds(model: Model, inputs: ReadonlyMap<string, Tensor>, expected: ReadonlyMap<string, Tensor>): Map<string, Tensor> {
  const bounds = testBounds(model, inputs);
  const out = new Map<string, Tensor>();
  for (const [name, e] of expected) {
    if (!isFloatDType(e.dtype)) continue;
    out.set(name, { dtype: 'float64', shape: e.shape, data: bounds.get(name) ?? new Float64Array(e.data.length) });
  }
  return out;
}
