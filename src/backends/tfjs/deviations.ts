import type { Model } from '../../ir/model.js';
import { valueTypes } from '../../ir/model.js';

/** Batch dims with leading 1s dropped. */
function stripOnes(dims: readonly number[]): number[] {
  const i = dims.findIndex((d) => d !== 1);
  return i < 0 ? [] : dims.slice(i);
}

/**
 * Whether tfjs's BatchMatMul gets the batch broadcasting of these operand shapes right. Its kernels
 * (cpu, wasm) flatten the batch dims of each side and pair batch bi of the output with
 * bi % batchA and bi % batchB: right when one side's batch is the whole output batch and the other's
 * is a suffix of it (or empty); wrong (or short of values) for broadcasts inside the batch dims,
 * e.g. [3, 4] against [3, 1].
 */
export function tfjsMatMulBatchesPair(a: readonly number[], b: readonly number[]): boolean {
  const ba = a.length > 2 ? a.slice(0, -2) : [];
  const bb = b.length > 2 ? b.slice(0, -2) : [];
  const n = Math.max(ba.length, bb.length);
  const pad = (x: number[]) => [...new Array<number>(n - x.length).fill(1), ...x];
  const out = pad(ba).map((d, i) => Math.max(d, pad(bb)[i]!));
  const o = stripOnes(out);
  const fits = (whole: number[], part: number[]) => {
    const w = stripOnes(whole);
    const p = stripOnes(part);
    return w.length === o.length && w.every((d, i) => d === o[i]) && p.every((d, i) => d === o[o.length - p.length + i]);
  };
  return fits(ba, bb) || fits(bb, ba);
}

/** Ops whose tfjs mapping may call tile (directly or through broadcastTo). */
const TILING_OPS = new Set(['Tile', 'Expand', 'Where', 'PRelu', 'Max', 'Min', 'Sum', 'Mean', 'Trilu', 'GatherElements', 'Pad', 'LayerNormalization']);

/**
 * Recorded departures of tfjs from ONNX semantics the model runs into (the campaign does not report
 * them again), for a tfjs backend name, in Node or in a browser page (the reason may differ).
 */
export function tfjsKnownDeviation(backend: string, model: Model, host: 'node' | 'browser' = 'node'): string | undefined {
  const types = valueTypes(model);
  for (const node of model.nodes) {
    const shapes = node.inputs.map((n) => (n === '' ? undefined : types.get(n)?.shape));
    if (node.op === 'MatMul' && !tfjsMatMulBatchesPair(shapes[0]!, shapes[1]!)) {
      return `tfjs BatchMatMul mis-broadcasts batch dims [${shapes[0]!.slice(0, -2).join(', ')}] against [${shapes[1]!.slice(0, -2).join(', ')}] (flattened batch indexing)`;
    }
    if (backend === 'webgpu' && (node.op === 'ArgMax' || node.op === 'ArgMin') && shapes[0]!.length === 1) {
      return `tfjs-webgpu ${node.op} of a 1-D tensor gives shape [1] instead of []`;
    }
    if (backend === 'webgpu' && node.op === 'CumSum' && node.attrs['reverse'] === 1) {
      const axisValue = model.weights.find((w) => w.name === node.inputs[1])?.value.data[0];
      const rank = shapes[0]!.length;
      if (axisValue === undefined || (axisValue + rank) % rank !== rank - 1) {
        return 'tfjs-webgpu cumsum(reverse) along an axis other than the last sums the wrong elements';
      }
    }
    if (backend === 'webgpu' && node.op === 'ReduceProd' && node.attrs['keepdims'] !== 0) {
      return 'tfjs-webgpu prod() ignores keepDims (the reduced axes are dropped)';
    }
    if (backend === 'webgpu' && TILING_OPS.has(node.op) && node.outputs.some((o) => o.shape.length >= 5)) {
      const read = host === 'node' ? 'which needs OffscreenCanvas (absent in Node)' : "which in a headless Chromium page drops the WebGPU instance ('A valid external Instance reference no longer exists')";
      return `tfjs-webgpu tiles (broadcastTo, tile) rank >= 5 tensors on the CPU through a synchronous read, ${read}: ${node.op} at rank ${node.outputs[0]!.shape.length}`;
    }
  }
  return undefined;
}
