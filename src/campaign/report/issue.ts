import { existsSync } from 'node:fs';
import { release, type } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../ir/errors.js';
import type { Model, Node } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import { readCaseFolder } from '../../store/case-folder.js';
import { readCorpusEntry, type CorpusEntry } from '../../store/corpus-entry.js';
import { sutSettings } from '../../store/repro-script.js';
import { readActualFile, readExpectedFile } from '../../store/tensors-file.js';
import { describeVerdict } from './labels.js';

/** Values a report shows of one tensor before it says how many more there are. */
const SHOWN_VALUES = 64;

function formatValue(dtype: string, x: number): string {
  if (dtype === 'bool') return x ? 'true' : 'false';
  if (dtype === 'float32' || dtype === 'float64' || dtype === 'float16') return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(dtype === 'float32' ? 9 : dtype === 'float16' ? 5 : 17)));
  return String(x);
}

/** `float32[2, 3] = [1, 2, …]`: the tensor's type and its first values. */
export function tensorText(t: Tensor): string {
  const values = Array.from(t.data.subarray(0, SHOWN_VALUES), (x) => formatValue(t.dtype, x));
  const more = t.data.length > SHOWN_VALUES ? `, … (${t.data.length - SHOWN_VALUES} more)` : '';
  return `${t.dtype}[${t.shape.join(', ')}] = [${values.join(', ')}${more}]`;
}

function attrText(value: unknown): string {
  return JSON.stringify(value);
}

/** One node as a line: `y: float32[2, 3] = Conv(x, w) {pads: [0, 0, 0, 1]}`. */
function nodeLine(node: Node): string {
  const outs = node.outputs.map((o) => `${o.name}: ${o.dtype}[${o.shape.join(', ')}]`).join(', ');
  const attrs = Object.entries(node.attrs);
  const attrList = attrs.length > 0 ? ` {${attrs.map(([k, v]) => `${k}: ${attrText(v)}`).join(', ')}}` : '';
  return `${outs} = ${node.op}(${node.inputs.map((i) => (i === '' ? '∅' : i)).join(', ')})${attrList}`;
}

/** The model as text a maintainer can rebuild it from: inputs, weights with their values, nodes, outputs. */
export function modelText(model: Model): string[] {
  return [
    `opset ${model.opset}`,
    ...model.inputs.map((i) => `input  ${i.name}: ${i.dtype}[${i.shape.join(', ')}]`),
    ...model.weights.map((w) => `weight ${w.name}: ${tensorText(w.value)}`),
    ...model.nodes.map((n) => `node   ${nodeLine(n)}`),
    `output ${model.outputs.join(', ')}`,
  ];
}

function specLink(op: string): string {
  return `https://onnx.ai/onnx/operators/onnx__${op}.html`;
}

/**
 * A bug case (its reduced/ folder when it has one) as the Markdown of an upstream bug report: the
 * title, the environment, the model as text, the input values, expected and actual values, the
 * sentence of the ONNX specification it breaks (from the corpus entry, when the case is one) and
 * the commands that reproduce it. Everything comes from the case's files; nothing is run.
 */
