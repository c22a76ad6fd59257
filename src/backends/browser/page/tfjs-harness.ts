// The page side of the TensorFlow.js SUT: tensorsmith's tfjs materializer (the same modules the
// Node adapter runs) on the tfjs build and backend the page loaded with <script> tags. Runs in the
// browser page.
import { withGpuErrors, type ErrorScopedDevice } from '../../tfjs/gpu-errors.js';
import { materialize, runProgram, type TfjsProgram } from '../../tfjs/materialize.js';
import type { TF } from '../../tfjs/ops/kernel.js';
import { describeAdapter, guardedDevice, Handles } from './harness-common.js';
import { decodeModel, decodeTensor, encodeTensor, type HarnessInfo, type PageHarness } from './wire.js';

export interface TfjsPageConfig {
  /** The tfjs backend to run on ('webgpu'). */
  readonly backend: string;
}

export async function installTfjsHarness(config: TfjsPageConfig): Promise<{ harness: PageHarness; info: HarnessInfo }> {
  const tf = (globalThis as { tf?: TF }).tf;
  if (!tf) throw new Error('the page has no global tf: its <script> tags did not load @tensorflow/tfjs');
  tf.env().set('IS_TEST', true);
  const described = config.backend === 'webgpu' ? await describeAdapter() : config.backend;
  if (!(await tf.setBackend(config.backend))) throw new Error(`tfjs backend '${config.backend}' failed to initialize in the page`);
  await tf.ready();
  const backend: unknown = tf.backend();
  const device = backend !== null && typeof backend === 'object' && 'device' in backend ? (backend.device as ErrorScopedDevice) : undefined;
  const gpu = device ? guardedDevice(device) : undefined;
  const guarded = <T>(call: () => Promise<T>): Promise<T> => {
    if (!gpu) return call();
    gpu.checkLost();
    return withGpuErrors(gpu.device, call);
  };
  const programs = new Handles<TfjsProgram>();
  const harness: PageHarness = {
    async prepare(request) {
      if (request.model === undefined) throw new Error('the tfjs harness needs the model');
      const model = decodeModel(request.model);
      const program = await guarded(async () => materialize(tf, model));
      return { handle: programs.add(program), rewrites: [...program.fusedKernels] };
    },
    async run(handle, inputs) {
      const program = programs.get(handle);
      const outputs = await guarded(() => runProgram(tf, program, new Map(inputs.map((w) => [w.name, decodeTensor(w)]))));
      return [...outputs].map(([name, t]) => encodeTensor(name, t));
    },
    async release(handle) {
      programs.take(handle)?.dispose();
    },
  };
  return { harness, info: { version: tf.version.tfjs, device: described } };
}
