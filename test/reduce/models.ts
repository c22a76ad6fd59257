import { join } from 'node:path';
import type { BackendAdapter } from '../../src/backends/adapter.js';
import { loadAdapterModule } from '../../src/backends/external.js';
import type { Model, Node } from '../../src/ir/model.js';
import { makeTensor, sizeOf, type Tensor } from '../../src/ir/tensor.js';

export const FAULTY_OPS = join(process.cwd(), 'test', 'fixtures', 'faulty-ops.mjs');

/** The faulty-ops fixture adapter, in this process (its Softmax crash is then a thrown error). */
export async function faultyOps(): Promise<BackendAdapter> {
  const [adapter] = await loadAdapterModule(FAULTY_OPS);
  return adapter!;
}

/** Deterministic, varied values in about [-1.5, 1.5]. */
export function wave(shape: readonly number[], phase = 0): Tensor {
  return makeTensor('float32', shape, Array.from({ length: sizeOf(shape) }, (_, i) => 1.5 * Math.sin(0.7 * i + phase)));
}

function node(name: string, op: string, inputs: string[], output: string, shape: number[], attrs: Node['attrs'] = {}): Node {
  return { name, op, inputs, outputs: [{ name: output, dtype: 'float32', shape }], attrs };
}

/**
 * Ten nodes over rank-3 values with two outputs; the only Tanh (n4) has a rank-3 input, which is
 * what the faulty-ops fixture gets wrong. The other output (v8) does not depend on it.
 */
export function tenNodeModel(): { model: Model; inputs: Map<string, Tensor> } {
  const s = [2, 3, 4];
  const model: Model = {
    opset: 17,
    inputs: [{ name: 'in0', dtype: 'float32', shape: s }],
    weights: [
      { name: 'w1', value: wave([4], 1) },
      { name: 'w2', value: wave([4, 5], 2) },
    ],
    nodes: [
      node('n0_Relu', 'Relu', ['in0'], 'v0', s),
      node('n1_Add', 'Add', ['v0', 'w1'], 'v1', s),
      node('n2_Sigmoid', 'Sigmoid', ['v1'], 'v2', s),
      node('n3_Mul', 'Mul', ['v2', 'in0'], 'v3', s),
      node('n4_Tanh', 'Tanh', ['v3'], 'v4', s),
      node('n5_Neg', 'Neg', ['v4'], 'v5', s),
      node('n6_MatMul', 'MatMul', ['v5', 'w2'], 'v6', [2, 3, 5]),
      node('n7_Abs', 'Abs', ['v1'], 'v7', s),
      node('n8_Sub', 'Sub', ['v7', 'v0'], 'v8', s),
      node('n9_Transpose', 'Transpose', ['v6'], 'v9', [2, 5, 3], { perm: [0, 2, 1] }),
    ],
    outputs: ['v9', 'v8'],
  };
  return { model, inputs: new Map([['in0', wave(s)]]) };
}
