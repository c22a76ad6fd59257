import { isFloatDType, type DType } from '../ir/dtype.js';
import { outputInfos, type Model } from '../ir/model.js';
import { toleranceDtypes } from '../oracles/precision.js';
import { TOLERANCES } from '../oracles/tolerance.js';

/** An onnxruntime SUT as a standalone script runs it. */
export interface OrtScriptSut {
  readonly package: 'onnxruntime-node' | 'onnxruntime-web';
  readonly sessionOptions: Readonly<Record<string, unknown>>;
  /** The session settings, for the script's header. */
  readonly settings: string;
}

/** A graph output with the tolerance tensorsmith's oracle judges it at. */
export interface ScriptOutput {
  readonly name: string;
  readonly dtype: DType;
  readonly rtol: number;
  readonly atol: number;
}

/** The model's outputs with the tolerance the oracle judges each at: what every standalone script judges by. */
export function scriptOutputs(model: Model): ScriptOutput[] {
  const tolDtypes = toleranceDtypes(model);
  return outputInfos(model).map((o) => {
    const tol = TOLERANCES[isFloatDType(o.dtype) ? (tolDtypes.get(o.name) ?? o.dtype) : o.dtype];
    return { name: o.name, dtype: o.dtype, rtol: tol.rtol, atol: tol.atol };
  });
}

/**
 * What a repro script records of its case, as its CASE constant. Every field is a value read from
 * the case (meta.json can come from anyone), so it enters the script only through scriptLiteral.
 */
export interface ScriptCase {
  readonly kind: string;
  readonly backend: string;
  readonly message?: string;
  readonly sut?: { readonly package: string; readonly version: string };
  readonly seed: string;
  readonly testIndex: number;
  readonly toolVersion: string;
  readonly signature?: string;
  readonly model: { readonly nodes: number; readonly ops: readonly string[]; readonly opset: number };
}

/**
 * VALUE as a JavaScript literal that is data and nothing else, whatever its strings hold: JSON, with
 * U+2028 and U+2029 escaped as well (they end a comment, and a string before ES2019). The only way
 * a value may enter a generated script: comments hold fixed text of ours only.
 */
export function scriptLiteral(value: unknown, indent?: number): string {
  const json = JSON.stringify(value, null, indent);
  if (json === undefined) throw new Error(`scriptLiteral: ${typeof value} has no JSON form`);
  return json.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * `npm i PKG@VERSION`, the version left out unless it looks like one: the script prints the command
 * for the user to paste, and a recorded version such as `1.0 && curl ...` must not ride along.
 */
export function installCommand(pkg: string, version: string | undefined): string {
  return version !== undefined && /^[0-9A-Za-z][0-9A-Za-z.+-]*$/.test(version) ? `npm i ${pkg}@${version}` : `npm i ${pkg}`;
}

/**
 * How the script loads its SUT: a dynamic import, so that a missing package is an exit 2 with the
 * install command rather than node's exit 1 on a static import it cannot resolve.
 */
const LOADERS: Record<OrtScriptSut['package'], string> = {
  'onnxruntime-node': [
    'async function loadSut() {',
    "  const ort = (await import('onnxruntime-node')).default;",
    "  return { ort, installed: createRequire(import.meta.url)('onnxruntime-node/package.json').version };",
    '}',
  ].join('\n'),
  'onnxruntime-web': [
    'async function loadSut() {',
    "  const ort = await import('onnxruntime-web');",
    '  // As tensorsmith runs it in Node: single-threaded (wasm threads need browser workers).',
    '  ort.env.wasm.numThreads = 1;',
    "  ort.env.logLevel = 'error';",
    '  return { ort, installed: ort.env.versions.web };',
    '}',
  ].join('\n'),
};

/**
 * The code of a standalone onnxruntime repro script after its header comment: CASE, then decode
 * inputs.json, run the session, judge every output against expected.json as the oracle does
 * (src/oracles/compare.ts), print the worst elements and exit 1 while the bug is there, 2 when the
 * script cannot run. Written without template literals so that it can live in one here; every
 * value enters it through scriptLiteral.
 */
export function ortScriptBody(sut: OrtScriptSut, outputs: readonly ScriptOutput[], recorded: ScriptCase): string {
  const version = recorded.sut?.package === sut.package ? recorded.sut.version : undefined;
  return `import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// The case as tensorsmith recorded it (the SUT's version is the one the bug was found with).
const CASE = ${scriptLiteral(recorded, 2)};
const PACKAGE = ${scriptLiteral(sut.package)};
const INSTALL = ${scriptLiteral(installCommand(sut.package, version))};
const SESSION_OPTIONS = ${scriptLiteral(sut.sessionOptions)};
// Per graph output: its dtype and the tolerance tensorsmith's oracle judges it at, that of the least
// precise float dtype it is computed from (src/oracles/tolerance.ts and precision.ts).
const OUTPUTS = ${scriptLiteral(outputs)};
const SHOWN = 5;

${LOADERS[sut.package]}

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
  return String(e && e.message ? e.message : e).split('\\n')[0];
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
  if (CASE.message) console.log('  recorded: ' + String(CASE.message).split('\\n')[0]);
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
`;
}
