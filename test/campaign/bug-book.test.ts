import { describe, expect, it } from 'vitest';
import { BugBook } from '../../src/campaign/bug-book.js';
import type { PendingReduction } from '../../src/campaign/findings.js';
import { nextReduction } from '../../src/campaign/reduction-order.js';
import type { Model } from '../../src/ir/model.js';
import { reasonKey } from '../../src/oracles/evaluate.js';
import { SignatureDb } from '../../src/store/signatures.js';
import type { BugEntry } from '../../src/store/summary.js';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';

function bug(signature: string, fields: Partial<BugEntry>): BugEntry {
  return {
    signature,
    class: 'runtime-error',
    family: 'tfjs-webgpu',
    verdict: 'runtime-error',
    backend: 'tfjs-webgpu',
    seenOn: ['tfjs-webgpu'],
    dir: join('bugs', signature),
    ops: ['DepthToSpace', 'IsInf'],
    kernels: fields.ops ?? ['DepthToSpace', 'IsInf'],
    triggers: [['DepthToSpace(bool)', 'IsInf(float32)']],
    pattern: 'WebGPU validation error: type mismatch',
    firstSeen: { seed: 's', testIndex: 3 },
    occurrences: 1,
    status: 'new',
    reduced: { nodes: 2, dir: join('bugs', signature, 'reduced') },
    ...fields,
  };
}

describe('the bug book', () => {
  it('takes a finding for a listed bug when its model holds one of the bug\'s triggers (same class, family, message)', () => {
    const book = new BugBook();
    const b = bug('b1', {});
    book.set(b);
    const key = { class: 'runtime-error', family: 'tfjs-webgpu', pattern: b.pattern };
    expect(book.containing({ ...key, trigger: ['Add(float32,float32)', 'DepthToSpace(bool)', 'IsInf(float32)'] })).toBe(b);
    expect(book.containing({ ...key, trigger: ['DepthToSpace(bool)'] })).toBeUndefined();
    expect(book.containing({ ...key, family: 'tfjs-cpu', trigger: ['DepthToSpace(bool)', 'IsInf(float32)'] })).toBeUndefined();
    expect(book.containing({ ...key, pattern: 'another error', trigger: ['DepthToSpace(bool)', 'IsInf(float32)'] })).toBeUndefined();
  });

  it('skips a test on a SUT that showed an error it holds the trigger of, and only there', () => {
    const book = new BugBook();
    book.set(bug('b1', {}));
    expect(book.expensiveOn('tfjs-webgpu', ['DepthToSpace(bool)', 'IsInf(float32)', 'Relu(float32)'])?.signature).toBe('b1');
    expect(book.expensiveOn('tfjs-cpu', ['DepthToSpace(bool)', 'IsInf(float32)'])).toBeUndefined();
    book.set(bug('n1', { class: 'numeric', triggers: [['Tanh(float32)']] }));
    // A numeric bug's tests still run: they may pass, or show another wrong value.
    expect(book.expensiveOn('tfjs-webgpu', ['Tanh(float32)'])).toBeUndefined();
  });

  it('finds the same error reduced around another op, and a folded listing keeps its trigger', () => {
    const book = new BugBook();
    const first = bug('b1', {});
    book.set(first);
    const second = bug('b2', { ops: ['DepthToSpace', 'Equal', 'PRelu'], triggers: [['DepthToSpace(bool)', 'Equal(float32)', 'PRelu(float32)']] });
    expect(book.sameDefectAround(second, second)).toBe(first);
    expect(book.sameDefectAround({ ...second, kernels: ['Equal', 'PRelu'] }, second)).toBeUndefined();
    expect(book.sameDefectAround({ ...second, class: 'numeric' }, second)).toBeUndefined();
    book.set(second);
    book.fold(second, first);
    expect(book.get('b2')).toBeUndefined();
    expect(first.occurrences).toBe(2);
    expect(book.containing({ class: first.class, family: first.family, pattern: first.pattern, trigger: second.triggers[0]! })).toBe(first);
  });
});

describe('defects shown as wrong values or memory violations', () => {
  it('are one bug when they reduce to the same op set', () => {
    const book = new BugBook();
    const memory = bug('m1', { class: 'memory', pattern: 'memory', ops: ['Where'], triggers: [['Where(bool)']] });
    book.set(memory);
    expect(book.sameDefectAround({ class: 'numeric', family: 'tfjs-webgpu', pattern: 'numeric', kernels: ['Where'] })).toBe(memory);
    expect(book.sameDefectAround({ class: 'numeric', family: 'tfjs-webgpu', pattern: 'numeric', kernels: ['Add', 'Where'] })).toBeUndefined();
    expect(book.containing({ class: 'numeric', family: 'tfjs-webgpu', pattern: 'numeric', trigger: ['Where(bool)', 'Xor(bool)'] })).toBe(memory);
  });
});

