import { coneOf, type Model } from '../ir/model.js';
import { errorBounds } from '../reference-runtime/bounds/error-bounds.js';
import type { ReferenceResult } from '../reference-runtime/executor.js';
import type { UntrustedValue } from './clean.js';

/** Whether a value's bounds leave nothing to judge: an element no float32 computation pins down, or every element's bound as large as its value. */
function meaningless(values: ArrayLike<number>, bounds: Float64Array): string | undefined {
  let worst = 0;
  let all = values.length > 0;
  for (let i = 0; i < values.length; i++) {
    if (bounds[i] === Infinity) return `element ${i} (${values[i]}) has no error bound: a float32 computation of it can be anything`;
    const v = Math.abs(values[i]!);
    if (!(bounds[i]! > 0 && bounds[i]! >= v)) all = false;
    worst = Math.max(worst, bounds[i]!);
  }
  return all ? `every element's error bound (up to ${worst.toPrecision(2)}) is at least its value` : undefined;
}

/**
 * A test the error bounds say no SUT can be judged on: every graph output is a float one that a
 * correct float32 computation may get arbitrarily wrong, or wrong by as much as its values (an
 * integer or bool output, or one float output with something left to judge, keeps the test). Named
 * by the first node of the first output's cone whose own output already is meaningless (so that
 * the input search moves away from it).
 */
export function illConditioned(model: Model, run: ReferenceResult, bounds: ReadonlyMap<string, Float64Array> = errorBounds(model, run)): UntrustedValue | undefined {
  const judgeable = model.outputs.some((output) => {
    const b = bounds.get(output);
    const value = run.values.get(output);
    return !b || !value || !meaningless(value.data, b);
  });
  if (judgeable) return undefined;
  for (const output of model.outputs) {
    const cone = coneOf(model, [output]).nodes;
    for (const node of model.nodes) {
      if (!cone.includes(node)) continue;
      for (const o of node.outputs) {
        const ob = bounds.get(o.name);
        const ov = run.values.get(o.name);
        const why = ob && ov ? meaningless(ov.data, ob) : undefined;
        if (why) return { node: node.name, op: node.op, value: o.name, reason: 'ill-conditioned', detail: why };
      }
    }
  }
  return undefined;
}
