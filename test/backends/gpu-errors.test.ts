import { describe, expect, it } from 'vitest';
import { withGpuErrors, type ErrorScopedDevice } from '../../src/backends/tfjs/gpu-errors.js';

/** A GPUDevice stand-in: its validation scope catches `error`, and it can report an uncaptured one. */
function fakeDevice(scoped: { validation?: string } = {}) {
  const scopes: string[] = [];
  const listeners: ((e: { error: { message: string } }) => void)[] = [];
  let lost: (info: { reason: string; message: string }) => void = () => {};
  const device: ErrorScopedDevice = {
    pushErrorScope: (filter: string) => void scopes.push(filter),
    popErrorScope: async () => {
      const filter = scopes.pop();
      return filter === 'validation' && scoped.validation ? { message: scoped.validation } : null;
    },
    addEventListener: (_type: string, f: (e: { error: { message: string } }) => void) => void listeners.push(f),
    lost: new Promise<{ reason: string; message: string }>((resolve) => (lost = resolve)),
  };
  return {
    device,
    uncaptured: (message: string) => listeners.forEach((f) => f({ error: { message } })),
    lose: (message: string) => lost({ reason: 'unknown', message }),
    scopes,
  };
}

describe('WebGPU errors while a test runs', () => {
  it("become the test's error, first line only, with the scopes balanced", async () => {
    const fake = fakeDevice({ validation: "Error while parsing WGSL: :146:41 error: type mismatch\n  setOutputAtIndex(index, value);" });
    await expect(withGpuErrors(fake.device, async () => 42)).rejects.toThrow(/^WebGPU validation error: Error while parsing WGSL: :146:41 error: type mismatch$/);
    expect(fake.scopes).toEqual([]);
  });

  it('include errors the device reports uncaptured meanwhile, and a lost device', async () => {
    const fake = fakeDevice();
    await expect(withGpuErrors(fake.device, async () => fake.uncaptured('Invalid ComputePipeline'))).rejects.toThrow(/WebGPU error: Invalid ComputePipeline/);
    fake.lose('the GPU process crashed');
    await new Promise((r) => setTimeout(r, 0));
    await expect(withGpuErrors(fake.device, async () => 1)).rejects.toThrow(/device lost/);
  });

  it("leave the call's own error when the scopes cannot be popped (the instance was dropped), and refuse its result otherwise", async () => {
    const dropped = (): ErrorScopedDevice => ({
      ...fakeDevice().device,
      popErrorScope: () => Promise.reject(new Error('OperationError: Instance dropped in popErrorScope')),
    });
    await expect(
      withGpuErrors(dropped(), async () => {
        throw new Error('Where for rank 5 is not yet supported');
      }),
    ).rejects.toThrow(/^Where for rank 5 is not yet supported$/);
    await expect(withGpuErrors(dropped(), async () => 1)).rejects.toThrow(/could not be collected \(OperationError: Instance dropped in popErrorScope\)/);
  });

  it('pass the result through when the device is quiet', async () => {
    expect(await withGpuErrors(fakeDevice().device, async () => 'ok')).toBe('ok');
  });
});
