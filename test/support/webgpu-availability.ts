import { acquireGpu } from '../../src/reference-runtime/webgpu/device.js';
import { required } from './required.js';

/**
 * Why WebGPU tests cannot run in this process, or undefined when they can. A machine without a GPU
 * and without Mesa's lavapipe has no adapter: there the tests skip with this reason (what to install),
 * except under CI or TENSORSMITH_REQUIRE_WEBGPU=1 (see required), where a missing adapter is a failure.
 */
export async function webGpuSkipReason(): Promise<string | undefined> {
  const gpu = await acquireGpu();
  if ('device' in gpu) return undefined;
  const install = "install Mesa's Vulkan driver (Debian: apt-get install libvulkan1 && apt-get install -t bookworm-backports mesa-vulkan-drivers; see .ci/run)";
  const why = required('TENSORSMITH_REQUIRE_WEBGPU');
  if (why) throw new Error(`${why} but ${gpu.reason}; ${install}`);
  return `${gpu.reason}: ${install}`;
}
