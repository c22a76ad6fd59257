import type { Tensor } from '../../ir/tensor.js';
import type { ConcreteAttrs, ConcreteType } from '../../opspec/infer.js';
import { MAX_GROUPS_PER_DIM, WORKGROUP_SIZE, wgslType, type GpuDType } from './wgsl.js';

/**
 * What a WebGPU kernel knows of one input: its type on the GPU, and its values when it is a constant
 * (a weight). An int64 constant (a shape, axes, pads, Gather's indices) is held as int32 on the GPU
 * (the runtime checks its values fit); `constant` keeps the original tensor.
 */
export interface GpuInput {
  readonly dtype: GpuDType;
  readonly shape: readonly number[];
  readonly constant?: Tensor;
}

export interface WebGpuKernelArgs {
  /** One per node input position; undefined for an omitted optional input. */
  readonly inputs: readonly (GpuInput | undefined)[];
  readonly attrs: ConcreteAttrs;
  /** Output types as the op's spec infers them: kernels never compute shapes a second time. */
  readonly outputs: readonly ConcreteType[];
}

/**
 * One compute program: WGSL whose bindings are, in order, the node's present inputs (read-only) and
 * its outputs (read-write), all as arrays of their element type. `threads` invocations run; the
 * shader reads its invocation number from `global_index()` (see `shaderPrelude`). Programs with the
 * same cache key share a pipeline.
 */
export interface GpuProgram {
  readonly cacheKey: string;
  readonly wgsl: string;
  readonly threads: number;
}

/**
 * A kernel in onnxruntime-web's anatomy: validate what this runtime cannot do (undefined: fine),
 * then build the program from types the spec inferred.
 */
export interface WebGpuKernel {
  readonly validate?: (args: WebGpuKernelArgs) => string | undefined;
  readonly program: (args: WebGpuKernelArgs) => GpuProgram;
}

/** Binding declarations for a node's present inputs and its outputs, named input0.., output0.. (in this order: the runtime's bind group follows it). */
export function bindings(args: WebGpuKernelArgs): string {
  const lines: string[] = [];
  let binding = 0;
  args.inputs.forEach((input, i) => {
    if (!input) return;
    lines.push(`@group(0) @binding(${binding++}) var<storage, read> input${i}: array<${wgslType(input.dtype)}>;`);
  });
  args.outputs.forEach((output, i) => {
    lines.push(`@group(0) @binding(${binding++}) var<storage, read_write> output${i}: array<${wgslType(output.dtype as GpuDType)}>;`);
  });
  return lines.join('\n');
}

/** The entry point wrapper: `body` runs once per invocation below `threads`, with `index: u32`. */
export function entryPoint(threads: number, body: string): string {
  return [
    `@compute @workgroup_size(${WORKGROUP_SIZE})`,
    `fn main(@builtin(global_invocation_id) gid: vec3<u32>) {`,
    `  let index = gid.x + gid.y * ${MAX_GROUPS_PER_DIM * WORKGROUP_SIZE}u;`,
    `  if (index >= ${threads}u) { return; }`,
    body,
    '}',
  ].join('\n');
}

/** A cache key from everything that shapes the WGSL: the op, the types and the attributes used. */
export function cacheKey(op: string, args: WebGpuKernelArgs, extra: unknown = ''): string {
  const types = args.inputs.map((i) => (i ? `${i.dtype}[${i.shape.join(',')}]` : '-')).join(';');
  const outs = args.outputs.map((o) => `${o.dtype}[${o.shape.join(',')}]`).join(';');
  return `${op}|${types}|${outs}|${JSON.stringify(extra)}`;
}
