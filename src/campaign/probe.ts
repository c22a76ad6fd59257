import type { DType } from '../ir/dtype.js';
import { DEFAULT_OPSET, type Model } from '../ir/model.js';
import { modelToOnnx } from '../export/to-onnx.js';
import { generateModel, GenerationError } from '../generator/generate.js';
import { Rng } from '../generator/rng.js';
import { randomInputs } from '../generator/values.js';
import type { OpRegistry } from '../opspec/registry.js';
import { typeVariable } from '../opspec/context.js';
import type { BackendAdapter } from '../backends/adapter.js';
import { isCapabilityGap } from '../backends/capability.js';
import { PROBE_FORMAT, readProbeCache, writeProbeCache, type ProbeResult, type SupportMatrix } from '../store/probe-cache.js';

export type { ProbeResult, SupportMatrix } from '../store/probe-cache.js';

/** Instances tried per op and dtype: one success is enough to call the pair supported. */
const INSTANCES = 3;

/**
 * Runs single-op models of every op x dtype on a SUT. A pair whose every instance fails to compile
 * or run is unsupported (the first error is the reason); one that ran once is supported, and its
 * other failures are left for the fuzzer to report as bugs.
 */
export async function probeBackend(adapter: BackendAdapter, registry: OpRegistry, opset = DEFAULT_OPSET): Promise<ProbeResult> {
  const d = await adapter.describe();
  const matrix: SupportMatrix = {};
  for (const spec of registry.all(opset)) {
    const row: SupportMatrix[string] = (matrix[spec.name] = {});
    for (const dtype of spec.dtypes) row[dtype] = await probePair(adapter, registry, { op: spec.name, dtype, opset });
  }
  return { format: 'tensorsmith.probe/1', backend: adapter.name, package: d.package, version: d.version, opset, matrix };
}

/** The dtypes a probe of one pair lets the generator use: T's, and the output types the op fixes (QuantizeLinear's uint8). */
function probeDtypes(registry: OpRegistry, op: string, dtype: DType, opset: number): DType[] {
  const fixed = registry.find(op, opset)?.outputDtypes ?? [];
  return [dtype, ...fixed.filter((d) => d !== dtype)];
}

/**
 * Whether a SUT implements one op with its type variable T of one dtype: single-op models of it,
 * up to three; one that compiles and runs is enough. The pair is unsupported only when the SUT says
 * so (a capability-gap error, see isCapabilityGap) of every instance that failed and none ran: an op
 * that crashes or throws something else on an instance is implemented, with a bug the fuzzer is there
 * to report.
 */
export async function probePair(
  adapter: BackendAdapter,
  registry: OpRegistry,
  pair: { readonly op: string; readonly dtype: DType; readonly opset: number },
): Promise<{ readonly supported: boolean; readonly reason?: string }> {
  const { op, dtype, opset } = pair;
  let reason: string | undefined;
  let failure: string | undefined;
  for (let i = 0; i < INSTANCES; i++) {
    let model: Model;
    try {
      ({ model } = await generateModel({ maxNodes: 1, ops: [op], dtypes: probeDtypes(registry, op, dtype, opset), opset }, registry, new Rng(`probe/${op}/${dtype}/${i}`)));
    } catch (e) {
      if (e instanceof GenerationError) continue;
      throw e;
    }
    try {
      const prepared = await adapter.prepare({ model, onnx: modelToOnnx(model, registry) });
      try {
        await adapter.run(prepared, randomInputs(model, new Rng(`probe-inputs/${i}`)));
        return { supported: true };
      } finally {
        await adapter.release?.(prepared);
      }
    } catch (e) {
      const message = (e as Error).message.split('\n')[0]!.slice(0, 300);
      if (isCapabilityGap(e)) reason ??= message;
      else failure ??= message;
    }
  }
  // An instance that failed otherwise got past the SUT's capability checks: the op is there, and
  // the gap another instance met is one of its forms (a rank, an attribute), said again by each test
  // that has it. Taking the whole pair for unsupported would hide that op's bugs from every campaign.
  if (failure !== undefined) {
    const gap = reason !== undefined ? `; another said it does not implement: ${reason}` : '';
    return { supported: true, reason: `every instance failed, not only as a capability gap: ${failure}${gap}` };
  }
  return reason !== undefined ? { supported: false, reason } : { supported: false, reason: 'no instance could be generated' };
}

/**
 * Adds probed pairs to the cached probe of this SUT version (creating it): what a campaign learns
 * when a SUT says it does not implement something is kept for the next campaign.
 */
export function mergeIntoProbe(cacheDir: string, base: Omit<ProbeResult, 'matrix'>, pairs: SupportMatrix): string {
  let matrix: SupportMatrix = {};
  try {
    matrix = readProbeCache(cacheDir, { name: base.backend, package: base.package, version: base.version }, base.opset)?.matrix ?? {};
  } catch {
    // A damaged cache entry is about to be replaced: it is rewritten from what is known now.
  }
  for (const [op, row] of Object.entries(pairs)) matrix[op] = { ...(matrix[op] ?? {}), ...row };
  return saveProbe(cacheDir, { ...base, format: PROBE_FORMAT, matrix });
}

export function saveProbe(cacheDir: string, probe: ProbeResult): string {
  return writeProbeCache(cacheDir, probe);
}

/** The cached probe of this SUT, package version and opset, if there is one; a damaged one is a UserError naming it. */
export async function loadProbe(cacheDir: string, adapter: BackendAdapter, opset = DEFAULT_OPSET): Promise<ProbeResult | undefined> {
  return readProbeCache(cacheDir, await adapter.describe(), opset);
}

/** The adapter, refined by a probe: an op/dtype the probe found unsupported is unsupported. */
export function withProbe<P>(adapter: BackendAdapter<P>, probe: ProbeResult, registry: OpRegistry): BackendAdapter<P> {
  return {
    ...adapter,
    supports(op: string, dtypes: readonly DType[], opset?: number) {
      if (!adapter.supports(op, dtypes, opset ?? probe.opset)) return false;
      const spec = registry.find(op, probe.opset);
      const T = spec ? typeVariable(spec, dtypes.map((dtype) => ({ dtype }))) : dtypes[0];
      return probe.matrix[op]?.[T ?? '']?.supported !== false;
    },
  };
}
