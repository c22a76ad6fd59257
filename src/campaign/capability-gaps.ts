import type { BackendAdapter } from '../backends/adapter.js';
import { mergeIntoProbe, probePair, type SupportMatrix } from './probe.js';
import type { Model } from '../ir/model.js';
import { opDtypePairs } from '../opspec/context.js';
import type { OpRegistry } from '../opspec/registry.js';

/**
 * Capability gaps learned during a campaign. When a SUT says by an error that it does not implement
 * something, each op/dtype pair of the test's model not known yet is probed on it (single-op models,
 * as `backends --probe` does), and the answers are kept, in memory and in the probe cache of that SUT
 * version. Later tests that use an unsupported pair are not run on that SUT.
 */
export class CapabilityGaps {
  private readonly known = new Map<string, Map<string, { supported: boolean; reason?: string }>>();

  constructor(
    private readonly registry: OpRegistry,
    private readonly cacheDir: string | undefined,
  ) {}

  /** The first pair of the model the SUT is known not to implement ("Op(dtype)"), and what the SUT said. */
  unsupportedIn(sut: string, model: Model): { pair: string; reason: string } | undefined {
    const row = this.known.get(sut);
    if (!row) return undefined;
    for (const p of opDtypePairs(model, this.registry)) {
      const k = row.get(`${p.op}/${p.dtype}`);
      if (k && !k.supported) return { pair: `${p.op}(${p.dtype})`, reason: k.reason ?? 'not implemented' };
    }
    return undefined;
  }

  /**
   * Probes the model's pairs not known yet on the SUT, and says which one it does not implement
   * (and what the SUT said), if the probes find one. The adapter's worker may be left broken: the
   * caller starts the next test on a fresh one.
   */
  async explain(adapter: BackendAdapter, model: Model): Promise<{ pair: string; reason: string } | undefined> {
    let row = this.known.get(adapter.name);
    if (!row) this.known.set(adapter.name, (row = new Map()));
    const learned: SupportMatrix = {};
    for (const p of opDtypePairs(model, this.registry)) {
      const key = `${p.op}/${p.dtype}`;
      if (row.has(key)) continue;
      const answer = await probePair(adapter, this.registry, { op: p.op, dtype: p.dtype, opset: model.opset });
      row.set(key, answer);
      (learned[p.op] ??= {})[p.dtype] = answer;
    }
    if (this.cacheDir && Object.keys(learned).length > 0) {
      const d = await adapter.describe();
      mergeIntoProbe(this.cacheDir, { format: 'tensorsmith.probe/1', backend: adapter.name, package: d.package, version: d.version, opset: model.opset }, learned);
    }
    return this.unsupportedIn(adapter.name, model);
  }
}
