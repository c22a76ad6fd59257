import { spawnSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaseFolder } from '../../src/store/case-folder.js';
import { reproPython, writeReproPython } from '../../src/store/repro-python.js';
import { tempDir } from '../helpers.js';

const CASE = 'corpus/onnxruntime-relu-clip-max';

/** A stand-in for onnxruntime's Python package that returns the outputs of a tensors file (STUB_OUTPUTS). */
const STUB = `
import base64, json, os
import numpy as np
__version__ = "stub"
class SessionOptions: pass
class GraphOptimizationLevel:
    ORT_DISABLE_ALL, ORT_ENABLE_BASIC, ORT_ENABLE_EXTENDED, ORT_ENABLE_ALL = 0, 1, 2, 99
class _Out:
    def __init__(self, name): self.name = name
class InferenceSession:
    def __init__(self, path, options, providers):
        assert os.path.exists(path) and providers == ["CPUExecutionProvider"]
        assert options.graph_optimization_level == 99
        with open(os.environ["STUB_OUTPUTS"]) as f: self.outs = json.load(f)["outputs"]
    def get_outputs(self): return [_Out(n) for n in self.outs]
    def run(self, names, feeds):
        types = {"float32": np.float32, "float64": np.float64, "int32": np.int32, "int64": np.int64, "bool": np.bool_}
        return [np.frombuffer(base64.b64decode(t["data"]), dtype=types[t["dtype"]]).reshape(t["shape"]) for t in self.outs.values()]
`;

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
if (!hasNumpy) console.log('repro.py run tests skipped: python3 with numpy is not installed here (pip install numpy)');

describe('repro.py of an onnxruntime case', () => {
  it('is written for onnxruntime CPU SUTs only, at the level the SUT used', () => {
    const c = readCaseFolder(CASE);
    const text = reproPython(c.meta!, c.model)!;
    expect(text).toContain('"level\\":\\"ORT_ENABLE_ALL\\"');
    expect(reproPython({ ...c.meta!, verdict: { ...c.meta!.verdict, backend: 'ort-basic' } }, c.model)).toContain('ORT_ENABLE_BASIC');
    expect(reproPython({ ...c.meta!, verdict: { ...c.meta!.verdict, backend: 'chrome-ort-webgpu' } }, c.model)).toBeUndefined();
    expect(reproPython({ ...c.meta!, verdict: { ...c.meta!.verdict, backend: 'tfjs-cpu' } }, c.model)).toBeUndefined();
    // Valid Python, where there is a python3 to say so.
    const parsed = spawnSync('python3', ['-c', `import ast, sys; ast.parse(sys.stdin.read())`], { input: text });
    if (!parsed.error) expect(parsed.status, parsed.stderr?.toString()).toBe(0);
  });

  it.skipIf(!hasNumpy)('exits 1 on the recorded outputs, 0 on the expected ones, 2 without onnxruntime', () => {
    const dir = join(tempDir(), 'case');
    cpSync(CASE, dir, { recursive: true });
    const c = readCaseFolder(dir);
    writeReproPython(dir, { meta: c.meta!, model: c.model });
    const stubDir = tempDir();
    writeFileSync(join(stubDir, 'onnxruntime.py'), STUB);
    const run = (outputs: string | undefined) =>
      spawnSync('python3', [join(dir, 'repro.py')], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: outputs ? stubDir : '', ...(outputs ? { STUB_OUTPUTS: outputs } : {}) } });
    const buggy = run(join(dir, 'actual.json'));
    expect(buggy.status, buggy.stderr).toBe(1);
    expect(buggy.stdout).toMatch(/1 of \d+ elements disagree/);
    expect(buggy.stdout).toMatch(/expected -1\.0 {2}actual 0\.0/);
    const fixed = run(join(dir, 'expected.json'));
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain('the bug is gone');
    // Where onnxruntime is installed for this python3 the script runs the real thing: not checked here.
    const missing = spawnSync('python3', [join(dir, 'repro.py')], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: '' } });
    if (/No module named 'onnxruntime'/.test(missing.stderr)) {
      expect(missing.status).toBe(2);
      expect(missing.stderr).toMatch(/^repro\.py cannot run: No module named 'onnxruntime' \(pip install onnxruntime==1\.30\.0 numpy\)/);
    }
  });
});
