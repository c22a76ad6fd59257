import { modelToOnnx } from '../export/to-onnx.js';
import type { Model } from '../ir/model.js';
import { makeTensor } from '../ir/tensor.js';
import { builtinRegistry } from '../opspec/ops/index.js';
import type { BackendAdapter } from './adapter.js';

export interface BackendStatus {
  readonly name: string;
  readonly package?: string;
  readonly version?: string;
  /** Where it runs, when that matters (a browser SUT: the browser and its WebGPU adapter). */
  readonly device?: string;
  readonly available: boolean;
  readonly reason?: string;
}

/** A one-node model every SUT that implements Relu on float32 must run: Relu of [-1, 2] is [0, 2]. */
export const SMOKE_MODEL: Model = {
  opset: 17,
  inputs: [{ name: 'x', dtype: 'float32', shape: [2] }],
  weights: [],
  nodes: [{ name: 'relu', op: 'Relu', inputs: ['x'], outputs: [{ name: 'y', dtype: 'float32', shape: [2] }], attrs: {} }],
  outputs: ['y'],
};

export const SMOKE_INPUTS = new Map([['x', makeTensor('float32', [2], [-1, 2])]]);
export const SMOKE_EXPECTED = new Map([['y', makeTensor('float32', [2], [0, 2])]]);

/**
 * Whether a SUT works here: it describes itself, and compiles and runs a one-node model correctly
 * (a Relu, when it claims to implement that; otherwise describing itself is all it can show).
 */
export async function backendStatus(adapter: BackendAdapter): Promise<BackendStatus> {
  const name = adapter.name;
  try {
    const d = await adapter.describe();
    const described = { name, package: d.package, version: d.version, ...(d.device !== undefined ? { device: d.device } : {}) };
    if (!adapter.supports('Relu', ['float32'])) return { ...described, available: true };
    const prepared = await adapter.prepare({ model: SMOKE_MODEL, onnx: modelToOnnx(SMOKE_MODEL, builtinRegistry()) });
    try {
      const out = await adapter.run(prepared, SMOKE_INPUTS);
      const y = out.get('y');
      if (!y || y.data[0] !== 0 || y.data[1] !== 2) return { ...described, available: false, reason: 'Relu of [-1, 2] did not give [0, 2]' };
    } finally {
      await adapter.release?.(prepared);
    }
    return { ...described, available: true };
  } catch (e) {
    return { name, available: false, reason: (e as Error).message.split('\n')[0]!.slice(0, 300) };
  }
}
