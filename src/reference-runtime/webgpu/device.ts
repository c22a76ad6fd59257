/**
 * A GPU device from Dawn's Node binding (the `webgpu` package), or why there is none. `gpu` is held
 * on purpose: Dawn's instance lives only while the object `create` returns is referenced, and
 * collected under running work it crashes (a futex error) or leaves mapAsync hanging. Held for the
 * process's life, it also keeps Node from exiting by itself: the CLI exits explicitly.
 */
export type GpuAcquisition = { readonly gpu: GPU; readonly device: GPUDevice; readonly adapterName: string } | { readonly reason: string };

let acquired: Promise<GpuAcquisition> | undefined;

/**
 * The process's one device, created on first use. Dawn finds a real GPU, or Mesa's lavapipe (a
 * Vulkan driver on the CPU) on a machine without one; with neither there is no adapter.
 */
export function acquireGpu(): Promise<GpuAcquisition> {
  acquired ??= (async (): Promise<GpuAcquisition> => {
    let gpu: GPU;
    try {
      const { create, globals } = (await import('webgpu')) as { create: (options: string[]) => GPU; globals: Record<string, unknown> };
      // The binding's constants (GPUBufferUsage...) are globals in a browser; code here reads them so.
      Object.assign(globalThis, globals);
      gpu = create([]);
    } catch (e) {
      return { reason: `the webgpu package does not load here (${(e as Error).message.split('\n')[0]})` };
    }
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { reason: 'no WebGPU adapter (no GPU, and no Vulkan driver such as Mesa lavapipe)' };
    const info = adapter.info;
    const adapterName = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s && s.length > 0).join(' ') || 'unknown adapter';
    const device = await adapter.requestDevice();
    return { gpu, device, adapterName };
  })();
  return acquired;
}
