import type { Model } from '../../ir/model.js';
import { makeTensor, type Tensor } from '../../ir/tensor.js';
import { inferNode } from '../../opspec/infer.js';
import type { OpRegistry } from '../../opspec/registry.js';
import type { WebGpuKernelArgs } from './program.js';
import type { WebGpuKernelRegistry } from './registry.js';
import { unsupportedOnGpu } from './support.js';
import { MAX_GROUPS_PER_DIM, WORKGROUP_SIZE, type GpuDType } from './wgsl.js';

interface GpuValue {
  readonly buffer: GPUBuffer;
  readonly dtype: GpuDType;
  readonly shape: readonly number[];
  /** The model's dtype, where it differs (an int64 constant held as int32): what the spec checks. */
  readonly modelDtype?: 'int64';
}


/** Every GPU buffer holds 4-byte elements; bindings need at least one. */
function byteSize(shape: readonly number[]): number {
  return Math.max(1, shape.reduce((a, b) => a * b, 1)) * 4;
}

function toGpuArray(t: Tensor): Float32Array | Int32Array | Uint32Array {
  if (t.dtype === 'float32') return Float32Array.from(t.data);
  if (t.dtype === 'int32') return Int32Array.from(t.data);
  return Uint32Array.from(t.data, (x) => (x !== 0 ? 1 : 0));
}

/**
 * The reference runtime on a GPU: one WGSL program per node, all encoded into one command buffer and
 * submitted once per model run. Pipelines are cached by their program's cache key and buffers are
 * pooled by size, so a campaign's repeated shapes compile once and allocate little.
 */
export class WebGpuRuntime {
  private readonly pipelines = new Map<string, { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }>();
  private readonly pool = new Map<number, GPUBuffer[]>();

  constructor(
    readonly device: GPUDevice,
    readonly adapterName: string,
    private readonly kernels: WebGpuKernelRegistry,
    private readonly registry: OpRegistry,
  ) {}

  /** Why this runtime cannot run a model (a 64-bit dtype, an op without a kernel...), or undefined. */
  unsupported(model: Model): string | undefined {
    return unsupportedOnGpu(model, this.kernels, this.registry);
  }

  async run(model: Model, inputs: ReadonlyMap<string, Tensor>): Promise<Map<string, Tensor>> {
    const values = new Map<string, GpuValue>();
    const owned: GPUBuffer[] = [];
    const upload = (name: string, t: Tensor) => {
      const buffer = this.take(byteSize(t.shape));
      owned.push(buffer);
      const held: Tensor = t.dtype === 'int64' ? { ...t, dtype: 'int32' } : t;
      this.device.queue.writeBuffer(buffer, 0, toGpuArray(held));
      values.set(name, { buffer, dtype: held.dtype as GpuDType, shape: t.shape, ...(t.dtype === 'int64' ? { modelDtype: 'int64' as const } : {}) });
    };
    for (const i of model.inputs) upload(i.name, inputs.get(i.name)!);
    for (const w of model.weights) upload(w.name, w.value);
    const constants = new Map(model.weights.map((w) => [w.name, w.value]));
    // Validation errors (a bad shader, a bind group that does not fit) would otherwise only be
    // logged while the pass silently does nothing.
    this.device.pushErrorScope('validation');
    const encoder = this.device.createCommandEncoder();
    for (const node of model.nodes) {
      const spec = this.registry.get(node.op, model.opset);
      const present = node.inputs.map((n) => (n === '' ? undefined : values.get(n)));
      const specTypes = present.map((v) => (v ? { dtype: v.modelDtype ?? v.dtype, shape: v.shape } : undefined));
      const { outputs, attrs } = inferNode(spec, node, specTypes, constants, model.opset);
      const args: WebGpuKernelArgs = {
        inputs: present.map((v, i) => (v ? { dtype: v.dtype, shape: v.shape, ...(constants.has(node.inputs[i]!) ? { constant: constants.get(node.inputs[i]!)! } : {}) } : undefined)),
        attrs,
        outputs,
      };
      const program = this.kernels.find(node.op)!.program(args);
      const bound = present.filter((v): v is GpuValue => v !== undefined);
      const pipeline = this.pipeline(program.cacheKey, program.wgsl, bound.length, outputs.length);
      const outBuffers = outputs.map((o, k) => {
        const buffer = this.take(byteSize(o.shape));
        owned.push(buffer);
        values.set(node.outputs[k]!.name, { buffer, dtype: o.dtype as GpuDType, shape: o.shape });
        return buffer;
      });
      const entries = [...bound.map((v) => v.buffer), ...outBuffers].map((buffer, binding) => ({ binding, resource: { buffer } }));
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline.pipeline);
      pass.setBindGroup(0, this.device.createBindGroup({ layout: pipeline.layout, entries }));
      const groups = Math.max(1, Math.ceil(program.threads / WORKGROUP_SIZE));
      pass.dispatchWorkgroups(Math.min(groups, MAX_GROUPS_PER_DIM), Math.ceil(groups / MAX_GROUPS_PER_DIM));
      pass.end();
    }
    const reads = model.outputs.map((name) => {
      const v = values.get(name)!;
      const size = byteSize(v.shape);
      const staging = this.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      encoder.copyBufferToBuffer(v.buffer, 0, staging, 0, size);
      return { name, v, staging };
    });
    this.device.queue.submit([encoder.finish()]);
    const error = await this.device.popErrorScope();
    if (error) {
      for (const buffer of owned) this.give(buffer);
      for (const { staging } of reads) staging.destroy();
      throw new Error(`WebGPU rejected the model's programs: ${error.message.split('\n')[0]}`);
    }
    const results = new Map<string, Tensor>();
    for (const { name, v, staging } of reads) {
      await staging.mapAsync(GPUMapMode.READ);
      const raw = staging.getMappedRange().slice(0);
      staging.unmap();
      staging.destroy();
      const n = v.shape.reduce((a, b) => a * b, 1);
      const view = v.dtype === 'float32' ? new Float32Array(raw, 0, n) : v.dtype === 'int32' ? new Int32Array(raw, 0, n) : new Uint32Array(raw, 0, n);
      results.set(name, makeTensor(v.dtype, v.shape, Float64Array.from(view)));
    }
    for (const buffer of owned) this.give(buffer);
    return results;
  }

  /**
   * The pipeline of a program, with an explicit layout: `layout: 'auto'` drops bindings the shader
   * never reads, and a bind group holding them is then invalid (the pass silently does nothing).
   */
  private pipeline(key: string, wgsl: string, inputs: number, outputs: number): { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout } {
    let cached = this.pipelines.get(key);
    if (!cached) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      for (let i = 0; i < inputs + outputs; i++) {
        entries.push({ binding: i, visibility: GPUShaderStage.COMPUTE, buffer: { type: i < inputs ? 'read-only-storage' : 'storage' } });
      }
      const layout = this.device.createBindGroupLayout({ entries });
      const module = this.device.createShaderModule({ code: wgsl });
      const pipeline = this.device.createComputePipeline({ layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }), compute: { module, entryPoint: 'main' } });
      cached = { pipeline, layout };
      this.pipelines.set(key, cached);
    }
    return cached;
  }

  private take(size: number): GPUBuffer {
    const free = this.pool.get(size);
    return free?.pop() ?? this.device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
  }

  private give(buffer: GPUBuffer): void {
    const free = this.pool.get(buffer.size) ?? [];
    free.push(buffer);
    this.pool.set(buffer.size, free);
  }
}
