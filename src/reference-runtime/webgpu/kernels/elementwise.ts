import { bindings, cacheKey, entryPoint, type WebGpuKernel, type WebGpuKernelArgs } from '../program.js';
import { TensorIndexer, wgslType, type GpuDType } from '../wgsl.js';

/**
 * An elementwise kernel over one input: `expression(x, args)` is the WGSL for one output element
 * from the input element `x` (already of the input's WGSL type); `helpers` adds WGSL functions.
 */
export function unaryKernel(op: string, expression: (x: string, args: WebGpuKernelArgs) => string, helpers = ''): WebGpuKernel {
  return {
    program(args) {
      const n = args.outputs[0]!.shape.reduce((a, b) => a * b, 1);
      const wgsl = [bindings(args), helpers, entryPoint(n, `  let x = input0[index];\n  output0[index] = ${expression('x', args)};`)].join('\n');
      return { cacheKey: cacheKey(op, args, expression('x', args)), wgsl, threads: n };
    },
  };
}

/**
 * An elementwise kernel over broadcast inputs (binary ops, Where, variadic Sum): `expression(xs)` is
 * the WGSL for one output element from the input elements `xs` (one variable per present input).
 */
export function broadcastKernel(op: string, expression: (xs: readonly string[], args: WebGpuKernelArgs) => string, helpers = ''): WebGpuKernel {
  return {
    program(args) {
      const out = new TensorIndexer('out', args.outputs[0]!.shape);
      const present = args.inputs.map((input, i) => ({ input, i })).filter((p) => p.input !== undefined);
      const reads = present.map(({ input, i }) => {
        const indexer = new TensorIndexer(`in${i}`, input!.shape);
        return `  let x${i} = input${i}[${indexer.broadcastOffset('c', out.rank)}];`;
      });
      const body = [`  let c = out_coords(index);`, ...reads, `  output0[index] = ${expression(present.map(({ i }) => `x${i}`), args)};`].join('\n');
      const wgsl = [bindings(args), out.coordsFn(), helpers, entryPoint(out.size, body)].join('\n');
      return { cacheKey: cacheKey(op, args, expression(present.map(({ i }) => `x${i}`), args)), wgsl, threads: out.size };
    },
  };
}

/** The WGSL type of a kernel's first output (f32, i32 or u32 for bool). */
export function outType(args: WebGpuKernelArgs): string {
  return wgslType(args.outputs[0]!.dtype as GpuDType);
}
