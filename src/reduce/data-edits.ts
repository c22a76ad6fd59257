import type { Tensor } from '../ir/tensor.js';
import type { OpRegistry } from '../opspec/registry.js';
import type { Candidate, Edit } from './candidate.js';
import { simplifyValues, sliceAxis, tensorOf, VALUE_SIMPLIFICATIONS, withTensors } from './tensor-edits.js';
import { dataTensorNames, reinferTypes } from './types.js';

const DIM_STEPS: readonly ((d: number) => number)[] = [() => 1, (d) => Math.ceil(d / 2), (d) => d - 1];

/** Smaller dims of the data inputs and weights: to 1, halved, decremented. */
export function dimEdits(candidate: Candidate, registry: OpRegistry): Edit[] {
  const edits: Edit[] = [];
  for (const name of dataTensorNames(candidate.model, registry)) {
    const rank = tensorOf(candidate, name)?.shape.length ?? 0;
    for (let axis = 0; axis < rank; axis++) {
      for (const step of DIM_STEPS) edits.push((current) => shrinkDim(current, registry, name, axis, step));
    }
  }
  return edits;
}

/**
 * Shrinks one dim, slicing the data. Broadcasting and matching dims tie dims of different tensors
 * together, so when the dim alone cannot shrink, the same-sized dims at the same position from the
 * right in the other data tensors shrink with it, and failing that every same-sized dim of them.
 */
function shrinkDim(current: Candidate, registry: OpRegistry, name: string, axis: number, step: (d: number) => number): Candidate | undefined {
  const t = tensorOf(current, name);
  if (!t || axis >= t.shape.length) return undefined;
  const size = t.shape[axis]!;
  const target = step(size);
  if (target < 1 || target >= size) return undefined;
  const others = dataTensorNames(current.model, registry).map((n) => ({ name: n, tensor: tensorOf(current, n)! }));
  const fromRight = t.shape.length - axis;
  const aligned = others.flatMap((o) => {
    const a = o.tensor.shape.length - fromRight;
    return a >= 0 && o.tensor.shape[a] === size ? [{ name: o.name, axes: [a] }] : [];
  });
  const everywhere = others.flatMap((o) => {
    const axes = o.tensor.shape.flatMap((d, a) => (d === size ? [a] : []));
    return axes.length > 0 ? [{ name: o.name, axes }] : [];
  });
  for (const group of [[{ name, axes: [axis] }], aligned, everywhere]) {
    const resized = resize(current, registry, group, target);
    if (resized) return resized;
  }
  return undefined;
}

function resize(current: Candidate, registry: OpRegistry, group: readonly { name: string; axes: readonly number[] }[], target: number): Candidate | undefined {
  const replacements = new Map<string, Tensor>();
  for (const { name, axes } of group) {
    let t = tensorOf(current, name)!;
    for (const a of axes) t = sliceAxis(t, a, target);
    replacements.set(name, t);
  }
  const edited = withTensors(current, replacements);
  const model = reinferTypes(edited.model, registry);
  return model ? { model, inputs: edited.inputs } : undefined;
}

/** Simpler values for each data input and weight (see simplifyValues), simplest first. */
export function valueEdits(candidate: Candidate, registry: OpRegistry): Edit[] {
  return dataTensorNames(candidate.model, registry).flatMap((name) =>
    VALUE_SIMPLIFICATIONS.map((how): Edit => (current) => {
      const now = tensorOf(current, name);
      const simpler = now && simplifyValues(now, how);
      return simpler ? withTensors(current, new Map([[name, simpler]])) : undefined;
    }),
  );
}
