import type { Command } from 'commander';
import type { InputChoice } from '../../campaign/test-case.js';
import { allowedSpecs, type GeneratorConfig, type GeneratorMethod } from '../../generator/generate.js';
import { DEFAULT_PATTERN_SHARE } from '../../generator/insertion-policy.js';
import { DTYPES, type DType } from '../../ir/dtype.js';
import { UserError } from '../../ir/errors.js';
import { DEFAULT_OPSET } from '../../ir/model.js';
import { MAX_ELEMENTS_ENV, maxTensorElements } from '../../ir/limits.js';
import { builtinRegistry } from '../../opspec/ops/index.js';
import { parseDtypes, parseNonEmptyList, parsePositiveInt, parsePositiveNumber } from '../options.js';

/** The generator solves each node's constraints in z3: a model past this many nodes would take hours. */
const MAX_NODES = { max: 500, why: 'a model takes the generator too long past it' };

export interface GeneratorFlags {
  maxNodes: string;
  ops?: string;
  excludeOps?: string;
  dtypes: string;
  maxElements: string;
  method: string;
  opset: string;
  patternShare: string;
}

/** Every dtype the generator supports (bench/defaults.mjs: as many bugs a minute as float32 alone, and the integer and bool ones besides). */
export const DEFAULT_DTYPES = 'all';

/**
 * The generator's flags, shared by gen, fuzz and repro, with the same defaults, so that gen and
 * repro --seed --index make the test a default campaign made: every dtype (the best first minute,
 * measured by bench/defaults.mjs).
 */
export function generatorOptions(cmd: Command): Command {
  return cmd
    .option('--max-nodes <n>', 'nodes per model', '10')
    .option('--ops <list>', 'only these ops (comma-separated)')
    .option('--exclude-ops <list>', 'never these ops (comma-separated)')
    .option('--dtypes <list>', `tensor dtypes to generate (${DTYPES.join(', ')}), or all`, DEFAULT_DTYPES)
    .option('--max-elements <n>', 'largest number of elements of any tensor', '4096')
    .option('--method <method>', 'smt (symbolic shapes, z3 fallback, forward and backward insertion) or random (no solver)', 'smt')
    .option('--opset <n>', 'ONNX opset of the models (ops follow their version in force there; Gelu needs 20)', String(DEFAULT_OPSET))
    .option('--pattern-share <fraction>', 'share of insertion steps that build a rewrite pattern (Conv+Relu, decomposed LayerNorm...) instead of one op; 0 for single ops only', String(DEFAULT_PATTERN_SHARE));
}

export function generatorConfig(flags: GeneratorFlags): GeneratorConfig & { method: GeneratorMethod } {
  if (flags.method !== 'smt' && flags.method !== 'random') throw new UserError(`--method must be smt or random, got '${flags.method}'`);
  const config: GeneratorConfig & { method: GeneratorMethod; opset: number; dtypes: DType[] } = {
    method: flags.method,
    opset: parseOpset(flags.opset),
    maxNodes: parsePositiveInt('--max-nodes', flags.maxNodes, MAX_NODES),
    maxElements: parsePositiveInt('--max-elements', flags.maxElements, {
      max: maxTensorElements(),
      why: `the tensor size limit; ${MAX_ELEMENTS_ENV} raises it`,
    }),
    dtypes: parseDtypes(flags.dtypes),
    patternShare: parseFraction('--pattern-share', flags.patternShare),
    ...(flags.ops !== undefined ? { ops: parseOps('--ops', flags.ops) } : {}),
    ...(flags.excludeOps !== undefined ? { excludeOps: parseOps('--exclude-ops', flags.excludeOps) } : {}),
  };
  checkOpsLeft(config);
  return config;
}

/** A number in [0, 1]. */
function parseFraction(flag: string, value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x) || x < 0 || x > 1) throw new UserError(`${flag} must be a number from 0 to 1, got '${value}'`);
  return x;
}

/** An op list of known op names; checked here so that a typo is a usage error before anything is written. */
function parseOps(flag: string, value: string): string[] {
  const ops = parseNonEmptyList(flag, value, "op (see 'tensorsmith ops')");
  const registry = builtinRegistry();
  const unknown = ops.find((op) => !registry.has(op));
  if (unknown !== undefined) throw new UserError(`${flag}: unknown op '${unknown}' (op names are case-sensitive; see 'tensorsmith ops' for the list)`);
  return ops;
}

/** The generator would fail on every test when the flags leave no op: say so once, up front. */
function checkOpsLeft(config: GeneratorConfig & { opset: number; dtypes: readonly string[] }): void {
  if (allowedSpecs(config, builtinRegistry()).length > 0) return;
  const by = [config.ops ? '--ops' : '', config.excludeOps ? '--exclude-ops' : ''].filter(Boolean).join(' and ');
  throw new UserError(
    `no op is left${by ? ` by ${by}` : ''} at opset ${config.opset} for dtypes ${config.dtypes.join(', ')}, so no model can be built: ` +
      `allow more ops, more --dtypes or another --opset (see 'tensorsmith ops')`,
  );
}

/** tensorsmith's specs cover every version of their ops in force from opset 7 to 21. */
export const MIN_OPSET = 7;
export const MAX_OPSET = 21;

function parseOpset(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_OPSET || n > MAX_OPSET) {
    throw new UserError(`--opset must be an integer from ${MIN_OPSET} to ${MAX_OPSET}, got '${value}'`);
  }
  return n;
}

export interface InputSearchFlags {
  /** Commander's negatable flag: false with --no-input-search. */
  inputSearch: boolean;
  searchMs: string;
  searchSteps?: string;
}

/** How test inputs are chosen, shared by gen and fuzz. */
export function inputSearchOptions(cmd: Command): Command {
  return cmd
    .option('--search-ms <ms>', 'time budget per test for the gradient search of inputs and weights', '50')
    .option('--search-steps <n>', 'end each search after n steps whatever the clock (with a large --search-ms as a cap, the same tests are judged on any machine)')
    .option('--no-input-search', 'use plain random inputs and weights (tests where they give NaN/Inf are discarded)');
}

export function inputChoice(flags: InputSearchFlags): InputChoice {
  const budgetMs = parsePositiveNumber('--search-ms', flags.searchMs);
  const maxSteps = flags.searchSteps === undefined ? undefined : parsePositiveInt('--search-steps', flags.searchSteps);
  if (!flags.inputSearch) return { search: false };
  return maxSteps === undefined ? { search: true, budgetMs } : { search: true, budgetMs, maxSteps };
}
