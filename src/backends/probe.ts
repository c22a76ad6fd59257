import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { DType } from '../ir/dtype.js';
import { DEFAULT_OPSET, type Model } from '../ir/model.js';
import { modelToOnnx } from '../export/to-onnx.js';
import { generateModel, GenerationError } from '../generator/generate.js';
import { Rng } from '../generator/rng.js';
import { randomInputs } from '../generator/values.js';
import type { OpRegistry } from '../opspec/registry.js';
import { typeVariable } from '../opspec/context.js';
import type { BackendAdapter } from './adapter.js';
import { isCapabilityGap } from './capability.js';

/** op -> dtype of T -> supported, with the reason when not. */
export type SupportMatrix = Record<string, Record<string, { readonly supported: boolean; readonly reason?: string }>>;

export interface ProbeResult {
  readonly format: 'tensorsmith.probe/1';
  readonly backend: string;
  readonly package: string;
  readonly version: string;
  readonly opset: number;
  readonly matrix: SupportMatrix;
}

/** Instances tried per op and dtype: one success is enough to call the pair supported. */
const INSTANCES = 3;

/** The default cache folder: $XDG_CACHE_HOME/tensorsmith or ~/.cache/tensorsmith. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tensorsmith');
}

function cacheFile(cacheDir: string, d: { name: string; package: string; version: string }, opset: number): string {
  const safe = (s: string) => s.replace(/[^\w.-]+/g, '_');
  return join(cacheDir, `probe-${safe(d.name)}-${safe(d.package)}-${safe(d.version)}-opset${opset}.json`);
}

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

/**
 * Whether a SUT implements one op with its type variable T of one dtype: single-op models of it,
 * up to three; one that compiles and runs is enough. The pair is unsupported only when the SUT says
 * so (a capability-gap error, see isCapabilityGap) and no instance ran: an op that crashes or throws
 * something else on every instance is implemented, with a bug the fuzzer is there to report.
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
      ({ model } = await generateModel({ maxNodes: 1, ops: [op], dtypes: [dtype], opset }, registry, new Rng(`probe/${op}/${dtype}/${i}`)));
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
  if (reason !== undefined) return { supported: false, reason };
  return failure !== undefined ? { supported: true, reason: `every instance failed, not as a capability gap: ${failure}` } : { supported: false, reason: 'no instance could be generated' };
}

/**
 * Adds probed pairs to the cached probe of this SUT version (creating it): what a campaign learns
 * when a SUT says it does not implement something is kept for the next campaign.
 */
export function mergeIntoProbe(cacheDir: string, base: Omit<ProbeResult, 'matrix'>, pairs: SupportMatrix): string {
  const file = cacheFile(cacheDir, { name: base.backend, package: base.package, version: base.version }, base.opset);
  let matrix: SupportMatrix = {};
  if (existsSync(file)) {
    try {
      const cached = JSON.parse(readFileSync(file, 'utf8')) as ProbeResult;
      if (cached.format === 'tensorsmith.probe/1') matrix = cached.matrix;
    } catch {
      // A corrupt cache entry is rewritten from what is known now.
    }
  }
  for (const [op, row] of Object.entries(pairs)) matrix[op] = { ...(matrix[op] ?? {}), ...row };
  return saveProbe(cacheDir, { ...base, format: 'tensorsmith.probe/1', matrix });
}

export function saveProbe(cacheDir: string, probe: ProbeResult): string {
  mkdirSync(cacheDir, { recursive: true });
  const file = cacheFile(cacheDir, { name: probe.backend, package: probe.package, version: probe.version }, probe.opset);
  // Through a temporary sibling: two campaigns (--jobs) may write the same cache entry.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(probe, null, 1) + '\n');
  renameSync(tmp, file);
  return file;
}

/** The cached probe of this SUT, package version and opset, if there is one. */
export async function loadProbe(cacheDir: string, adapter: BackendAdapter, opset = DEFAULT_OPSET): Promise<ProbeResult | undefined> {
  const file = cacheFile(cacheDir, await adapter.describe(), opset);
  if (!existsSync(file)) return undefined;
  try {
    const probe = JSON.parse(readFileSync(file, 'utf8')) as ProbeResult;
    return probe.format === 'tensorsmith.probe/1' ? probe : undefined;
  } catch {
    return undefined;
  }
}

/** The adapter, refined by a probe: an op/dtype the probe found unsupported is unsupported. */
export function withProbe<P>(adapter: BackendAdapter<P>, probe: ProbeResult, registry: OpRegistry): BackendAdapter<P> {
  return {
    ...adapter,
    supports(op: string, dtypes: readonly DType[]) {
      if (!adapter.supports(op, dtypes)) return false;
      const spec = registry.find(op, probe.opset);
      const T = spec ? typeVariable(spec, dtypes.map((dtype) => ({ dtype }))) : dtypes[0];
      return probe.matrix[op]?.[T ?? '']?.supported !== false;
    },
  };
}
