import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GUIDANCE_FILE } from '../store/guidance-file.js';
import { recordedState } from './guidance.js';
import { shardHolds } from './shard.js';
import type { BackendAdapter } from '../backends/adapter.js';
import type { GeneratorConfig, GeneratorMethod } from '../generator/generate.js';
import { isDType, type DType } from '../ir/dtype.js';
import { UserError } from '../ir/errors.js';
import { readSummary } from '../store/summary.js';
import type { Verdict } from '../oracles/verdict.js';
import { evaluateOnBackend } from '../oracles/evaluate.js';
import { configBackendModules } from './repro-suts.js';
import type { InputChoice, TestCase } from './test-case.js';

/** What regenerating a campaign's test needs from its summary.json. */
export interface CampaignReplayConfig {
  /** The campaign's seed, when recorded. */
  readonly seed?: string;
  readonly generator: GeneratorConfig & { method?: GeneratorMethod };
  readonly inputs: InputChoice;
  readonly backends: readonly string[];
  readonly backendModules: readonly string[];
  /** Whether the campaign was coverage-guided: test i then also needs the state of its epoch. */
  readonly guided: boolean;
}

type Json = Readonly<Record<string, unknown>>;

function isObject(x: unknown): x is Json {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function strings(x: unknown): x is readonly string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string');
}

const GENERATOR_KEYS = ['maxNodes', 'ops', 'excludeOps', 'dtypes', 'maxElements', 'maxRank', 'opset', 'method', 'patternShare'];

/**
 * The generator config as the campaign recorded it. Every key is read: one this version does not
 * know would change the models, so it is an error rather than silently dropped.
 */
function readGenerator(raw: unknown, where: string): GeneratorConfig & { method?: GeneratorMethod } {
  if (!isObject(raw)) throw new UserError(`${where}: "config.generator" must be an object`);
  const unknown = Object.keys(raw).find((k) => !GENERATOR_KEYS.includes(k));
  if (unknown) throw new UserError(`${where}: "config.generator" has '${unknown}', which this version of tensorsmith does not know (use the version that ran the campaign)`);
  const count = (key: string): number | undefined => {
    const v = raw[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new UserError(`${where}: "config.generator.${key}" must be a positive integer`);
    return v;
  };
  const list = (key: string): readonly string[] | undefined => {
    const v = raw[key];
    if (v === undefined) return undefined;
    if (!strings(v)) throw new UserError(`${where}: "config.generator.${key}" must be a list of strings`);
    return v;
  };
  const maxNodes = count('maxNodes');
  if (maxNodes === undefined) throw new UserError(`${where}: "config.generator.maxNodes" is missing`);
  const dtypes = list('dtypes');
  const dtypeList: DType[] | undefined = dtypes?.filter(isDType);
  if (dtypes && dtypeList && dtypeList.length !== dtypes.length) throw new UserError(`${where}: "config.generator.dtypes" holds an unknown dtype`);
  const method = raw.method;
  if (method !== undefined && method !== 'smt' && method !== 'random') throw new UserError(`${where}: "config.generator.method" must be smt or random`);
  const ops = list('ops');
  const excludeOps = list('excludeOps');
  const maxElements = count('maxElements');
  const maxRank = count('maxRank');
  const opset = count('opset');
  const share = raw.patternShare;
  if (share !== undefined && (typeof share !== 'number' || !(share >= 0 && share <= 1))) throw new UserError(`${where}: "config.generator.patternShare" must be a number from 0 to 1`);
  return {
    // A campaign recorded before patterns existed generated single ops only.
    patternShare: share ?? 0,
    maxNodes,
    ...(ops ? { ops } : {}),
    ...(excludeOps ? { excludeOps } : {}),
    ...(dtypeList ? { dtypes: dtypeList } : {}),
    ...(maxElements !== undefined ? { maxElements } : {}),
    ...(maxRank !== undefined ? { maxRank } : {}),
    ...(opset !== undefined ? { opset } : {}),
    ...(method !== undefined ? { method } : {}),
  };
}

function readInputs(raw: unknown, where: string): InputChoice {
  if (isObject(raw) && raw.search === false) return { search: false };
  if (isObject(raw) && raw.search === true && typeof raw.budgetMs === 'number' && raw.budgetMs > 0) {
    if (raw.maxSteps === undefined) return { search: true, budgetMs: raw.budgetMs };
    if (typeof raw.maxSteps === 'number' && Number.isInteger(raw.maxSteps) && raw.maxSteps > 0) return { search: true, budgetMs: raw.budgetMs, maxSteps: raw.maxSteps };
  }
  throw new UserError(`${where}: "config.inputs" must be {"search": false} or {"search": true, "budgetMs": N} (with "maxSteps": N optionally)`);
}

/** Reads DIR/summary.json's config: how the campaign generated, chose inputs and which SUTs it ran. */
export function readCampaignConfig(dir: string): CampaignReplayConfig {
  const summary = readSummary(dir);
  const file = join(dir, 'summary.json');
  const config = summary.config;
  if (!strings(config.backends)) throw new UserError(`${file}: "config.backends" must be a list of SUT names`);
  const seed = config.seed ?? summary.seed;
  return {
    ...(typeof seed === 'string' || typeof seed === 'number' ? { seed: String(seed) } : {}),
    generator: readGenerator(config.generator, file),
    inputs: readInputs(config.inputs, file),
    backends: config.backends,
    backendModules: configBackendModules(config, file),
    guided: config.guidance === true,
  };
}

/**
 * The generator config test `index` of a campaign ran with: the recorded one, plus the guidance
 * state of the test's epoch when the campaign was guided (kept by the job folder that ran it when
 * the campaign ran --jobs).
 */
export function generatorForTest(dir: string, campaign: CampaignReplayConfig, index: number): GeneratorConfig & { method?: GeneratorMethod } {
  if (!campaign.guided) return campaign.generator;
  return { ...campaign.generator, guidance: recordedState(guidanceFolder(dir, index), index) };
}

function guidanceFolder(dir: string, index: number): string {
  const jobs = join(dir, 'jobs');
  if (existsSync(join(dir, GUIDANCE_FILE)) || !existsSync(jobs)) return dir;
  for (const job of readdirSync(jobs)) {
    const shard = readSummary(join(jobs, job)).config.shard;
    if (isObject(shard) && typeof shard.index === 'number' && typeof shard.count === 'number' && shard.count > 0 && shardHolds({ index: shard.index, count: shard.count }, index)) return join(jobs, job);
  }
  throw new UserError(`no job folder of ${jobs} ran test ${index}`);
}

/** Judges a regenerated test on every SUT against its reference outputs, as the campaign did. */
export async function judgeTest(test: TestCase, adapters: readonly BackendAdapter[]): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (const adapter of adapters) verdicts.push((await evaluateOnBackend(adapter, test, test.inputs, test.expected)).verdict);
  return verdicts;
}
