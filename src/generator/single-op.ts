import { randomTensor } from './values.js';
import type { Rng } from './rng.js';
import { isIntDType, type DType } from '../ir/dtype.js';
import { DEFAULT_OPSET, type Model } from '../ir/model.js';
import { generateModel, GenerationError } from './generate.js';
import type { OpSpec } from '../opspec/spec.js';
import { makeTensor, type Tensor } from '../ir/tensor.js';
import type { OpRegistry } from '../opspec/registry.js';

/**
 * Random values like randomTensor's, moved into the domain rules of the ops the input feeds (Acosh
 * wants x >= 1, Log x >= 1e-3, a divisor |x| >= 1e-3...) so that domain-restricted ops get judged at all.
 */
export function drawInput(
  registry: OpRegistry,
  model: Model,
  info: { name: string; dtype: DType; shape: readonly number[] },
  rng: Rng,
  range: number,
): Tensor {
  const t = randomTensor(rng, info.dtype, info.shape, range);
  if (info.dtype === 'bool') return t;
  const isInt = isIntDType(info.dtype);
  const drawn = isInt ? Math.ceil(range * 2) : range;
  let lo = -drawn;
  let hi = drawn;
  let minAbs = 0;
  for (const node of model.nodes) {
    for (const rule of registry.get(node.op, model.opset).domain ?? []) {
      if (node.inputs[rule.input] !== info.name) continue;
      if (rule.min !== undefined) lo = Math.max(lo, rule.min);
      if (rule.max !== undefined) hi = Math.min(hi, rule.max);
      if (rule.minAbs !== undefined) minAbs = Math.max(minAbs, rule.minAbs);
    }
  }
  if (lo === -drawn && hi === drawn && minAbs === 0) return t;
  if (lo > hi) hi = lo + drawn;
  const moved = Array.from(t.data, (x) => lo + ((x + drawn) / (2 * drawn)) * (hi - lo));
  const fitted = isInt ? moved.map((x) => Math.min(Math.max(Math.round(x), Math.ceil(lo)), Math.floor(hi))) : moved;
  // A divisor's |x| >= minAbs: values nearer zero go out to it, on their own side (an integer 0 to 1).
  const away = (x: number) => (Math.abs(x) >= minAbs ? x : (x < 0 ? -1 : 1) * (isInt ? Math.max(1, Math.ceil(minAbs)) : minAbs));
  return makeTensor(info.dtype, info.shape, minAbs > 0 ? fitted.map(away) : fitted);
}

/**
 * A random valid single-op instance of a spec (shapes and attributes drawn by the generator within
 * the spec's constraints), or undefined for a draw the generator could not complete.
 */
export async function singleOpModel(registry: OpRegistry, spec: OpSpec, dtype: DType, rng: Rng): Promise<Model | undefined> {
  // An opset where this very version is in force (Scatter-9 is gone by 17; ScatterElements-13 has no reduction).
  const opset = Math.min(Math.max(DEFAULT_OPSET, spec.sinceVersion), (spec.supersededAt ?? Infinity) - 1);
  try {
    // Rank 4 at most, as these per-op property tests always drew: the generator now favours ranks 5
    // and 6, on which no Resize draw of 80 reaches the int32 overflow its facts declare.
    // An op that makes a type of its own (QuantizeLinear's uint8) gets those types allowed too.
    const dtypes = [dtype, ...(spec.outputDtypes ?? []).filter((d) => d !== dtype)];
    return (await generateModel({ maxNodes: 1, ops: [spec.name], dtypes, opset, maxRank: 4 }, registry, rng.fork('model'))).model;
  } catch (e) {
    if (e instanceof GenerationError) return undefined;
    throw e;
  }
}
