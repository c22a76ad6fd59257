import { isDType } from './dtype.js';
import { MODEL_FORMAT, type AttrValue, type Model, type Node, type ValueInfo, type Weight } from './model.js';
import { fromRawBytes, toRawBytes } from './tensor.js';
import { readFileSync, statSync } from 'node:fs';
import { ModelValidationError, UserError } from './errors.js';
import { tensorElementsProblem } from './limits.js';

/**
 * JSON with object keys sorted at every level and two-space indentation: the same value always
 * gives the same bytes, so hashes and byte-for-byte comparisons are meaningful.
 */
export function stableStringify(value: unknown): string {
  return write(value, '') + '\n';
}

function write(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') {
    // JSON has no NaN or Infinity; they are written as the strings "NaN", "Infinity", "-Infinity".
    if (typeof value === 'number' && !Number.isFinite(value)) return JSON.stringify(String(value));
    return JSON.stringify(value);
  }
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    // Arrays of scalars stay on one line: shapes and attribute lists read better that way.
    if (value.every((v) => v === null || typeof v !== 'object')) return '[' + value.map((v) => write(v, inner)).join(', ') + ']';
    return '[\n' + value.map((v) => inner + write(v, inner)).join(',\n') + '\n' + indent + ']';
  }
  const keys = Object.keys(value as object)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  if (keys.length === 0) return '{}';
  return (
    '{\n' +
    keys.map((k) => inner + JSON.stringify(k) + ': ' + write((value as Record<string, unknown>)[k], inner)).join(',\n') +
    '\n' +
    indent +
    '}'
  );
}

export function modelToJson(model: Model): string {
  return stableStringify({
    format: MODEL_FORMAT,
    opset: model.opset,
    inputs: model.inputs.map(infoToJson),
    weights: model.weights.map((w) => ({
      name: w.name,
      dtype: w.value.dtype,
      shape: w.value.shape,
      data: Buffer.from(toRawBytes(w.value)).toString('base64'),
      ...(w.fixed ? { fixed: true } : {}),
    })),
    nodes: model.nodes.map((n) => ({
      name: n.name,
      op: n.op,
      inputs: n.inputs,
      outputs: n.outputs.map(infoToJson),
      attrs: n.attrs,
    })),
    outputs: model.outputs,
  });
}

function infoToJson(v: ValueInfo): object {
  return { name: v.name, dtype: v.dtype, shape: v.shape };
}

/** Drops a UTF-8 byte-order mark (editors on Windows write one); JSON.parse rejects it. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Parses JSON text read from `file` (a byte-order mark is accepted). Throws a one-line UserError
 * naming the file when the text is empty or not JSON.
 */
export function parseJsonText(text: string, file: string): unknown {
  const body = stripBom(text);
  if (body.trim() === '') throw new UserError(`${file} is empty: it must hold JSON (regenerate or restore the file)`);
  try {
    return JSON.parse(body);
  } catch (e) {
    const reason = (e as Error).message.split('\n')[0];
    throw new UserError(`${file} is not valid JSON (${reason}): fix or regenerate the file`);
  }
}

/** Reads a text file, turning "missing", "is a folder" and read errors into a one-line UserError. */
export function readTextFile(file: string): string {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new UserError(`${file} does not exist`);
  }
  if (!isFile) throw new UserError(`${file} is a folder (or not a regular file), not a file: replace it with the file`);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Reads a model.json file: errors name the file. */
export function readModelJsonFile(file: string): Model {
  return modelFromJson(readTextFile(file), file);
}

/**
 * Parses the JSON form. Structural errors name where they are (and `file`, when given); semantic
 * checks are validateModel's.
 */
export function modelFromJson(text: string, file?: string): Model {
  if (file === undefined) return modelFromJsonText(text, 'model.json');
  try {
    return modelFromJsonText(text, file);
  } catch (e) {
    if (e instanceof ModelValidationError && !e.message.startsWith(file)) throw new UserError(`${file}: ${e.message}`);
    throw e;
  }
}