describe('the signature database', () => {
  it('knows a bug by any signature recorded as its alias', () => {
    const db = SignatureDb.open(join(tempDir(), 'signatures.json'));
    db.record({ class: 'runtime-error', family: 'f', ops: ['A', 'B'], pattern: 'p', hash: 'h1' }, '2026-01-01');
    expect(db.statusOf('h2')).toBe('new');
    db.alias('h1', 'h2');
    db.save();
    const again = SignatureDb.open(db.path);
    expect(again.statusOf('h2')).toBe('known');
    again.markFixed(['h1'], '2026-01-02');
    expect(again.statusOf('h2')).toBe('regression');
  });
});

describe('unsupported reasons', () => {
  it('are counted once whatever the node names and values', () => {
    expect(reasonKey('Resize (n3_Resize): roi [0.25, 0.75] of in0')).toBe(reasonKey('Resize (n7_Resize): roi [0.5] of in12'));
  });
});

describe('the order of waiting reductions', () => {
  const modelOf = (nodes: number): Model => ({
    opset: 17,
    inputs: [],
    weights: [],
    nodes: Array.from({ length: nodes }, (_, i) => ({ name: `n${i}`, op: 'Relu', inputs: [], outputs: [], attrs: {} })),
    outputs: [],
  });
  const waiting = (signature: string, kind: 'runtime-error' | 'wrong-result', nodes: number): PendingReduction => ({
    sessionName: 'tfjs-webgpu',
    signature,
    outcome: { verdict: { kind, backend: 'tfjs-webgpu' } },
    test: { model: modelOf(nodes), onnx: new Uint8Array(), inputs: new Map(), expected: new Map() },
  });

  it('takes errors first, then a kind no reduced bug has, then the smallest model', () => {
    const book = new BugBook();
    book.set(bug('reduced-mismatch', {}));
    book.set(bug('same-kind', { reduced: undefined }));
    book.set(bug('new-kind-big', { reduced: undefined, pattern: 'another message' }));
    book.set(bug('new-kind-small', { reduced: undefined, pattern: 'another message' }));
    book.set(bug('values', { reduced: undefined, class: 'numeric', pattern: 'numeric' }));
    const pending = [waiting('values', 'wrong-result', 2), waiting('same-kind', 'runtime-error', 3), waiting('new-kind-big', 'runtime-error', 9), waiting('new-kind-small', 'runtime-error', 5)];
    expect(pending[nextReduction(pending, book)]!.signature).toBe('new-kind-small');
    pending.splice(3, 1);
    expect(pending[nextReduction(pending, book)]!.signature).toBe('new-kind-big');
    pending.splice(2, 1);
    expect(pending[nextReduction(pending, book)]!.signature).toBe('same-kind');
    pending.splice(1, 1);
    expect(pending[nextReduction(pending, book)]!.signature).toBe('values');
    expect(nextReduction([], book)).toBe(-1);
  });

  it('takes first a finding in a model the SUT\'s recorded bugs name, whatever its class', () => {
    const book = new BugBook();
    book.set(bug('error', { reduced: undefined }));
    book.set(bug('named', { reduced: undefined, class: 'numeric', pattern: 'numeric' }));
    const named: PendingReduction = { ...waiting('named', 'wrong-result', 9), outcome: { verdict: { kind: 'wrong-result', backend: 'tfjs-webgpu' }, knownBug: { corpus: 'tfjs-webgpu-prod-keepdims', reason: 'prod' } } };
    const pending = [waiting('error', 'runtime-error', 2), named];
    expect(pending[nextReduction(pending, book)]!.signature).toBe('named');
  });
});

describe('corpus bugs named by the SUT\'s recorded bugs', () => {
  const corpusBug = (alsoShowsAs: string[]) => ({
    name: 'tfjs-webgpu-prod-keepdims',
    signature: { hash: 'h', class: 'numeric', family: 'tfjs-webgpu', ops: ['ReduceProd'], kernels: ['ReduceProd'], pattern: 'numeric' },
    seenOn: ['tfjs-webgpu'],
    alsoShowsAs,
    model: { opset: 17, inputs: [], weights: [], nodes: [], outputs: [] },
  });
  const finding = { class: 'runtime-error', family: 'tfjs-webgpu', pattern: 'All values in axis param must be in range', trigger: ['Concat(int32)', 'ReduceProd(int32)'], named: 'tfjs-webgpu-prod-keepdims' };

  it('are taken for a failure of another class only when the entry says the bug shows as it', () => {
    expect(new BugBook([corpusBug([])]).corpusBugFor(finding, () => ['ReduceProd(int32)'])).toBeUndefined();
    expect(new BugBook([corpusBug(['runtime-error'])]).corpusBugFor(finding, () => ['ReduceProd(int32)'])?.name).toBe('tfjs-webgpu-prod-keepdims');
    // Not named by the SUT's recorded bugs: the class must match.
    expect(new BugBook([corpusBug(['runtime-error'])]).corpusBugFor({ ...finding, named: undefined }, () => ['ReduceProd(int32)'])).toBeUndefined();
  });
});
