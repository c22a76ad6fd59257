import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../../src/reference-runtime/conformance.js';

// The ONNX node tests live in ../shared beside the checkout (or two levels up from a worktree).
const dir = [join(process.cwd(), '..', 'shared', 'onnx-node-tests'), join(process.cwd(), '..', '..', 'shared', 'onnx-node-tests')].find((d) => existsSync(d));

describe.runIf(dir !== undefined)('ONNX node conformance cases with shape subgraphs', () => {
  it("fold them: no case stops at a shape input that must be a constant, and the function bodies that compute shapes pass", async () => {
    const report = await runConformance(dir!, { filter: /^test_(sce_.*_expanded|layer_normalization_.*_expanded|size.*)$/ });
    expect(report.skips.filter((s) => s.reason.includes('must be a constant'))).toEqual([]);
    expect(report.failures).toEqual([]);
    // The expanded LayerNormalizations compute their reduced shape with Shape, Size, Slice,
    // ConstantOfShape and Concat; each runs once folded (SoftmaxCrossEntropyLoss's bodies then
    // stop at NegativeLogLikelihoodLoss, which tensorsmith does not have).
    expect(report.passed).toBeGreaterThanOrEqual(21);
  }, 60_000);
});