export function renderIssue(caseDir: string): string {
  const dir = existsSync(join(caseDir, 'reduced', 'model.json')) ? join(caseDir, 'reduced') : caseDir;
  const loaded = readCaseFolder(dir);
  const meta = loaded.meta ?? (dir !== caseDir ? readCaseFolder(caseDir).meta : undefined);
  if (!meta) throw new UserError(`'${caseDir}' has no meta.json: it records no bug to report`);
  const entry: CorpusEntry | undefined = existsSync(join(caseDir, 'corpus.json')) ? readCorpusEntry(join(caseDir, 'corpus.json')) : undefined;
  const expected = existsSync(join(dir, 'expected.json')) ? readExpectedFile(join(dir, 'expected.json')) : undefined;
  const actual = existsSync(join(dir, 'actual.json')) ? readActualFile(join(dir, 'actual.json')) : undefined;
  const verdict = meta.verdict;
  const sut = meta.backends.find((b) => b.name === verdict.backend) ?? meta.backends[0];
  const ops = [...new Set(loaded.model.nodes.map((n) => n.op))];
  const title = entry?.title ?? `${ops.join(', ')}: ${verdict.kind} on ${verdict.backend}${sut ? ` (${sut.package} ${sut.version})` : ''}`;
  const lines: string[] = [`# ${title}`, ''];
  if (entry) {
    lines.push(`Status: ${entry.status}${entry.upstream ? ` (${entry.upstream})` : ''}. Seen on: ${entry.seenOn.join(', ')}.`, '');
  }
  lines.push(`${describeVerdict(verdict.kind).replace(/\.$/, '')}${verdict.message ? `: ${verdict.message}` : '.'}`, '');
  lines.push('## Environment', '');
  for (const b of meta.backends) {
    const device = b.device !== undefined ? `, ${b.device}` : '';
    lines.push(`- ${b.name}: ${b.package} ${b.version}${device}`);
    const settings = sutSettings(b.name);
    if (settings) lines.push(`  - session: ${settings}`);
  }
  lines.push(`- recorded by tensorsmith ${meta.toolVersion}; this report written on ${type()} ${release()}, Node ${process.version}`, '');
  lines.push('## Model', '', '```', ...modelText(loaded.model), '```', '');
  lines.push('## Inputs', '', '```', ...[...loaded.inputs].map(([name, t]) => `${name}: ${tensorText(t)}`), '```', '');
  lines.push('## Expected and actual', '');
  lines.push('Expected: the ONNX semantics, computed by tensorsmith\'s float64 reference runtime and stored in each output\'s dtype.', '');
  lines.push('```');
  for (const name of loaded.model.outputs) {
    const e = expected?.get(name);
    if (e) lines.push(`expected ${name}: ${tensorText(e)}`);
    if (actual && 'outputs' in actual) {
      const a = actual.outputs.get(name);
      lines.push(`actual   ${name}: ${a ? tensorText(a) : '(missing)'}`);
    }
  }
  if (actual && 'error' in actual) lines.push(`actual: ${actual.error}`);
  lines.push('```', '');
  if (verdict.worst) {
    const w = verdict.worst;
    lines.push(`Worst element: ${w.output}[${w.position.join(', ')}] is ${w.actual}, expected ${w.expected}.`, '');
  }
  lines.push('## What the specification says', '');
  if (entry) {
    lines.push(`${entry.spec.op} (${specLink(entry.spec.op)}):`, '', `> ${entry.spec.sentence}`, '');
    if (entry.explanation) lines.push(entry.explanation, '');
  } else {
    lines.push(`The specification of each op of the model: ${ops.map((op) => `[${op}](${specLink(op)})`).join(', ')}.`, '');
  }
  lines.push('## Reproduce', '', 'From this folder:', '', '```sh');
  if (existsSync(join(caseDir, 'repro.py'))) lines.push('python3 repro.py          # onnxruntime and numpy only; exits 1 while the bug is there');
  lines.push('node repro.mjs            # exits 1 while the bug is there, 0 once it is fixed');
  lines.push(`npx tensorsmith repro ${dir === caseDir ? '.' : 'reduced'}   # the same through tensorsmith, on ${verdict.backend}`);
  const elsewhere = entry?.replayOn.filter((s) => s !== verdict.backend) ?? [];
  if (elsewhere.length > 0) lines.push(`npx tensorsmith repro ${dir === caseDir ? '.' : 'reduced'} --backends ${elsewhere.join(',')}`);
  if (existsSync(join(dir, 'repro.html'))) lines.push('# or open repro.html in Chrome and read the console');
  lines.push('```', '');
  return `${lines.join('\n')}`;
}

