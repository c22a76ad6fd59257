import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { BackendAdapter } from '../backends/adapter.js';
import { describeUntrusted } from '../inputsearch/clean.js';
import { UserError } from '../ir/errors.js';
import { validateModel } from '../opspec/validate.js';
import type { OpRegistry } from '../opspec/registry.js';
import { normalizeMessage } from '../oracles/signature.js';
import { isSameBug } from '../reduce/same-bug.js';
import { isBug, type Verdict } from '../oracles/verdict.js';
import { readCaseFolder, type CaseMeta } from '../store/case-folder.js';
import { replayTest, type LoadedTest } from './replay.js';

/** A bug case ready to replay: its test and the verdict it recorded. */
export interface ReproCase {
  readonly dir: string;
  readonly test: LoadedTest;
  readonly meta: CaseMeta;
  /** A state bug's setup test: run first, in the same SUT process. */
  readonly setup?: LoadedTest;
}

/** A record to reproduce must name a bug (its reader checked the types of every field). */
function checkMeta(meta: CaseMeta, file: string): CaseMeta {
  if (!isBug(meta.verdict.kind)) {
    throw new UserError(`${file}: "verdict.kind" must be a bug verdict (wrong-result, nan-mismatch, crash, hang, compile-error or runtime-error)`);
  }
  if (meta.verdict.backend === '') throw new UserError(`${file}: "verdict.backend" must name the SUT`);
  return meta;
}

/**
 * Opens a bug case folder (or its reduced/ folder, whose record falls back to the parent's when it
 * has none) and checks that it can be replayed: a valid model, every input, a bug verdict.
 */
export function openReproCase(path: string, registry: OpRegistry): ReproCase {
  if (!existsSync(path)) throw new UserError(`case folder '${path}' does not exist`);
  if (!statSync(path).isDirectory()) throw new UserError(`'${path}' is a file: give the bug case folder that holds it`);
  const loaded = readCaseFolder(path);
  let meta = loaded.meta;
  let metaFile = join(path, 'meta.json');
  if (!meta && basename(path) === 'reduced' && existsSync(join(dirname(path), 'meta.json'))) {
    meta = readCaseFolder(dirname(path)).meta;
    metaFile = join(dirname(path), 'meta.json');
  }
  if (!meta) throw new UserError(`'${path}' has no meta.json, so it records no bug to reproduce (use tensorsmith run ${path} --backends LIST to judge it)`);
  checkMeta(meta, metaFile);
  validateModel(loaded.model, registry);
  const missing = loaded.model.inputs.find((i) => !loaded.inputs.has(i.name));
  if (missing) throw new UserError(`${join(path, 'inputs.json')} has no tensor for the model's input '${missing.name}'`);
  const setup = loaded.setup ? { model: loaded.setup.model, inputs: loaded.setup.inputs, inputSource: join(path, 'setup', 'inputs.json') } : undefined;
  if (setup) validateModel(setup.model, registry);
  return { dir: path, meta, test: { model: loaded.model, inputs: loaded.inputs, inputSource: join(path, 'inputs.json') }, ...(setup ? { setup } : {}) };
}

/** What a replay on one SUT says about the recorded bug. `undecided`: the SUT did not judge the test. */
export interface BackendReproduction {
  readonly status: 'reproduces' | 'fixed' | 'undecided';
  readonly verdict: Verdict;
  /**
   * One line for people: "reproduces: wrong-result on ort-all: ...", "fixed: ort-all now gives ok",
   * or for a SUT other than the recorded one "not on tfjs-cpu: it gives ok". status 'fixed': the bug is not there.
   */
  readonly line: string;
}

function detail(v: Verdict): string {
  return v.message ? `: ${v.message}` : '';
}

/**
 * Whether a verdict is the recorded bug again: the same class (a wrong result and a NaN mismatch are
 * one) and, for errors, crashes and hangs, the same normalized message (the pattern bug signatures
 * use). The SUT may be another one when the user asks for it (--backends); the bug is then looked
 * for there.
 */
export function judgeReproduction(recorded: Verdict, now: Verdict): BackendReproduction {
  const same = isSameBug({ ...recorded, backend: now.backend }, now);
  if (same) return { status: 'reproduces', verdict: now, line: `reproduces: ${now.kind} on ${now.backend}${detail(now)}` };
  if (now.kind === 'unsupported') return { status: 'undecided', verdict: now, line: `cannot tell: ${now.backend} now says unsupported${detail(now)}` };
  // On a SUT the bug was not recorded on, it was never there to be fixed.
  if (now.backend !== recorded.backend) return { status: 'fixed', verdict: now, line: `not on ${now.backend}: it gives ${now.kind}${detail(now)}` };
  if (now.kind === 'ok') return { status: 'fixed', verdict: now, line: `fixed: ${now.backend} now gives ok` };
  const what = now.kind === recorded.kind ? `the recorded ${recorded.kind} (${normalizeMessage(recorded.message ?? '')})` : `the recorded ${recorded.kind}`;
  return { status: 'fixed', verdict: now, line: `fixed: ${now.backend} no longer gives ${what}, but now gives another bug, ${now.kind}${detail(now)}` };
}

export interface CaseReproduction {
  readonly results: readonly BackendReproduction[];
  /** SUTs whose package version differs from the one the case was recorded with, one line each. */
  readonly versionNotes: readonly string[];
}

/**
 * Replays a case on the adapters (the recorded SUT, or those the user chose) and judges whether
 * the recorded bug is still there. A reference run that is untrusted on the case's inputs judges
 * nothing: that is an error, not a verdict.
 */
export async function reproduceCase(c: ReproCase, adapters: readonly BackendAdapter[], registry: OpRegistry): Promise<CaseReproduction> {
  const replay = await replayTest(c.test, adapters, registry, c.setup);
  if (replay.untrusted) {
    throw new UserError(`${describeUntrusted(replay.untrusted)} on the inputs of '${c.dir}': the case cannot judge a SUT`);
  }
  const versionNotes: string[] = [];
  for (const adapter of adapters) {
    const recorded = c.meta.backends?.find((b) => b.name === adapter.name);
    if (!recorded) continue;
    const here = await adapter.describe();
    if (here.version !== recorded.version || here.package !== recorded.package) {
      versionNotes.push(`note: ${adapter.name} is ${here.package} ${here.version} here; the case was recorded with ${recorded.package} ${recorded.version}`);
    }
  }
  return { results: replay.outcomes.map((o) => judgeReproduction(c.meta.verdict, o.verdict)), versionNotes };
}
