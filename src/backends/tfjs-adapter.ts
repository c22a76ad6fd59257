import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { DType } from '../ir/dtype.js';
import type { Model, TensorMap } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import type { BackendAdapter, BackendDescription, ModelArtifact } from './adapter.js';
import { tfjsKnownBug, tfjsKnownDeviation } from './tfjs/deviations.js';
import { materialize, runProgram, type TfjsProgram } from './tfjs/materialize.js';
import type { TF } from './tfjs/ops/kernel.js';
import { tfjsKernelOf, tfjsSupports, tfjsUnsupportedNode } from './tfjs/support.js';
import { withGpuErrors } from './tfjs/gpu-errors.js';
import { WGSL_PRECISION } from './wgsl-precision.js';

/** tfjs-node ('node', tfjs's 'tensorflow' backend) is an optional dependency: available only where it installs. */
export const TFJS_BACKENDS = ['cpu', 'wasm', 'webgpu', 'node'] as const;
export type TfjsBackendName = (typeof TFJS_BACKENDS)[number];

const require = createRequire(import.meta.url);

function packageVersion(): string {
  return (require('@tensorflow/tfjs/package.json') as { version: string }).version;
}

let tfPromise: Promise<TF> | undefined;
const backendReady = new Map<TfjsBackendName, Promise<void>>();

/** Loads @tensorflow/tfjs once, on first use (importing tensorsmith does not load it). */
async function loadTf(): Promise<TF> {
  tfPromise ??= import('@tensorflow/tfjs').then((tf) => {
    // Quiet the "hi there, use tfjs-node" banner and keep results deterministic.
    tf.env().set('IS_TEST', true);
    return tf;
  });
  return tfPromise;
}

/** Registers (once) and initializes the named tfjs backend. */
async function initBackend(tf: TF, name: TfjsBackendName): Promise<void> {
  let ready = backendReady.get(name);
  if (!ready) {
    ready = (async () => {
      if (name === 'wasm') {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
        wasm.setWasmPaths(join(dist, '/'));
      } else if (name === 'webgpu') {
        const g = globalThis as { navigator?: { gpu?: unknown } };
        if (!g.navigator?.gpu) {
          const { create, globals } = (await import('webgpu')) as { create: (options: string[]) => unknown; globals: Record<string, unknown> };
          Object.assign(globalThis, globals);
          Object.defineProperty(globalThis, 'navigator', { value: { ...(g.navigator ?? {}), gpu: create([]) }, configurable: true, writable: true });
        }
        await import('@tensorflow/tfjs-backend-webgpu');
      } else if (name === 'node') {
        // Optional: its install downloads libtensorflow, which not every machine can.
        const optional = '@tensorflow/tfjs-node';
        try {
          await import(optional);
        } catch (e) {
          throw new Error(
            `@tensorflow/tfjs-node is not installed here (${(e as Error).message.split('\n')[0]}); npm install @tensorflow/tfjs-node where libtensorflow can be downloaded`,
            { cause: e },
          );
        }
      }
      if (!(await tf.setBackend(engineName(name)))) throw new Error(`tfjs backend '${name}' failed to initialize`);
      await tf.ready();
    })();
    backendReady.set(name, ready);
  }
  await ready;
  if (tf.getBackend() !== engineName(name) && !(await tf.setBackend(engineName(name)))) throw new Error(`tfjs backend '${name}' failed to initialize`);
}

/** tfjs's own name of the backend: tfjs-node registers itself as 'tensorflow'. */
function engineName(name: TfjsBackendName): string {
  return name === 'node' ? 'tensorflow' : name;
}

/** The GPU device of tfjs's current backend, when it is the WebGPU one. */
function gpuDevice(tf: TF): GPUDevice | undefined {
  const backend: unknown = tf.backend();
  if (backend === null || typeof backend !== 'object' || !('device' in backend)) return undefined;
  const device: unknown = backend.device;
  return device !== null && typeof device === 'object' && 'pushErrorScope' in device ? (device as GPUDevice) : undefined;
}

/** Runs a tfjs call; on the WebGPU backend, a WebGPU error raised meanwhile is the call's error. */
function guarded<T>(tf: TF, backend: TfjsBackendName, call: () => Promise<T>): Promise<T> {
  const device = backend === 'webgpu' ? gpuDevice(tf) : undefined;
  return device ? withGpuErrors(device, call) : call();
}

/** TensorFlow.js on one of its backends, running models materialized as tfjs op calls. */
export function tfjsAdapter(backend: TfjsBackendName): BackendAdapter<TfjsProgram> {
  const name = `tfjs-${backend}`;
  return {
    name,
    async describe(): Promise<BackendDescription> {
      return { name, package: '@tensorflow/tfjs', version: packageVersion() };
    },
    supports: (op: string, dtypes: readonly DType[]) => tfjsSupports(op, dtypes),
    kernelOf: tfjsKernelOf,
    // tfjs-webgpu computes these ops with WGSL builtins, whose accuracy WGSL bounds loosely.
    ...(backend === 'webgpu' ? { precision: WGSL_PRECISION } : {}),
    async prepare(artifact: ModelArtifact) {
      const tf = await loadTf();
      await initBackend(tf, backend);
      return guarded(tf, backend, async () => materialize(tf, artifact.model));
    },
    async run(program, inputs: TensorMap): Promise<Map<string, Tensor>> {
      const tf = await loadTf();
      await initBackend(tf, backend);
      return guarded(tf, backend, () => runProgram(tf, program, inputs));
    },
    async release(program) {
      program.dispose();
    },
    // The fused kernels (tf.fused.conv2d, depthwiseConv2d, matMul with their bias and activation) the
    // materializer ran chains of the model as: tfjs's counterpart of an optimizer's rewrites.
    rewritesOf: (program) => program.fusedKernels,
    // Attribute combinations (and outputs' dtypes) tfjs cannot express, then recorded tfjs bugs:
    // unsupported, not (again) a bug.
    knownDeviation: (model: Model) => tfjsUnsupportedNode(model) ?? tfjsKnownDeviation(backend, model),
    knownBug: (model: Model) => tfjsKnownBug(backend, model),
  };
}
