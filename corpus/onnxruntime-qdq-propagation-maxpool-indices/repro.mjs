#!/usr/bin/env node
// A tensorsmith bug case. CASE below records it: the kind of bug, the SUT it was found on and
// that SUT's package and version, the seed and test that found it, its signature and the model.
//
// Standalone: it needs only onnxruntime-node and model.onnx, inputs.json and expected.json (the
// float64 reference outputs) beside it. Run it in this folder, VERSION being CASE.sut.version:
//   npm i onnxruntime-node@VERSION && node repro.mjs
// Session: graphOptimizationLevel 'basic', cpu execution provider, default thread counts, as tensorsmith ran it.
// Exit code 1 while the bug is there (an output out of tolerance, a NaN/Inf mismatch, or an
// error), 0 once every output agrees with expected.json, 2 when it cannot run (the package is
// not installed, a case file is unreadable).

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// The case as tensorsmith recorded it (the SUT's version is the one the bug was found with).
const CASE = {
  "kind": "wrong-result",
  "backend": "ort-basic",
  "message": "output 'v8'[0, 0, 0, 1] is 1, expected 2",
  "sut": {
    "package": "onnxruntime-node",
    "version": "1.30.0"
  },
  "seed": "tensorsmith run /tmp/c2/qdq-propagation-maxpool-indices/ --seed 0",
  "testIndex": 0,
  "toolVersion": "0.1.0",
  "signature": "2520fadd5f1f98ce",
  "model": {
    "nodes": 2,
    "ops": [
      "MaxPool",
      "QuantizeLinear"
    ],
    "opset": 17
  }
};
const PACKAGE = "onnxruntime-node";
const INSTALL = "npm i onnxruntime-node@1.30.0";
const SESSION_OPTIONS = {"graphOptimizationLevel":"basic","executionProviders":["cpu"],"logSeverityLevel":3};
// Per graph output: its dtype and the tolerance tensorsmith's oracle judges it at, that of the least
// precise float dtype it is computed from (src/oracles/tolerance.ts and precision.ts).
const OUTPUTS = [{"name":"v8","dtype":"int64","rtol":0,"atol":0},{"name":"v11","dtype":"uint8","rtol":0,"atol":0}];
const SHOWN = 5;

async function loadSut() {
  const ort = (await import('onnxruntime-node')).default;
  return { ort, installed: createRequire(import.meta.url)('onnxruntime-node/package.json').version };
}

const here = new URL('.', import.meta.url);
const readJson = (name) => JSON.parse(readFileSync(new URL(name, here), 'utf8'));
// bounds.json (when the case has one): per float output, the error a correct float32 computation
// may have at each element; the oracle allows safetyFactor times it (plus flushToZero).
const BOUNDS = existsSync(new URL('bounds.json', here)) ? readJson('bounds.json') : undefined;

// inputs.json and expected.json hold each tensor as base64 of its raw little-endian bytes. float16
// is held as its bits (a Uint16Array), as onnxruntime takes and gives it where there is no Float16Array.
const ARRAYS = {
  float32: Float32Array, float64: Float64Array, float16: Uint16Array, int32: Int32Array, int64: BigInt64Array, bool: Uint8Array,
  int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array,
};
function decode(t) {
  const bytes = Buffer.from(t.data, 'base64');
  const Typed = ARRAYS[t.dtype];
  if (!Typed) throw new Error('a tensor of dtype ' + t.dtype + ', which this script does not read');
  const data = new Typed(bytes.byteLength / Typed.BYTES_PER_ELEMENT);
  new Uint8Array(data.buffer).set(bytes);
  return data;
}

// The value of IEEE half-precision bits.
function halfValue(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

// A tensor's elements as numbers: float16 bits (a Uint16Array) become their values.
function numbers(dtype, data) {
  return dtype === 'float16' && data instanceof Uint16Array ? Array.from(data, halfValue) : Array.from(data, Number);
}

function position(shape, index) {
  const at = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    at.unshift(index % shape[d]);
    index = Math.floor(index / shape[d]);
  }
  return '[' + at.join(', ') + ']';
}

