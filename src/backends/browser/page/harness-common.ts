// Pieces both page harnesses share. Runs in the browser page.
import type { ErrorScopedDevice } from '../../tfjs/gpu-errors.js';
import { PAGE_BROKEN } from './wire.js';

/** The first WebGPU adapter's description ("google swiftshader"), or why there is none. */
export async function describeAdapter(): Promise<string> {
  const gpu = (navigator as { gpu?: GPU }).gpu;
  if (!gpu) throw new Error('this browser offers no WebGPU (navigator.gpu is missing); launch it with --enable-unsafe-webgpu');
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('navigator.gpu.requestAdapter() found no WebGPU adapter in this browser');
  const info = adapter.info;
  return ['WebGPU', info.vendor, info.architecture, info.device, info.description].filter((s) => s !== '').join(' ');
}

/** A GPU device with a check that throws once it was lost other than by being destroyed on purpose. */
export interface GuardedDevice {
  readonly device: ErrorScopedDevice;
  /** Throws a page-broken error after an unexpected loss: the page is replaced, as a crashed renderer is. */
  readonly checkLost: () => void;
}

const guarded = new WeakMap<ErrorScopedDevice, GuardedDevice>();

export function guardedDevice(device: ErrorScopedDevice): GuardedDevice {
  let g = guarded.get(device);
  if (!g) {
    let lost: string | undefined;
    void device.lost.then((info) => {
      // 'destroyed': its owner (onnxruntime, releasing its last session) destroyed it on purpose.
      if (info.reason !== 'destroyed') lost = `${info.reason}: ${info.message}`;
    });
    g = {
      device,
      checkLost: () => {
        if (lost !== undefined) throw new Error(`${PAGE_BROKEN}WebGPU device lost (${lost})`);
      },
    };
    guarded.set(device, g);
  }
  return g;
}

/** Handles for what a harness prepared. */
export class Handles<T> {
  private readonly items = new Map<number, T>();
  private next = 1;

  add(item: T): number {
    const handle = this.next++;
    this.items.set(handle, item);
    return handle;
  }

  get(handle: number): T {
    const item = this.items.get(handle);
    if (item === undefined) throw new Error(`no prepared model with handle ${handle} in this page`);
    return item;
  }

  take(handle: number): T | undefined {
    const item = this.items.get(handle);
    this.items.delete(handle);
    return item;
  }
}
