import { hashText } from '../ir/hash.js';
import { modelToJson, stableStringify } from '../ir/json.js';
import type { Tensor } from '../ir/tensor.js';
import { tensorsToJson } from '../ir/tensor-json.js';
import { validateModel } from '../opspec/validate.js';
import { ModelValidationError } from '../ir/errors.js';
import { untrustedRun } from '../inputsearch/clean.js';
import type { OpRegistry } from '../opspec/registry.js';
import { runReference, type ReferenceResult } from '../reference-runtime/executor.js';
import type { Candidate, StillFails } from './candidate.js';

/**
 * How much a reduction may do. Effort is counted in checks (candidates judged on the SUT), so that a
 * reduction takes the same steps on a fast and a slow machine; the wall-clock limit is only a
 * safety cap against a SUT that became slow.
 */
export interface ReductionBudget {
  readonly checks: number;
  readonly ms: number;
}

/** Enough checks to reduce a 12-node model to its trigger, through every pass, in practice. */
export const DEFAULT_REDUCTION_BUDGET: ReductionBudget = { checks: 400, ms: 120_000 };

/**
 * The reducer's state: the smallest candidate known to keep the bug, the reference's values on it
 * (where the graph is cut), counters, the budget, and the candidates already judged.
 */
export class ReductionSearch {
  current: Candidate;
  values: Map<string, Tensor>;
  checks = 0;
  accepted = 0;
  /** Set once a candidate was turned away because the budget was spent. */
  stopped = false;
  /** Set when the wall-clock cap (not the check budget) ended the search: the result then depends on the machine. */
  timedOut = false;
  private readonly judged = new Set<string>();
  private readonly deadline: number;

  constructor(
    start: Candidate,
    private readonly registry: OpRegistry,
    private readonly stillFails: StillFails,
    private readonly budget: ReductionBudget,
    private readonly onProgress?: (nodes: number) => void,
  ) {
    validateModel(start.model, registry);
    this.current = start;
    this.values = runReference(start.model, start.inputs, { registry }).values;
    this.judged.add(candidateKey(start));
    this.deadline = performance.now() + budget.ms;
  }

  /** Whether the budget is spent: no further check starts. */
  outOfTime(): boolean {
    if (this.checks >= this.budget.checks) this.stopped = true;
    else if (performance.now() >= this.deadline) this.stopped = this.timedOut = true;
    return this.stopped;
  }

  /**
   * Makes the candidate the current one when it is a valid model with at least one node, its
   * reference run is trustworthy, and it still shows the bug. Each candidate is judged once.
   */
  async attempt(candidate: Candidate | undefined): Promise<boolean> {
    if (!candidate || candidate.model.nodes.length === 0 || this.outOfTime()) return false;
    const key = candidateKey(candidate);
    if (this.judged.has(key)) return false;
    this.judged.add(key);
    const values = this.trustedRun(candidate);
    if (!values) return false;
    this.checks++;
    if (!(await this.stillFails(candidate))) return false;
    this.current = candidate;
    this.values = values;
    this.accepted++;
    this.onProgress?.(candidate.model.nodes.length);
    return true;
  }

  /** The reference's values on a valid candidate whose run can be trusted; else undefined. */
  private trustedRun(candidate: Candidate): Map<string, Tensor> | undefined {
    try {
      validateModel(candidate.model, this.registry);
    } catch (e) {
      if (e instanceof ModelValidationError) return undefined;
      throw e;
    }
    // A valid model the reference cannot run is a bug of tensorsmith (a spec that admits what its
    // kernel rejects): it propagates and is reported as such, never taken for "no test".
    const run: ReferenceResult = runReference(candidate.model, candidate.inputs, { registry: this.registry });
    // Simplified values (zeros, integers) land on discontinuities easily: the full check, rounding probe included.
    return untrustedRun(candidate.model, candidate.inputs, run, this.registry) ? undefined : run.values;
  }
}

function candidateKey(candidate: Candidate): string {
  return hashText(modelToJson(candidate.model) + stableStringify(tensorsToJson(candidate.inputs)));
}
