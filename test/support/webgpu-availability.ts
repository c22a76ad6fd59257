import { acquireGpu } from '../../src/reference-runtime/webgpu/device.js';

/**
 * Why WebGPU tests cannot run in this process, or undefined when they can. A machine without a GPU
 * and without Mesa's lavapipe has no adapter: there the tests skip with this reason, except when
 * TENSORSMITH_REQUIRE_WEBGPU=1 (CI sets it, since CI installs lavapipe), where a missing adapter is a
 * failure instead.
 */
export async function webGpuSkipReason(): Promise<string | undefined> {
  const gpu = await acquireGpu();
  if ('device' in gpu) return undefined;
  if (process.env.TENSORSMITH_REQUIRE_WEBGPU === '1') {
    throw new Error(`TENSORSMITH_REQUIRE_WEBGPU=1 but there is no WebGPU adapter: ${gpu.reason}. Install Mesa's lavapipe (see .ci/run).`);
  }
  return gpu.reason;
}
