import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo, tempDir } from '../helpers.js';

describe('report CASE --format issue', () => {
  it('prints the whole bug report of a corpus case: title, environment, model, inputs, expected and actual, the specification, the commands', async () => {
    const io = captureIo();
    expect(await runCli(['report', 'corpus/onnxruntime-relu-clip-max', '--format', 'issue'], io)).toBe(0);
    const text = io.stdout();
    const sections = ['## Environment', '## Model', '## Inputs', '## Expected and actual', '## What the specification says', '## Reproduce'];
    expect(sections.map((s) => text.indexOf(s))).toEqual([...sections.map((s) => text.indexOf(s))].sort((a, b) => a - b));
    for (const s of sections) expect(text).toContain(s);
    expect(text).toMatch(/^# onnxruntime: the Relu\+Clip fusion removes a Relu that feeds Clip's max input/);
    expect(text).toContain('Status: open. Seen on: ort-basic, ort-all, ort-web-wasm, chrome-ort-wasm, chrome-ort-webgpu.');
    // The environment: package and version, the device and the session settings.
    expect(text).toMatch(/- chrome-ort-wasm: onnxruntime-web 1\.30\.0, Chrome \d+[.\d]*, wasm, 1 thread/);
    expect(text).toContain("graphOptimizationLevel 'all', env.wasm.numThreads = 1");
    expect(text).toMatch(/Node v\d+/);
    // The model as text, with its weights' values, and the input values.
    expect(text).toMatch(/node {3}\S+: float32\[\] = Relu\(\S+\)/);
    expect(text).toMatch(/node {3}\S+: float32\[[\d, ]+\] = Clip\(\S+, \S+, \S+\)/);
    expect(text).toMatch(/weight \S+: float32\[[\d, ]*\] = \[[-\d., ]+\]/);
    expect(text).toMatch(/## Inputs\n\n```\n\S+: float32\[\] = \[-?[\d.]+\]\n```/);
    // Expected beside actual, the worst element, the sentence and the commands.
    expect(text).toMatch(/expected \S+: float32\[[\d, ]+\] = \[[-\d., ]+\]\nactual {3}\S+: float32\[[\d, ]+\] = \[[-\d., ]+\]/);
    expect(text).toMatch(/Worst element: \S+\[[\d, ]+\] is 0, expected -1\./);
    expect(text).toContain("> Clip operator limits the given input within an interval. The interval is specified by the inputs 'min' and 'max'.");
    expect(text).toContain('https://onnx.ai/onnx/operators/onnx__Clip.html');
    expect(text).toContain('node repro.mjs');
    expect(text).toContain('npx tensorsmith repro . --backends ort-basic,ort-all,ort-web-wasm');
  });

  it('writes it to --out, and refuses a folder that records no bug with one line and exit 2', async () => {
    const io = captureIo();
    const out = `${tempDir()}/issue.md`;
    expect(await runCli(['report', 'corpus/tfjs-webgpu-mul-rank5', '--format', 'issue', '--out', out], io)).toBe(0);
    expect(io.stdout()).toMatch(/^wrote the bug report of corpus\/tfjs-webgpu-mul-rank5 to /);
    const bad = captureIo();
    expect(await runCli(['report', tempDir(), '--format', 'issue'], bad)).toBe(2);
    expect(bad.stderr()).toMatch(/^tensorsmith: '.*' is not a case folder: it has no model\.json\n$/);
  });
});
