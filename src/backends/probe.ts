import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    for (const dtype of spec.dtypes) {
      let reason: string | undefined;
      let supported = false;
      for (let i = 0; i < INSTANCES && !supported; i++) {
        let model: Model;
        try {
          ({ model } = await generateModel({ maxNodes: 1, ops: [spec.name], dtypes: [dtype], opset }, registry, new Rng(`probe/${spec.name}/${dtype}/${i}`)));
        } catch (e) {
          if (e instanceof GenerationError) continue;
          throw e;
        }
        try {
          const prepared = await adapter.prepare({ model, onnx: modelToOnnx(model, registry) });
          try {
            await adapter.run(prepared, randomInputs(model, new Rng(`probe-inputs/${i}`)));
            supported = true;
          } finally {
            await adapter.release?.(prepared);
          }
        } catch (e) {
          reason ??= (e as Error).message.split('\n')[0]!.slice(0, 300);
        }
      }
      row[dtype] = supported ? { supported } : { supported, reason: reason ?? 'no instance could be generated' };
    }
  }
  return { format: 'tensorsmith.probe/1', backend: adapter.name, package: d.package, version: d.version, opset, matrix };
}

export function saveProbe(cacheDir: string, probe: ProbeResult): string {
  mkdirSync(cacheDir, { recursive: true });
  const file = cacheFile(cacheDir, { name: probe.backend, package: probe.package, version: probe.version }, probe.opset);
  writeFileSync(file, JSON.stringify(probe, null, 1) + '\n');
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
