import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * The CommonJS packages a fresh process has loaded once it has created one built-in adapter the way
 * a SUT worker does (createBuiltinAdapter): what every worker start pays for.
 */
function packagesLoadedBy(sut: string): string[] {
  const code = [
    "import { createRequire } from 'node:module';",
    "const { createBuiltinAdapter } = await import('./src/backends/isolation/builtin.ts');",
    `await createBuiltinAdapter(${JSON.stringify(sut)});`,
    "const paths = Object.keys(createRequire(process.cwd() + '/').cache);",
    "console.log(JSON.stringify([...new Set(paths.map((p) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(p)?.[1]).filter(Boolean))]));",
  ].join('\n');
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as string[];
}

describe('what an onnxruntime-node worker loads', () => {
  // Rewrite coverage reads op types from the ONNX bytes; the ONNX schema module (protobufjs and
  // onnx-proto) once came with it and cost every worker start about 120 ms.
  it('onnxruntime-node, but neither protobufjs nor the ONNX schema', () => {
    const packages = packagesLoadedBy('ort-all');
    expect(packages).toContain('onnxruntime-node');
    expect(packages).not.toContain('protobufjs');
    expect(packages).not.toContain('onnx-proto');
  }, 60_000);
});
