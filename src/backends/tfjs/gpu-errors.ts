/**
 * WebGPU errors raised while a test runs are errors of that test. Dawn reports an invalid shader or
 * pipeline through error scopes or the device's uncapturederror event, not as an exception, and the
 * submission that used it is dropped: the outputs are then zeros or another test's stale data. So
 * every prepare and run of a WebGPU SUT happens inside error scopes, and what they catch (or the
 * device reports uncaptured meanwhile, or a lost device) is thrown as the test's error.
 */
const SCOPES: readonly GPUErrorFilter[] = ['validation', 'out-of-memory', 'internal'];

/** What of a GPUDevice the error capture uses. */
export interface ErrorScopedDevice {
  pushErrorScope(filter: GPUErrorFilter): void;
  popErrorScope(): Promise<{ readonly message: string } | null>;
  addEventListener(type: 'uncapturederror', listener: (event: { readonly error: { readonly message: string } }) => void): void;
  readonly lost: Promise<{ readonly reason: string; readonly message: string }>;
}

interface WatchedDevice {
  readonly uncaptured: string[];
  lost?: string;
}

const watched = new WeakMap<ErrorScopedDevice, WatchedDevice>();

function watch(device: ErrorScopedDevice): WatchedDevice {
  let w = watched.get(device);
  if (!w) {
    const state: WatchedDevice = { uncaptured: [] };
    device.addEventListener('uncapturederror', (event) => {
      state.uncaptured.push(event.error.message);
    });
    void device.lost.then((info) => {
      state.lost = `${info.reason}: ${info.message}`;
    });
    watched.set(device, state);
    w = state;
  }
  return w;
}

/** The first line of a WebGPU error message (Dawn appends the offending WGSL and a call trace). */
function firstLine(message: string): string {
  return message.split('\n').find((l) => l.trim() !== '')?.trim() ?? message;
}

/** Runs `call` with the device's errors caught: any WebGPU error meanwhile becomes the call's error. */
export async function withGpuErrors<T>(device: ErrorScopedDevice, call: () => Promise<T>): Promise<T> {
  const state = watch(device);
  if (state.lost) throw new Error(`WebGPU device lost earlier: ${state.lost}`);
  state.uncaptured.length = 0;
  for (const filter of SCOPES) device.pushErrorScope(filter);
  let result: { value: T } | { error: unknown };
  try {
    result = { value: await call() };
  } catch (error) {
    result = { error };
  }
  const caught: string[] = [];
  let unscoped: string | undefined;
  // Scopes pop in reverse order of their pushes.
  for (const filter of [...SCOPES].reverse()) {
    try {
      const error = await device.popErrorScope();
      if (error) caught.push(`WebGPU ${filter} error: ${firstLine(error.message)}`);
    } catch (e) {
      // In a Chromium page, tfjs-webgpu's synchronous read drops the WebGPU instance under the
      // scopes ("Instance dropped in popErrorScope"): the call's own error, if any, says more.
      unscoped ??= e instanceof Error ? e.message : String(e);
    }
  }
  if (unscoped !== undefined) {
    if ('error' in result) throw result.error;
    throw new Error(`WebGPU errors could not be collected (${unscoped}): the outputs cannot be trusted`);
  }
  if (state.lost) caught.push(`WebGPU device lost: ${state.lost}`);
  for (const message of state.uncaptured.splice(0)) caught.push(`WebGPU error: ${firstLine(message)}`);
  if (caught.length > 0) throw new Error(caught[0]);
  if ('error' in result) throw result.error;
  return result.value;
}