// The oracle's rule: with bounds.json, |actual - expected| <= safetyFactor * bound + flushToZero per
// element; without, |actual - expected| <= atol * scale + rtol * |expected|, scale being the largest
// finite |expected| of the output (at least 1). NaN and Inf must match exactly.
function judge(out, expected, actual) {
  const bound = BOUNDS && BOUNDS.outputs[out.name] ? decode(BOUNDS.outputs[out.name]) : undefined;
  const label = "output '" + out.name + "'";
  if (!actual) return [label + ' is missing'];
  if (actual.type !== out.dtype) return [label + ' has type ' + actual.type + ', expected ' + out.dtype];
  const shape = '[' + expected.shape.join(', ') + ']';
  if (actual.dims.length !== expected.shape.length || actual.dims.some((d, i) => d !== expected.shape[i])) {
    return [label + ' has shape [' + actual.dims.join(', ') + '], expected ' + shape];
  }
  const e = numbers(out.dtype, decode(expected));
  const a = numbers(out.dtype, actual.data);
  let scale = 1;
  for (const x of e) if (Number.isFinite(x)) scale = Math.max(scale, Math.abs(x));
  const bad = [];
  let worst = 0;
  for (let i = 0; i < e.length; i++) {
    const ev = out.dtype === 'float32' ? Math.fround(e[i]) : e[i];
    const av = a[i];
    if (!Number.isFinite(ev) || !Number.isFinite(av)) {
      if (!(Number.isNaN(ev) && Number.isNaN(av)) && ev !== av) bad.push({ i, ev, av, ratio: Infinity, note: 'NaN/Inf mismatch' });
      continue;
    }
    const allowed = bound ? BOUNDS.safetyFactor * bound[i] + BOUNDS.flushToZero : out.atol * scale + out.rtol * Math.abs(ev);
    const diff = Math.abs(av - ev);
    const ratio = allowed === 0 ? (diff === 0 ? 0 : Infinity) : diff / allowed;
    worst = Math.max(worst, ratio);
    const note = bound ? 'bound ' + bound[i].toExponential(1) + ', ' + (bound[i] > 0 ? (diff / bound[i]).toExponential(2) + ' x the bound' : 'must be exact') : Number.isFinite(ratio) ? ratio.toExponential(2) + ' x tolerance' : 'must be equal';
    if (ratio > 1) bad.push({ i, ev, av, ratio, note });
  }
  const what = label + ' ' + shape + ' ' + out.dtype;
  if (bad.length === 0) {
    console.log(what + ': ok (worst error ' + worst.toExponential(2) + ' of ' + (bound ? 'the allowed error' : 'tolerance') + ')');
    return [];
  }
  const tolerance = bound
    ? 'allowed: ' + BOUNDS.safetyFactor + " x each element's error bound"
    : out.atol === 0 && out.rtol === 0 ? 'exact' : 'tolerance ' + out.atol + ' * ' + scale + ' + ' + out.rtol + ' * |expected|';
  const lines = [what + ': ' + bad.length + ' of ' + e.length + ' elements disagree (' + tolerance + ')'];
  bad.sort((x, y) => y.ratio - x.ratio);
  for (const b of bad.slice(0, SHOWN)) {
    lines.push('  ' + position(expected.shape, b.i) + '  expected ' + b.ev + '  actual ' + b.av + '  (' + b.note + ')');
  }
  if (bad.length > SHOWN) lines.push('  ... and ' + (bad.length - SHOWN) + ' more');
  return lines;
}

function errorText(e) {
  return String(e && e.message ? e.message : e).split('\n')[0];
}

// Exit codes: 1 while the bug is there, 0 once it is gone, 2 when the script cannot run at all (the
// SUT's package or the case's files missing), so that 1 never stands for a broken setup.
function cannotRun(why) {
  console.error('repro.mjs cannot run: ' + why);
  return 2;
}

async function main() {
  let sut;
  try {
    sut = await loadSut();
  } catch (e) {
    return cannotRun(PACKAGE + ' cannot be imported (' + errorText(e) + '): run ' + INSTALL + ' in this folder');
  }
  const { ort, installed } = sut;
  console.log(PACKAGE + ' ' + installed + '; the bug recorded: ' + CASE.kind + ' on ' + CASE.backend);
  if (CASE.message) console.log('  recorded: ' + String(CASE.message).split('\n')[0]);
  const feeds = {};
  let expected;
  let model;
  try {
    for (const [name, t] of Object.entries(readJson('inputs.json').inputs)) feeds[name] = new ort.Tensor(t.dtype, decode(t), t.shape);
    expected = readJson('expected.json').outputs;
    model = new Uint8Array(readFileSync(new URL('model.onnx', here)));
  } catch (e) {
    return cannotRun('the case files cannot be read: ' + errorText(e));
  }
  const unreferenced = OUTPUTS.find((out) => !expected || !expected[out.name]);
  if (unreferenced) return cannotRun("expected.json has no output '" + unreferenced.name + "'");
  let session;
  try {
    session = await ort.InferenceSession.create(model, SESSION_OPTIONS);
  } catch (e) {
    console.log('BUG: compile error: InferenceSession.create threw: ' + errorText(e));
    return 1;
  }
  let results;
  try {
    results = await session.run(feeds);
  } catch (e) {
    console.log('BUG: runtime error: session.run threw: ' + errorText(e));
    return 1;
  }
  let disagree = 0;
  for (const out of OUTPUTS) {
    const problems = judge(out, expected[out.name], results[out.name]);
    if (problems.length > 0) disagree++;
    for (const line of problems) console.log(line);
  }
  if (disagree > 0) {
    console.log('BUG: ' + disagree + ' of ' + OUTPUTS.length + ' outputs disagree with the reference outputs in expected.json');
    return 1;
  }
  console.log('OK: every output agrees with expected.json');
  return 0;
}

let code;
try {
  code = await main();
} catch (e) {
  // Whatever else goes wrong (a malformed expected.json, say) is no verdict on the bug either.
  code = cannotRun(errorText(e));
}
// onnxruntime keeps threads alive: exit explicitly once the output is flushed.
process.stdout.write('', () => process.exit(code));