function modelFromJsonText(text: string, file: string): Model {
  const raw = parseJsonText(text, file);
  const obj = asObject(raw, 'model');
  if (obj.format !== MODEL_FORMAT) {
    throw new ModelValidationError('model', `"format" must be "${MODEL_FORMAT}", got ${JSON.stringify(obj.format)}`);
  }
  const opset = obj.opset;
  if (typeof opset !== 'number' || !Number.isInteger(opset)) throw new ModelValidationError('model', '"opset" must be an integer');
  const inputs = asArray(obj.inputs, 'model.inputs').map((v, i) => parseInfo(v, `input #${i}`));
  const weights = asArray(obj.weights, 'model.weights').map((v, i) => parseWeight(v, `weight #${i}`));
  const nodes = asArray(obj.nodes, 'model.nodes').map((v, i) => parseNode(v, i));
  const outputs = asArray(obj.outputs, 'model.outputs').map((v, i) => {
    if (typeof v !== 'string') throw new ModelValidationError(`output #${i}`, 'must be a value name (a string)');
    return v;
  });
  return { opset, inputs, weights, nodes, outputs };
}

function asObject(v: unknown, where: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ModelValidationError(where, 'must be a JSON object');
  return v as Record<string, unknown>;
}

function asArray(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new ModelValidationError(where, 'must be a JSON array');
  return v;
}

function parseShape(v: unknown, where: string): number[] {
  const arr = asArray(v, `${where}.shape`);
  return arr.map((d) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ModelValidationError(where, `shape must hold non-negative integers, got ${JSON.stringify(d)}`);
    }
    return d;
  });
}

function parseInfo(v: unknown, where: string): ValueInfo {
  const o = asObject(v, where);
  if (typeof o.name !== 'string' || o.name === '') throw new ModelValidationError(where, '"name" must be a non-empty string');
  if (!isDType(o.dtype)) throw new ModelValidationError(`${where} '${o.name}'`, `unknown dtype ${JSON.stringify(o.dtype)}`);
  const shape = parseShape(o.shape, `${where} '${o.name}'`);
  const tooBig = tensorElementsProblem(shape);
  if (tooBig) throw new ModelValidationError(`${where} '${o.name}'`, tooBig);
  return { name: o.name, dtype: o.dtype, shape };
}

function parseWeight(v: unknown, where: string): Weight {
  const info = parseInfo(v, where);
  const o = asObject(v, where);
  if (typeof o.data !== 'string') throw new ModelValidationError(`weight '${info.name}'`, '"data" must be base64 of little-endian bytes');
  const bytes = new Uint8Array(Buffer.from(o.data, 'base64'));
  if (o.fixed !== undefined && typeof o.fixed !== 'boolean') throw new ModelValidationError(`weight '${info.name}'`, '"fixed" must be true or false');
  try {
    return { name: info.name, value: fromRawBytes(info.dtype, info.shape, bytes), ...(o.fixed === true ? { fixed: true } : {}) };
  } catch (e) {
    throw new ModelValidationError(`weight '${info.name}'`, (e as Error).message);
  }
}

function parseNode(v: unknown, index: number): Node {
  const o = asObject(v, `node #${index}`);
  const name = typeof o.name === 'string' ? o.name : `#${index}`;
  const where = `node '${name}'`;
  if (typeof o.op !== 'string') throw new ModelValidationError(where, '"op" must be a string');
  const inputs = asArray(o.inputs, `${where}.inputs`).map((x) => {
    if (typeof x !== 'string') throw new ModelValidationError(where, 'inputs must be value names');
    return x;
  });
  const outputs = asArray(o.outputs, `${where}.outputs`).map((x, i) => parseInfo(x, `${where} output #${i}`));
  const attrsObj = asObject(o.attrs ?? {}, `${where}.attrs`);
  const attrs: Record<string, AttrValue> = {};
  for (const [k, a] of Object.entries(attrsObj)) {
    if (typeof a === 'number' || typeof a === 'string') attrs[k] = a;
    else if (Array.isArray(a) && a.every((x) => typeof x === 'number')) attrs[k] = a as number[];
    else if (Array.isArray(a) && a.every((x) => typeof x === 'string')) attrs[k] = a as string[];
    else throw new ModelValidationError(where, `attribute '${k}' must be a number, a string or a list of numbers or of strings`);
  }
  return { name, op: o.op, inputs, outputs, attrs };
}
