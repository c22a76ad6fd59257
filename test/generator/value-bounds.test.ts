import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generator/generate.js';
import { Rng } from '../../src/generator/rng.js';
import { intersect, ValueBounds } from '../../src/generator/value-bounds.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';

const acoshDomain = { input: 0, min: 1.001 };
const asinDomain = { input: 0, min: -0.999, max: 0.999 };

describe('value bounds', () => {
  it('intersects intervals, integers and exact zeros', () => {
    expect(intersect({ lo: -1, hi: 1 }, { lo: 1.001, hi: Infinity })).toBeUndefined();
    expect(intersect({ lo: -1, hi: 1, integral: true, nonzero: true }, { lo: -0.999, hi: 0.999 })).toBeUndefined();
    expect(intersect({ lo: 0, hi: 5, integral: true }, { lo: 1.001, hi: Infinity })).toEqual({ lo: 2, hi: 5, integral: true });
    expect(intersect({ lo: -1, hi: 1, zeros: true }, { lo: 0.5, hi: 2 })).toBeUndefined();
  });

  it('refuses a domain no value of a bounded op can reach (Acosh of an Erf)', () => {
    const b = new ValueBounds();
    b.addLeaf('x', 'float32');
    b.addNode('Erf', ['x'], ['e']);
    expect(b.canRequire('e', acoshDomain)).toBe(false);
    expect(b.canRequire('e', asinDomain)).toBe(true);
    b.addNode('Sign', ['x'], ['s']);
    expect(b.canRequire('s', asinDomain)).toBe(false);
  });

  it('refuses requirements that contradict each other through copies of one input', () => {
    const b = new ValueBounds();
    b.addLeaf('x', 'float32');
    b.require('x', acoshDomain);
    b.addNode('Reshape', ['x', ''], ['r']);
    b.addNode('Neg', ['r'], ['n']);
    expect(b.canRequire('r', asinDomain)).toBe(false);
    // -x <= -1.001 and Log wants -x >= 1e-3: no x does both.
    expect(b.canRequire('n', { input: 0, min: 1e-3 })).toBe(false);
    expect(b.canRequire('n', { input: 0, max: 0 })).toBe(true);
  });

  it('passes a requirement on a graph input to the node that later produces it (backward insertion)', () => {
    const b = new ValueBounds();
    b.addLeaf('x', 'float32');
    b.require('x', asinDomain);
    expect(b.canProduce('Cosh', ['y'], 'x')).toBe(false);
    expect(b.canProduce('Tanh', ['y'], 'x')).toBe(true);
  });

  it('refuses fixed values and what is computed from them alone', () => {
    const b = new ValueBounds();
    b.addFixed('shape');
    b.addNode('Asinh', ['shape'], ['a']);
    expect(b.canRequire('a', { input: 0, minAbs: 1e-3 })).toBe(false);
  });

  it('keeps Acosh away from values that cannot exceed 1 in generated models', async () => {
    const registry = builtinRegistry();
    for (let seed = 0; seed < 40; seed++) {
      const { model } = await generate({ maxNodes: 6, ops: ['Acosh', 'Erf', 'Tanh', 'Sigmoid', 'Add'] }, registry, new Rng(`bounds/${seed}`));
      const producers = new Map(model.nodes.flatMap((n) => n.outputs.map((o) => [o.name, n.op] as const)));
      for (const node of model.nodes.filter((n) => n.op === 'Acosh')) {
        expect(['Erf', 'Tanh', 'Sigmoid']).not.toContain(producers.get(node.inputs[0]!));
      }
    }
  });

  it('tracks integer intervals and refuses an integer node that must overflow, not one that may', () => {
    const b = new ValueBounds();
    b.addLeaf('i', 'int32');
    expect(b.range('i')).toEqual({ lo: -16, hi: 16, integral: true });
    b.addNode('Mul', ['i', 'i'], ['sq']);
    expect(b.range('sq')).toEqual({ lo: 0, hi: 256, integral: true });
    const big = { lo: 2 ** 20, hi: 2 ** 21, integral: true };
    expect(b.mustOverflow('Mul', [big, big], 'int32')).toBe(true);
    expect(b.mustOverflow('Mul', [big, big], 'int64')).toBe(false);
    expect(b.mustOverflow('Mul', [big, big], 'float32')).toBe(false);
    expect(b.mustOverflow('Mul', ['i', big], 'int32')).toBe(false);
    expect(b.mustOverflow('Add', [big, { lo: 2 ** 31, hi: 2 ** 32 }], 'int32')).toBe(true);
    // Max never overflows, whatever its inputs' intervals say.
    expect(b.mustOverflow('Max', [{ lo: 2 ** 32, hi: 2 ** 33 }], 'int32')).toBe(false);
  });

  it('still generates int32 Pow, which may overflow but need not', async () => {
    const registry = builtinRegistry();
    let pows = 0;
    for (let seed = 0; seed < 10; seed++) {
      const { model } = await generate({ maxNodes: 4, ops: ['Pow', 'Mul', 'Add'], dtypes: ['int32'] }, registry, new Rng(`int-pow/${seed}`));
      pows += model.nodes.filter((n) => n.op === 'Pow' && n.outputs[0]!.dtype === 'int32').length;
    }
    expect(pows).toBeGreaterThan(0);
  });
});
