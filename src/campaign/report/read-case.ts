import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readModelJsonFile } from '../../ir/json.js';
import type { Model } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import { readCaseMeta, type CaseMeta } from '../../store/case-meta.js';
import { outsideReason } from '../../store/contained-path.js';
import { readActualFile, readBoundsFile, readExpectedFile, readInputsFile, type ActualOutcome, type CaseBounds } from '../../store/tensors-file.js';
import type { ReportWorst } from './document.js';

/** What a report shows of one case folder; whatever could not be read is named in `problems`. */
export interface CaseContents {
  readonly model?: Model;
  readonly inputs?: Map<string, Tensor>;
  readonly expected?: Map<string, Tensor>;
  readonly actual?: Map<string, Tensor>;
  readonly actualError?: string;
  /** bounds.json, when the case was judged by error bounds. */
  readonly bounds?: CaseBounds;
  readonly worst?: ReportWorst;
  readonly message?: string;
  readonly toolVersion?: string;
  readonly backends: readonly DescribedBackend[];
  readonly problems: string[];
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

/**
 * One case file read by its store reader, when it is inside the campaign folder and there; its
 * reader's one-line refusal becomes a problem of the report instead of ending it.
 */
function readCaseFile<T>(file: string, campaignDir: string, problems: string[], read: (file: string) => T): T | undefined {
  if (!insideCampaign(campaignDir, file, problems)) return undefined;
  if (!existsSync(file)) {
    problems.push(`${file} is missing`);
    return undefined;
  }
  try {
    return read(file);
  } catch (e) {
    problems.push((e as Error).message.split('\n')[0]!);
    return undefined;
  }
}

/** A SUT as a case's meta.json describes it: package and version, and where it ran when recorded. */
export interface DescribedBackend {
  readonly name: string;
  readonly package: string;
  readonly version: string;
  readonly device?: string;
}

/** The SUT descriptions a record holds that name the package and version (a report shows both). */
function describedBackends(meta: CaseMeta | undefined): DescribedBackend[] {
  return (meta?.backends ?? []).flatMap((b) =>
    typeof b.package === 'string' && typeof b.version === 'string'
      ? [{ name: b.name, package: b.package, version: b.version, ...(typeof b.device === 'string' ? { device: b.device } : {}) }]
      : [],
  );
}

/**
 * Reads what a report needs from a case folder (model.json, inputs.json, expected.json, actual.json,
 * meta.json) of the campaign folder `campaignDir`. Unlike readCaseFolder it does not stop at the
 * first damaged file: a report of a partly copied campaign still shows what is there.
 */
export function readCaseContents(dir: string, campaignDir: string): CaseContents {
  const problems: string[] = [];
  const model = readCaseFile(join(dir, 'model.json'), campaignDir, problems, readModelJsonFile);
  const inputs = readCaseFile(join(dir, 'inputs.json'), campaignDir, problems, readInputsFile);
  const expected = readCaseFile(join(dir, 'expected.json'), campaignDir, problems, readExpectedFile);
  const actual: ActualOutcome | undefined = readCaseFile(join(dir, 'actual.json'), campaignDir, problems, readActualFile);
  const meta = readCaseFile(join(dir, 'meta.json'), campaignDir, problems, readCaseMeta);
  const bounds = existsSync(join(dir, 'bounds.json')) ? readCaseFile(join(dir, 'bounds.json'), campaignDir, problems, readBoundsFile) : undefined;
  const worst = meta?.verdict.worst;
  const message = meta?.verdict.message;
  return {
    problems,
    backends: describedBackends(meta),
    ...(model ? { model } : {}),
    ...(inputs ? { inputs } : {}),
    ...(expected ? { expected } : {}),
    ...(actual && 'outputs' in actual ? { actual: actual.outputs } : {}),
    ...(actual && 'error' in actual ? { actualError: actual.error } : {}),
    ...(bounds ? { bounds } : {}),
    ...(worst ? { worst: { ...worst, position: [...worst.position] } } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(meta?.toolVersion !== undefined ? { toolVersion: meta.toolVersion } : {}),
  };
}
