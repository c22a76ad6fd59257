import { describe, expect, it } from 'vitest';
import { expandBackendSets } from '../../src/backends/backend-sets.js';
import { referenceCpuAdapter } from '../../src/backends/reference-cpu.js';
import { BackendRegistry } from '../../src/backends/registry.js';
import { parseDtypes } from '../../src/cli/options.js';
import { DTYPES } from '../../src/ir/dtype.js';

/** A registry of stand-ins: two SUTs that run, one whose package is missing, a browser one, the reference. */
function registry(): BackendRegistry {
  const r = new BackendRegistry();
  const runs = (name: string) => () => ({ ...referenceCpuAdapter(), name, describe: async () => ({ name, package: 'stand-in', version: '1' }) });
  r.register('ort-all', runs('ort-all'));
  r.register('tfjs-cpu', runs('tfjs-cpu'));
  r.register('tfjs-node', () => ({
    ...referenceCpuAdapter(),
    name: 'tfjs-node',
    describe: async () => {
      throw new Error("Cannot find package '@tensorflow/tfjs-node'");
    },
  }));
  r.register('chrome-ort-wasm', runs('chrome-ort-wasm'));
  r.register('ref-cpu', referenceCpuAdapter);
  return r;
}

describe('--backends set names', () => {
  it('local is every Node SUT that runs here, the others skipped with their reason; never the reference', async () => {
    const skipped: string[] = [];
    const names = await expandBackendSets(['local'], registry(), (name, why) => skipped.push(`${name}: ${why}`));
    expect(names).toEqual(['ort-all', 'tfjs-cpu']);
    expect(skipped).toEqual(["tfjs-node: Cannot find package '@tensorflow/tfjs-node'"]);
  });

  it('browser and all add the SUTs in Chromium; a name given on its own passes through, once', async () => {
    expect(await expandBackendSets(['browser'], registry(), () => undefined)).toEqual(['chrome-ort-wasm']);
    expect(await expandBackendSets(['ref-cpu', 'all', 'tfjs-cpu'], registry(), () => undefined)).toEqual(['ref-cpu', 'ort-all', 'tfjs-cpu', 'chrome-ort-wasm']);
    // A SUT named on its own is the campaign's to refuse when it cannot run.
    expect(await expandBackendSets(['tfjs-node'], registry(), () => undefined)).toEqual(['tfjs-node']);
  });

  it('--dtypes all is every dtype the generator supports', () => {
    expect(parseDtypes('all')).toEqual([...DTYPES]);
    expect(() => parseDtypes('all,int8')).toThrow(/unknown dtype 'all'/);
  });
});
