// An external tensorsmith adapter: onnxruntime-node's CPU provider with one intra-op thread and
// sequential execution, as a separate system under test. Use it with
//   npx tensorsmith fuzz --backend-module examples/adapters/ort-single-thread.mjs --backends ort-single-thread,ref-cpu
//
// The module default-exports a factory that returns an adapter (or an array of adapters). An adapter
// has: name; describe() -> {name, package, version}; supports(op, dtypes) -> boolean (static
// knowledge: false means "not a bug, not implemented"); prepare({model, onnx}) -> anything (compile:
// throwing is a compile error); run(prepared, inputs) -> Map of outputs (throwing is a runtime error);
// optional release(prepared). Tensors are {dtype, shape, data}: data is a Float64Array holding the
// values whatever the dtype (int64 values are exact integers, bools 0/1).
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';

const require = createRequire(import.meta.url);
const NATIVE = {
  float32: (d) => Float32Array.from(d),
  float64: (d) => Float64Array.from(d),
  int32: (d) => Int32Array.from(d),
  int64: (d) => BigInt64Array.from(d, (x) => BigInt(x)),
  bool: (d) => Uint8Array.from(d),
};

export default function createAdapter() {
  return {
    name: 'ort-single-thread',
    async describe() {
      return { name: 'ort-single-thread', package: 'onnxruntime-node', version: require('onnxruntime-node/package.json').version };
    },
    supports(op, dtypes) {
      // onnxruntime's CPU provider has no float64 Conv kernel.
      return !(op === 'Conv' && dtypes.includes('float64'));
    },
    async prepare({ onnx }) {
      return ort.InferenceSession.create(onnx, { intraOpNumThreads: 1, executionMode: 'sequential', logSeverityLevel: 3 });
    },
    async run(session, inputs) {
      const feeds = {};
      for (const [name, t] of inputs) feeds[name] = new ort.Tensor(t.dtype, NATIVE[t.dtype](t.data), [...t.shape]);
      const results = await session.run(feeds);
      const outputs = new Map();
      for (const [name, t] of Object.entries(results)) {
        outputs.set(name, { dtype: t.type, shape: [...t.dims], data: Float64Array.from(t.data, Number) });
      }
      return outputs;
    },
    async release(session) {
      await session.release();
    },
  };
}
