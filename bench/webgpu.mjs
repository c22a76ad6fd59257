// The WebGPU reference runtime against the float64 CPU kernels: single-op models (kernel time, with
// upload and readback, as one model run) at a small and a large size, and whole generated models.
// Prints medians of several runs and the adapter's name; `--json` prints one JSON object.
import { generate } from '../dist/generator/generate.js';
import { loadZ3 } from '../dist/generator/smt/z3-solver.js';
import { Rng } from '../dist/generator/rng.js';
import { randomInputs, randomTensor } from '../dist/generator/values.js';
import { builtinRegistry } from '../dist/opspec/ops/index.js';
import { runReference } from '../dist/reference-runtime/executor.js';
import { webGpuRuntime } from '../dist/reference-runtime/webgpu/index.js';

const RUNS = 7;
const registry = builtinRegistry();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f32 = (name, shape) => ({ name, dtype: 'float32', shape });

const runtime = await webGpuRuntime(registry);
if ('reason' in runtime) {
  console.error(`bench:webgpu: ${runtime.reason}`);
  process.exit(2);
}

/** A one-node model of `op` over inputs of the given shapes (and output shape). */
function single(op, inputShapes, outShape, attrs = {}) {
  const inputs = inputShapes.map((s, i) => f32(`x${i}`, s));
  return { opset: 17, inputs, weights: [], nodes: [{ name: 'n', op, inputs: inputs.map((i) => i.name), outputs: [f32('y', outShape)], attrs }], outputs: ['y'] };
}

const SIZES = {
  small: { n: 1024, mat: 32, conv: [1, 4, 16, 16], kernel: [8, 4, 3, 3] },
  large: { n: 262144, mat: 256, conv: [1, 16, 64, 64], kernel: [32, 16, 3, 3] },
};

function kernelModels(size) {
  const { n, mat, conv, kernel } = SIZES[size];
  const convOut = [conv[0], kernel[0], conv[2] - 2, conv[3] - 2];
  return {
    Add: single('Add', [[n], [n]], [n]),
    Tanh: single('Tanh', [[n]], [n]),
    MatMul: single('MatMul', [[mat, mat], [mat, mat]], [mat, mat]),
    Conv: single('Conv', [conv, kernel], convOut),
    Softmax: single('Softmax', [[n / 256, 256]], [n / 256, 256], { axis: -1 }),
    ReduceMean: single('ReduceMean', [[n / 256, 256]], [n / 256, 1], { axes: [1], keepdims: 1 }),
  };
}

async function time(fn) {
  await fn(); // warm: pipelines compiled, buffers pooled
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const result = { adapter: runtime.adapterName, kernels: {}, models: {} };
for (const size of ['small', 'large']) {
  result.kernels[size] = {};
  for (const [op, model] of Object.entries(kernelModels(size))) {
    const rng = new Rng(`bench-webgpu/${op}`);
    const inputs = new Map(model.inputs.map((i) => [i.name, randomTensor(rng, 'float32', i.shape, 1)]));
    const unsupported = runtime.unsupported(model);
    result.kernels[size][op] = unsupported
      ? { unsupported }
      : { webgpuMs: await time(() => runtime.run(model, inputs)), cpuMs: await time(async () => runReference(model, inputs, { registry })) };
  }
}

await loadZ3();
for (const [label, config] of Object.entries({ '10 nodes, up to 4096 elements': { maxNodes: 10 }, '10 nodes, up to 262144 elements': { maxNodes: 10, maxElements: 262144 } })) {
  const gpu = [];
  const cpu = [];
  let onGpu = 0;
  for (let i = 0; i < 30; i++) {
    const { model } = await generate(config, registry, new Rng(`bench-webgpu-model/${label}/${i}`));
    if (runtime.unsupported(model)) continue;
    const inputs = randomInputs(model, new Rng(`in/${i}`));
    onGpu++;
    gpu.push(await time(() => runtime.run(model, inputs)));
    cpu.push(await time(async () => runReference(model, inputs, { registry })));
  }
  result.models[label] = { models: onGpu, webgpuMs: median(gpu), cpuMs: median(cpu) };
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result));
} else {
  console.log(`WebGPU adapter: ${result.adapter}`);
  for (const [size, ops] of Object.entries(result.kernels)) {
    for (const [op, r] of Object.entries(ops)) {
      console.log(r.unsupported ? `${size} ${op}: not on WebGPU (${r.unsupported})` : `${size} ${op}: webgpu ${r.webgpuMs.toFixed(2)} ms, cpu ${r.cpuMs.toFixed(2)} ms (one-node model run, upload and readback included)`);
    }
  }
  for (const [label, r] of Object.entries(result.models)) {
    console.log(`generated models (${label}, ${r.models} that run on WebGPU): webgpu ${r.webgpuMs.toFixed(2)} ms, cpu ${r.cpuMs.toFixed(2)} ms per model (median)`);
  }
  console.log(`(medians of ${RUNS} runs after a warm-up)`);
}
process.exit(0);
