// A second external tensorsmith adapter, written against tensorsmith's public entry
// (import ... from 'tensorsmith'): onnxruntime-node's CPU provider with parallel execution of
// independent nodes and two intra-op threads, a session configuration the built-in SUTs do not run.
//   npx tensorsmith fuzz --backend-module examples/adapters/ort-parallel.mjs --backends ort-parallel,ort-all
//
// What the public entry gives an adapter author, used here:
//   defineAdapter   checks the adapter's shape when the module loads;
//   toTypedArray    a tensorsmith tensor's values as the typed array onnxruntime takes (int64: BigInt64Array);
//   fromTypedArray  a runtime's output back into a tensorsmith tensor (checked against its shape);
//   ortSupports, ortKnownDeviation
//                   what the built-in onnxruntime adapters know: the ops and dtypes onnxruntime's CPU
//                   provider lacks, and its recorded departures from the ONNX specification, so that
//                   a campaign reports neither as a bug of this SUT.
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import { defineAdapter, fromTypedArray, ortKnownDeviation, ortSupports, toTypedArray } from 'tensorsmith';

const require = createRequire(import.meta.url);

export default function createAdapter() {
  return defineAdapter({
    name: 'ort-parallel',
    // The same C++ kernels and optimizer as the built-in onnxruntime SUTs: one family, one bug.
    family: 'onnxruntime',
    async describe() {
      return { name: 'ort-parallel', package: 'onnxruntime-node', version: require('onnxruntime-node/package.json').version };
    },
    supports: ortSupports,
    knownDeviation: (model) => ortKnownDeviation(model),
    async prepare({ onnx }) {
      return ort.InferenceSession.create(onnx, { executionMode: 'parallel', interOpNumThreads: 2, intraOpNumThreads: 2, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
    },
    async run(session, inputs) {
      const feeds = {};
      for (const [name, t] of inputs) feeds[name] = new ort.Tensor(t.dtype, toTypedArray(t), [...t.shape]);
      const results = await session.run(feeds);
      return new Map(Object.entries(results).map(([name, t]) => [name, fromTypedArray(t.type, t.dims, t.data)]));
    },
    async release(session) {
      await session.release();
    },
  });
}
