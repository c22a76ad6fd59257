import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { modelToJson, stableStringify } from '../../ir/json.js';
import { tensorsToJson } from '../../ir/tensor-json.js';
import { makeTestCase } from '../../campaign/test-case.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import { EXIT_OK, type CliIo } from '../io.js';
import { describeUntrusted } from '../../inputsearch/clean.js';
import { generatorOptions, generatorConfig, type GeneratorFlags } from './generator-flags.js';

export function genCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  generatorOptions(
    program
      .command('gen')
      .description('generate one model from a seed; writes model.json, model.onnx and inputs.json to --out')
      .option('--seed <seed>', 'the seed (any string)', '0')
      .requiredOption('--out <dir>', 'folder to write into'),
  ).action(async (opts: GeneratorFlags & { seed: string; out: string }) => {
    const registry = builtinRegistry();
    const test = await makeTestCase({ seed: opts.seed, index: 0, config: generatorConfig(opts), registry });
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(join(opts.out, 'model.json'), modelToJson(test.model));
    writeFileSync(join(opts.out, 'model.onnx'), test.onnx);
    writeFileSync(join(opts.out, 'inputs.json'), stableStringify({ format: 'tensorsmith.inputs/1', inputs: tensorsToJson(test.inputs) }));
    const ops = test.model.nodes.map((n) => n.op).join(', ');
    io.out(`wrote ${opts.out}/model.json, model.onnx, inputs.json: ${test.model.nodes.length} nodes (${ops})\n`);
    if (test.untrusted) io.out(`note: ${describeUntrusted(test.untrusted)}; a campaign would discard this test\n`);
    setExit(EXIT_OK);
  });
}
