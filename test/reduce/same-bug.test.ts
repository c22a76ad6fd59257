import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import type { Verdict } from '../../src/oracles/verdict.js';
import { isSameBug, sameBugPredicate } from '../../src/reduce/same-bug.js';
import { withOutputs } from '../../src/reduce/graph-edits.js';
import { faultyOps, tenNodeModel } from './models.js';

const registry = builtinRegistry();

describe('isSameBug', () => {
  const crash: Verdict = { kind: 'crash', backend: 'sut', message: "sut died (signal SIGABRT); stderr: bad node 'n3_Softmax' at offset 31" };

  it('matches crashes, hangs and errors by normalized message', () => {
    expect(isSameBug(crash, { ...crash, message: "sut died (signal SIGABRT); stderr: bad node 'n0_Softmax' at offset 7" })).toBe(true);
    expect(isSameBug(crash, { ...crash, message: 'sut died (signal SIGSEGV); stderr: out of memory' })).toBe(false);
    expect(isSameBug(crash, { ...crash, kind: 'runtime-error' })).toBe(false);
    expect(isSameBug(crash, { ...crash, backend: 'other' })).toBe(false);
  });

  it('takes wrong results and NaN mismatches for one class, whatever their values', () => {
    const wrong: Verdict = { kind: 'wrong-result', backend: 'sut', message: "output 'v3'[0] is 2, expected 1" };
    expect(isSameBug(wrong, { kind: 'wrong-result', backend: 'sut', message: "output 'v9'[4, 1] is -7, expected 3" })).toBe(true);
    // A wrong value turns into NaN downstream: reducing toward it moves between the two.
    expect(isSameBug(wrong, { kind: 'nan-mismatch', backend: 'sut' })).toBe(true);
    expect(isSameBug({ kind: 'nan-mismatch', backend: 'sut' }, wrong)).toBe(true);
    expect(isSameBug(wrong, { kind: 'runtime-error', backend: 'sut', message: 'x' })).toBe(false);
    expect(isSameBug(wrong, { kind: 'ok', backend: 'sut' })).toBe(false);
  });

  it('takes a memory violation for the same defect as wrong values, whatever its message', () => {
    const oob: Verdict = { kind: 'runtime-error', backend: 'sut', message: 'memory access out of bounds' };
    const abort: Verdict = { kind: 'runtime-error', backend: 'sut', message: 'Aborted(). Build with -sASSERTIONS for more info.' };
    expect(isSameBug(oob, abort)).toBe(true);
    expect(isSameBug(oob, { kind: 'wrong-result', backend: 'sut' })).toBe(true);
    expect(isSameBug({ kind: 'nan-mismatch', backend: 'sut' }, { kind: 'crash', backend: 'sut', message: 'sut died (signal SIGSEGV)' })).toBe(true);
    expect(isSameBug(oob, { kind: 'runtime-error', backend: 'sut', message: 'Transpose: no plan' })).toBe(false);
    expect(isSameBug(oob, { kind: 'crash', backend: 'sut', message: 'sut died (signal SIGABRT)' })).toBe(false);
    expect(isSameBug(oob, { kind: 'ok', backend: 'sut' })).toBe(false);
  });
});

describe('sameBugPredicate', () => {
  it('says yes while the SUT still shows the bug, no once the faulty op is gone', async () => {
    const adapter = await faultyOps();
    const stillFails = sameBugPredicate({ adapter, verdict: { kind: 'wrong-result', backend: 'faulty-ops' }, registry });
    const test = tenNodeModel();
    expect(await stillFails(test)).toBe(true);
    // v8 does not depend on the Tanh.
    expect(await stillFails(withOutputs(test, ['v8']))).toBe(false);
  });
});
