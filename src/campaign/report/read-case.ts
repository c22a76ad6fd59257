import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelFromJson } from '../../ir/json.js';
import type { Model } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import { tensorsFromJson } from '../../ir/tensor-json.js';
import { outsideReason } from '../contained-path.js';
import type { ReportWorst } from './document.js';

/** What a report shows of one case folder; whatever could not be read is named in `problems`. */
export interface CaseContents {
  readonly model?: Model;
  readonly expected?: Map<string, Tensor>;
  readonly actual?: Map<string, Tensor>;
  readonly actualError?: string;
  readonly worst?: ReportWorst;
  readonly message?: string;
  readonly toolVersion?: string;
  readonly backends: readonly { name: string; package: string; version: string }[];
  readonly problems: string[];
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** Case files write NaN and the infinities as strings, since JSON has no such numbers. */
function jsonNumber(x: unknown): number | undefined {
  if (typeof x === 'number') return x;
  if (x === 'NaN' || x === 'Infinity' || x === '-Infinity') return Number(x);
  return undefined;
}

/**
 * Whether the report may read `path`: it lies inside the campaign folder, following symbolic links.
 * One that leads out (a case file linked to ~/.ssh/id_rsa) is named in `problems` and never read: a
 * report embeds what it reads, and parse errors quote the text they failed on.
 */
export function insideCampaign(campaignDir: string, path: string, problems: string[]): boolean {
  const reason = outsideReason(campaignDir, path);
  if (reason !== undefined) problems.push(`${path} is not read: it is not inside the campaign folder ${campaignDir} (${reason})`);
  return reason === undefined;
}

function readJson(file: string, campaignDir: string, problems: string[]): Record<string, unknown> | undefined {
  if (!insideCampaign(campaignDir, file, problems)) return undefined;
  if (!existsSync(file)) {
    problems.push(`${file} is missing`);
    return undefined;
  }
  try {
    const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (isRecord(raw)) return raw;
    problems.push(`${file} does not hold a JSON object`);
  } catch (e) {
    problems.push(`${file} is not valid JSON (${(e as Error).message})`);
  }
  return undefined;
}

function readTensors(file: string, raw: unknown, problems: string[]): Map<string, Tensor> | undefined {
  try {
    return tensorsFromJson(raw, file);
  } catch (e) {
    problems.push((e as Error).message);
    return undefined;
  }
}

function readWorst(raw: unknown): ReportWorst | undefined {
  if (!isRecord(raw) || typeof raw.output !== 'string' || typeof raw.index !== 'number' || !Array.isArray(raw.position)) return undefined;
  const expected = jsonNumber(raw.expected);
  const actual = jsonNumber(raw.actual);
  const errorRatio = jsonNumber(raw.errorRatio);
  const position = raw.position.filter((p): p is number => typeof p === 'number');
  if (expected === undefined || actual === undefined || errorRatio === undefined) return undefined;
  return { output: raw.output, index: raw.index, position, expected, actual, errorRatio };
}

function readBackends(raw: unknown): { name: string; package: string; version: string }[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((b) =>
    isRecord(b) && typeof b.name === 'string' && typeof b.package === 'string' && typeof b.version === 'string'
      ? [{ name: b.name, package: b.package, version: b.version }]
      : [],
  );
}

/**
 * Reads what a report needs from a case folder (model.json, expected.json, actual.json,
 * meta.json) of the campaign folder `campaignDir`. Unlike readCaseFolder it does not stop at the
 * first damaged file: a report of a partly copied campaign still shows what is there.
 */
export function readCaseContents(dir: string, campaignDir: string): CaseContents {
  const problems: string[] = [];
  let model: Model | undefined;
  const modelFile = join(dir, 'model.json');
  const modelReadable = insideCampaign(campaignDir, modelFile, problems);
  if (modelReadable && !existsSync(modelFile)) problems.push(`${modelFile} is missing`);
  else if (modelReadable) {
    try {
      model = modelFromJson(readFileSync(modelFile, 'utf8'));
    } catch (e) {
      problems.push(`${modelFile}: ${(e as Error).message}`);
    }
  }
  const expectedFile = join(dir, 'expected.json');
  const expectedRaw = readJson(expectedFile, campaignDir, problems);
  const expected = expectedRaw ? readTensors(expectedFile, expectedRaw.outputs, problems) : undefined;
  const actualFile = join(dir, 'actual.json');
  const actualRaw = readJson(actualFile, campaignDir, problems);
  const actualError = actualRaw && typeof actualRaw.error === 'string' ? actualRaw.error : undefined;
  const actual = actualRaw && actualError === undefined ? readTensors(actualFile, actualRaw.outputs, problems) : undefined;
  const meta = readJson(join(dir, 'meta.json'), campaignDir, problems);
  const verdict = meta && isRecord(meta.verdict) ? meta.verdict : undefined;
  const worst = verdict ? readWorst(verdict.worst) : undefined;
  const message = verdict && typeof verdict.message === 'string' ? verdict.message : undefined;
  const toolVersion = meta && typeof meta.toolVersion === 'string' ? meta.toolVersion : undefined;
  return {
    problems,
    backends: readBackends(meta?.backends),
    ...(model ? { model } : {}),
    ...(expected ? { expected } : {}),
    ...(actual ? { actual } : {}),
    ...(actualError !== undefined ? { actualError } : {}),
    ...(worst ? { worst } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(toolVersion !== undefined ? { toolVersion } : {}),
  };
}
