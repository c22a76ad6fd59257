import { createRequire } from 'node:module';
import type { DType } from '../ir/dtype.js';
import type { Model } from '../ir/model.js';
import { castValues, type Tensor } from '../ir/tensor.js';
import { runReference } from '../reference-runtime/executor.js';
import type { BackendAdapter } from './adapter.js';

const require = createRequire(import.meta.url);

/** The bundled float64 reference runtime as a SUT; its outputs are rounded to the model's dtypes. */
export function referenceCpuAdapter(): BackendAdapter<Model> {
  return {
    name: 'ref-cpu',
    async describe() {
      return { name: 'ref-cpu', package: 'tensorsmith', version: (require('../../package.json') as { version: string }).version };
    },
    supports: (_op: string, _dtypes: readonly DType[]) => true,
    async prepare(artifact) {
      return artifact.model;
    },
    async run(model, inputs) {
      const { outputs } = runReference(model, inputs);
      const out = new Map<string, Tensor>();
      for (const [name, t] of outputs) {
        out.set(name, { dtype: t.dtype, shape: t.shape, data: castValues(t.dtype, Float64Array.from(t.data)) });
      }
      return out;
    },
  };
}
