// How many foreign ONNX models (written by other tools: see bench/foreign-models/generate.py)
// tensorsmith imports, and how many of those the reference runtime then runs, with a table of the
// reasons the others fail, grouped (an op missing at an opset, by op; a dtype; a shape computed at
// run time...). Run `npm run build` first.
//   node bench/import-rate.mjs FOLDER [--json] [--examples N]
//   FOLDER        searched recursively for .onnx files; a first-level subfolder (node-tests, torch)
//                 and an opset<V> folder name, when present, split the figures
//   --json        print the figures as JSON instead
//   --examples N  show N example files per failure reason (default 1)
//   --no-fold     import without constant folding of shape subgraphs (to see what folding gains)
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const load = (path) => import(pathToFileURL(join(root, 'dist', path)).href);
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const folder = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--examples');
if (!folder) {
  console.error('usage: node bench/import-rate.mjs FOLDER [--json] [--examples N] (FOLDER holds .onnx files, e.g. from bench/foreign-models/generate.py)');
  process.exit(2);
}
const EXAMPLES = Number(option('--examples', '1'));

const { readOnnxModelFile } = await load('export/from-onnx.js');
const { builtinRegistry } = await load('opspec/ops/index.js');
const { validateModel } = await load('opspec/validate.js');
const { cpuConstantFolder } = await load('reference-runtime/folding/constant-folder.js');
const { runReference } = await load('reference-runtime/executor.js');
const { makeTensor, sizeOf } = await load('ir/tensor.js');

const registry = builtinRegistry();
const fold = args.includes('--no-fold') ? undefined : cpuConstantFolder(registry);

function onnxFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...onnxFiles(path));
    else if (name.endsWith('.onnx')) out.push(path);
  }
  return out;
}

/** ONNX TensorProto.DataType codes tensorsmith has no dtype for, by name. */
const ONNX_TYPES = { 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 8: 'string', 10: 'float16', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16' };

/**
 * The reason class of an import error, and a key within it (the op, the rule...). The message
 * shapes come from src/export/from-onnx.ts and src/opspec/infer.ts.
 */
function importReason(message) {
  const m = message.replace(/^.*?\.onnx: /, '');
  let r;
  if ((r = /^op (\S+) at opset (\d+) is not supported/.exec(m))) return ['op-version-unsupported', r[1]];
  if ((r = /^op (\S+) is not supported/.exec(m))) return ['op-unsupported', r[1]];
  if ((r = /^op (\S+) is outside the default domain/.exec(m))) return ['other-domain', r[1]];
  if (/imports no version of the default ONNX domain/.test(m)) return ['other-domain', '(no default-domain opset)'];
  if ((r = /element type (\d+),? (which )?is not supported/.exec(m))) return ['dtype', `${ONNX_TYPES[r[1]] ?? `type ${r[1]}`} tensor`];
  if (/must be a constant/.test(m)) {
    const op = /^node '[^']*' \((\w+)\): input \d+ \('(\w+)'\)/.exec(m);
    const why = /depends on the values of input/.test(m) ? 'from run-time values' : /which the import cannot evaluate/.test(m) ? 'from constants, not evaluable' : 'from constants';
    return ['shape computed at run time', `${op ? `${op[1]}.${op[2]}` : '?'} ${why}`];
  }
  if (/does not accept dtype|must be (\w+ or )*\w+, got \w+|'to' is one of/.test(m)) {
    const op = /^node '[^']*' \((\w+)\)/.exec(m);
    const t = /dtype (\w+)/.exec(m) ?? /got (\w+)/.exec(m);
    return ['dtype', `${op ? `${op[1]} ` : ''}${t ? t[1] : ''}`.trim()];
  }
  if (/symbolic dim/.test(m)) return ['symbolic dim', ''];
  if (/is not a tensor/.test(m)) return ['non-tensor input', ''];
  if (/attribute '([^']+)' is not supported/.test(m)) {
    const op = /^node '[^']*' \((\w+)\)/.exec(m);
    return ['attribute unsupported', `${op?.[1] ?? '?'}.${/attribute '([^']+)'/.exec(m)[1]}`];
  }
  if (/has attribute type \d+/.test(m)) return ['attribute type unsupported', /^(\w+) attribute '([^']+)'/.exec(m)?.slice(1).join('.') ?? ''];
  if ((r = /^node '[^']*' \((\w+)\): (.*)$/.exec(m))) return ['op rule broken', `${r[1]}: ${generic(r[2])}`];
  if (/Constant/.test(m)) return ['Constant value', generic(m)];
  return ['other', generic(m)];
}

/** A message with its names and numbers stripped, so that alike failures group. */
function generic(message) {
  return message
    .replace(/'[^']*'/g, "'…'")
    .replace(/-?\d+(\.\d+)?(e-?\d+)?/g, 'N')
    .slice(0, 110);
}

