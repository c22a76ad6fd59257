import type { AttrValue } from '../ir/model.js';
import { valueTypes } from '../ir/model.js';
import type { OpRegistry } from '../opspec/registry.js';
import type { AttrSpec } from '../opspec/spec.js';
import type { Candidate, Edit } from './candidate.js';
import { roundSignificant } from './tensor-edits.js';
import { reinferTypes } from './types.js';

/** Ways to make an attribute simpler, simplest first. */
const ATTR_SIMPLIFICATIONS = ['omit', 'zero', 'one', 'half', 'decrement', 'integer', 'one-digit', 'two-digits', 'first-choice'] as const;
type AttrSimplification = (typeof ATTR_SIMPLIFICATIONS)[number];

/** Attribute values closer to the defaults: the attribute left out (when it has a default), then smaller values. */
export function attrEdits(candidate: Candidate, registry: OpRegistry): Edit[] {
  return candidate.model.nodes.flatMap((node) =>
    Object.keys(node.attrs).flatMap((attr) =>
      ATTR_SIMPLIFICATIONS.map((how): Edit => (current) => {
        const value = simplerAttr(current, registry, node.name, attr, how);
        return value === undefined ? undefined : withAttr(current, registry, node.name, attr, value);
      }),
    ),
  );
}

const OMIT = Symbol('omit');

/** The simpler setting of one attribute of a node (OMIT: leave it out), if `how` gives one. */
function simplerAttr(candidate: Candidate, registry: OpRegistry, nodeName: string, attr: string, how: AttrSimplification): AttrValue | typeof OMIT | undefined {
  const { model } = candidate;
  const node = model.nodes.find((n) => n.name === nodeName);
  const spec = node && registry.find(node.op, model.opset);
  const value = node?.attrs[attr];
  if (!node || !spec || value === undefined) return undefined;
  const types = valueTypes(model);
  const ranks = node.inputs.map((n) => (n === '' ? 0 : (types.get(n)?.shape.length ?? 0)));
  const decl = spec.attrs?.(ranks)[attr];
  if (!decl) return undefined;
  if (how === 'omit') return decl.default !== undefined || decl.optional ? OMIT : undefined;
  if (how === 'first-choice') return decl.kind === 'string' && decl.choices[0] !== value ? decl.choices[0] : undefined;
  if (typeof value !== 'number') return undefined;
  const simpler = simplerNumber(value, how);
  if (simpler === undefined || simpler === value || !allowed(decl, simpler)) return undefined;
  // Ints only get smaller in magnitude; floats may also just lose digits.
  return decl.kind === 'float' || Math.abs(simpler) < Math.abs(value) ? simpler : undefined;
}

function simplerNumber(v: number, how: AttrSimplification): number | undefined {
  switch (how) {
    case 'zero':
      return 0;
    case 'one':
      return 1;
    case 'half':
      return Math.trunc(v / 2);
    case 'decrement':
      return v - Math.sign(v);
    case 'integer':
      return Math.round(v);
    case 'one-digit':
      return roundSignificant(v, 1);
    case 'two-digits':
      return roundSignificant(v, 2);
    default:
      return undefined;
  }
}

function allowed(decl: AttrSpec, x: number): boolean {
  switch (decl.kind) {
    case 'int':
      return Number.isInteger(x) && x >= decl.domain[0] && x <= decl.domain[1];
    case 'choice':
      return decl.choices.includes(x);
    case 'float':
      return x >= decl.range[0] && x <= decl.range[1];
    default:
      return false;
  }
}

function withAttr(current: Candidate, registry: OpRegistry, nodeName: string, attr: string, value: AttrValue | typeof OMIT): Candidate | undefined {
  const nodes = current.model.nodes.map((n) => {
    if (n.name !== nodeName) return n;
    const attrs: Record<string, AttrValue> = { ...n.attrs };
    if (value === OMIT) delete attrs[attr];
    else attrs[attr] = value;
    return { ...n, attrs };
  });
  const model = reinferTypes({ ...current.model, nodes }, registry);
  return model ? { model, inputs: current.inputs } : undefined;
}
