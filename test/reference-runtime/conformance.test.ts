import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../src/reference-runtime/conformance.js';
import { webGpuConformanceExecutor, webGpuRuntime } from '../../src/reference-runtime/webgpu/index.js';
import { webGpuSkipReason } from '../support/webgpu-availability.js';

// The ONNX node tests live in ../shared beside the checkout (CI has them). A user's clone may not:
// then this suite is reported as skipped.
const dir = join(process.cwd(), '..', 'shared', 'onnx-node-tests');

const webGpuSkip = await webGpuSkipReason();

describe.runIf(existsSync(dir))('ONNX node conformance of the reference runtime', () => {
  it('passes at least 98% of the cases it runs, and gives a reason for every skip', async () => {
    const report = await runConformance(dir);
    const run = report.passed + report.failed;
    expect(run).toBeGreaterThanOrEqual(450);
    expect(report.passed / run).toBeGreaterThanOrEqual(0.98);
    expect(report.failures).toEqual([]);
    expect(report.skips.every((s) => s.reason.length > 0)).toBe(true);
    expect(report.passed + report.failed + report.skipped).toBe(922);
  }, 120_000);

  it.skipIf(webGpuSkip !== undefined)('on the WebGPU kernels: passes at least 98% of the cases it runs (float32, int32 and bool models)', async () => {
    const runtime = await webGpuRuntime();
    if ('reason' in runtime) throw new Error(`no WebGPU adapter: ${runtime.reason}`);
    const report = await runConformance(dir, { execute: webGpuConformanceExecutor(runtime) });
    const run = report.passed + report.failed;
    expect(run).toBeGreaterThanOrEqual(300);
    expect(report.passed / run, JSON.stringify(report.failures)).toBeGreaterThanOrEqual(0.98);
    expect(report.skips.every((s) => s.reason.length > 0)).toBe(true);
  }, 300_000);
});