/** Zero-ish inputs: small float values (not all zero, so divisions stay finite), integer zeros, false. */
function inputsFor(model) {
  const inputs = new Map();
  for (const info of model.inputs) {
    const n = sizeOf(info.shape);
    const data = info.dtype === 'float32' || info.dtype === 'float64' ? Array.from({ length: n }, (_, i) => 0.1 + 0.05 * (i % 5)) : new Array(n).fill(0);
    inputs.set(info.name, makeTensor(info.dtype, info.shape, data));
  }
  return inputs;
}

function runReason(message) {
  const r = /no CPU kernel for '(\w+)'/.exec(message);
  if (r) return ['no CPU kernel', r[1]];
  return ['reference threw', generic(message)];
}

const files = onnxFiles(folder);
if (files.length === 0) {
  console.error(`no .onnx files under ${folder}`);
  process.exit(2);
}
const groups = new Map(); // group -> { total, imported, runnable }
const failures = new Map(); // 'import'|'run' -> class -> key -> files[]
const record = (stage, [cls, key], file) => {
  const byClass = failures.get(stage) ?? new Map();
  failures.set(stage, byClass);
  const byKey = byClass.get(cls) ?? new Map();
  byClass.set(cls, byKey);
  byKey.set(key, [...(byKey.get(key) ?? []), file]);
};
for (const file of files) {
  const rel = relative(folder, file);
  const parts = rel.split(sep);
  const opset = parts.slice(0, -1).find((p) => /^opset\d+$/.test(p)) ?? '';
  const kind = parts.length > 1 && parts[0] !== opset ? parts[0] : '.';
  const tally = (g) => groups.get(g) ?? (groups.set(g, { total: 0, imported: 0, runnable: 0 }), groups.get(g));
  const rows = [tally('all'), ...(kind !== '.' ? [tally(kind)] : []), ...(opset ? [tally(kind === '.' ? opset : `${kind} ${opset}`)] : [])];
  for (const row of rows) row.total++;
  let model;
  try {
    model = readOnnxModelFile(file, registry, fold ? { fold } : {});
    validateModel(model, registry);
  } catch (e) {
    record('import', importReason(e.message), rel);
    continue;
  }
  for (const row of rows) row.imported++;
  try {
    runReference(model, inputsFor(model), { registry });
  } catch (e) {
    record('run', runReason(e.message), rel);
    continue;
  }
  for (const row of rows) row.runnable++;
}

const pct = (a, b) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`);
const sortedFailures = (stage) =>
  [...(failures.get(stage) ?? new Map())]
    .map(([cls, byKey]) => ({ cls, count: [...byKey.values()].reduce((s, f) => s + f.length, 0), keys: [...byKey].sort((a, b) => b[1].length - a[1].length) }))
    .sort((a, b) => b.count - a.count);

if (args.includes('--json')) {
  const json = {
    folder,
    groups: Object.fromEntries(groups),
    failures: Object.fromEntries(
      ['import', 'run'].map((stage) => [stage, sortedFailures(stage).map((f) => ({ reason: f.cls, count: f.count, by: f.keys.map(([key, fs]) => ({ key, count: fs.length, examples: fs.slice(0, EXAMPLES) })) }))]),
    ),
  };
  console.log(JSON.stringify(json, null, 1));
} else {
  console.log(`${files.length} ONNX models under ${folder}\n`);
  console.log(`${'group'.padEnd(22)} ${'models'.padStart(7)} ${'imported'.padStart(16)} ${'runnable'.padStart(16)}`);
  const order = [...groups.keys()].sort((a, b) => (a === 'all' ? -1 : b === 'all' ? 1 : a.localeCompare(b, 'en', { numeric: true })));
  for (const g of order) {
    const r = groups.get(g);
    console.log(`${g.padEnd(22)} ${String(r.total).padStart(7)} ${`${r.imported} ${pct(r.imported, r.total)}`.padStart(16)} ${`${r.runnable} ${pct(r.runnable, r.total)}`.padStart(16)}`);
  }
  for (const stage of ['import', 'run']) {
    const list = sortedFailures(stage);
    if (list.length === 0) continue;
    console.log(`\n${stage === 'import' ? 'Import' : 'Run (imported, but the reference fails)'} failures by reason:`);
    for (const f of list) {
      console.log(`${String(f.count).padStart(6)}  ${f.cls}`);
      for (const [key, fs] of f.keys) console.log(`${String(fs.length).padStart(10)}  ${key || '(any)'}${EXAMPLES > 0 ? `   e.g. ${fs.slice(0, EXAMPLES).join(', ')}` : ''}`);
    }
  }
}
