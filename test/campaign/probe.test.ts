import { describe, expect, it } from 'vitest';
import { UnsupportedError, type BackendAdapter } from '../../src/backends/adapter.js';
import { loadProbe, probeBackend, saveProbe, withProbe } from '../../src/campaign/probe.js';
import { referenceCpuAdapter } from '../../src/backends/reference-cpu.js';
import { BUILTIN_SPECS } from '../../src/opspec/ops/index.js';
import { OpRegistry } from '../../src/opspec/registry.js';
import { runCli } from '../../src/cli/program.js';
import { captureIo, tempDir } from '../helpers.js';

// The ops the partial adapter treats specially, and two it runs plainly: probing every op x dtype of
// the registry is what 'backends --probe' below does.
const registry = new OpRegistry(BUILTIN_SPECS.filter((s) => ['Softsign', 'Tanh', 'Add', 'Sin', 'Cos', 'Relu'].includes(s.name)));

/**
 * ref-cpu that says it has no Softsign at all and no float64 Tanh (the way SUTs say it), whose Sin
 * throws something else on every instance (a bug, not a capability gap), and whose float32 Cos says
 * it does not implement the first instance's form and throws something else on the others.
 */
function partialAdapter(): BackendAdapter {
  const ref = referenceCpuAdapter();
  let cosInstances = 0;
  return {
    ...ref,
    name: 'partial',
    async describe() {
      return { name: 'partial', package: 'partial-sut', version: '2.0.0' };
    },
    async prepare(artifact) {
      const missing = artifact.model.nodes.find((n) => n.op === 'Softsign' || (n.op === 'Tanh' && n.outputs[0]!.dtype === 'float64'));
      if (missing) throw new UnsupportedError(`no kernel for ${missing.op}`);
      if (artifact.model.nodes.some((n) => n.op === 'Sin')) throw new Error('segmentation fault in the Sin kernel');
      if (artifact.model.nodes.some((n) => n.op === 'Cos' && n.outputs[0]!.dtype === 'float32')) {
        throw cosInstances++ === 0 ? new UnsupportedError('Only Cos of rank 2 is supported') : new Error('Cos kernel read out of bounds');
      }
      return ref.prepare(artifact);
    },
  };
}

describe('capability probing', () => {
  it('finds what a SUT lacks, caches it per version, and makes it unsupported', async () => {
    const adapter = partialAdapter();
    const probe = await probeBackend(adapter, registry);
    expect(probe.matrix.Softsign!.float32).toEqual({ supported: false, reason: 'no kernel for Softsign' });
    expect(probe.matrix.Tanh!.float64!.supported).toBe(false);
    expect(probe.matrix.Tanh!.float32!.supported).toBe(true);
    expect(probe.matrix.Add!.int32!.supported).toBe(true);
    // Failing every instance otherwise is a bug the fuzzer must still see.
    expect(probe.matrix.Sin!.float32!.supported).toBe(true);
    expect(probe.matrix.Sin!.float32!.reason).toMatch(/not only as a capability gap: segmentation fault/);
    // A gap in one form of an op (a rank) while other forms fail otherwise: the op is there, with a bug.
    expect(probe.matrix.Cos!.float32!.supported).toBe(true);
    expect(probe.matrix.Cos!.float32!.reason).toMatch(/read out of bounds; another said it does not implement: Only Cos of rank 2/);
    const dir = tempDir();
    saveProbe(dir, probe);
    const loaded = await loadProbe(dir, adapter);
    expect(loaded?.matrix).toEqual(probe.matrix);
    const refined = withProbe(adapter, loaded!, registry);
    expect(refined.supports('Softsign', ['float32'])).toBe(false);
    expect(refined.supports('Tanh', ['float64'])).toBe(false);
    expect(refined.supports('Tanh', ['float32'])).toBe(true);
    // Another version of the SUT has no cached probe.
    const upgraded = { ...adapter, describe: async () => ({ name: 'partial', package: 'partial-sut', version: '2.1.0' }) };
    expect(await loadProbe(dir, upgraded)).toBeUndefined();
  }, 60_000);

  it('backends --probe caches a matrix for every available built-in', async () => {
    const dir = tempDir();
    const io = captureIo();
    expect(await runCli(['backends', '--probe', '--cache-dir', dir], io)).toBe(0);
    expect(io.stderr()).toMatch(/ort-disabled: \d+ of \d+ op\/dtype pairs supported/);
    expect(io.stderr()).toMatch(/ref-cpu: (\d+) of \1 op\/dtype pairs supported/);
  }, 300_000);
});
