import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUIDANCE_EPOCH } from '../../src/campaign/guidance.js';
import { generatorForTest, readCampaignConfig } from '../../src/campaign/repro-seed.js';
import { makeTestCase } from '../../src/campaign/test-case.js';
import { modelToJson } from '../../src/ir/json.js';
import { readModelJsonFile } from '../../src/ir/json.js';
import { builtinRegistry } from '../../src/opspec/ops/index.js';
import { readGuidance } from '../../src/store/guidance-file.js';
import { tempDir } from '../helpers.js';

const CLI = resolve('dist/cli/main.js');
const registry = builtinRegistry();

/**
 * A guided campaign's test i depends on the guidance state of i's epoch, recorded in guidance.json:
 * regenerating i from the folder (as `repro --campaign` does) gives the model the campaign ran.
 */
describe('a coverage-guided campaign', () => {
  it('records each epoch state, and its tests regenerate from the folder exactly', async () => {
    const out = tempDir();
    const limit = 2 * GUIDANCE_EPOCH + 10;
    const run = spawnSync(
      process.execPath,
      [CLI, 'fuzz', '--seed', 'guided', '--index-limit', String(limit), '--time', '600', '--backends', 'ort-all', '--max-nodes', '8', '--no-input-search', '--reduce-ms', '0', '--out', out],
      { encoding: 'utf8' },
    );
    expect(run.status, run.stderr).toBeLessThanOrEqual(1);
    const record = readGuidance(out)!;
    expect(Object.keys(record.epochs).sort()).toEqual(['0', '1', '2']);
    // The first epoch starts from nothing; later ones from the rewrites fired so far.
    expect(record.epochs['0']).toEqual({});
    expect(Object.keys(record.epochs['2']!).length).toBeGreaterThan(5);

    // DIR/current holds the last test the campaign judged: the last index below the limit whose test was not discarded.
    const campaign = readCampaignConfig(out);
    expect(campaign.guided).toBe(true);
    const last = modelToJson(readModelJsonFile(join(out, 'current', 'model.json')));
    let matched: number | undefined;
    for (let index = limit - 1; index >= 2 * GUIDANCE_EPOCH && matched === undefined; index--) {
      const test = await makeTestCase({ seed: 'guided', index, config: generatorForTest(out, campaign, index), registry, inputs: campaign.inputs });
      if (test.untrusted) continue;
      expect(modelToJson(test.model)).toBe(last);
      matched = index;
      // Without the recorded state the same index is another model: the state is part of the test.
      const unguided = await makeTestCase({ seed: 'guided', index, config: { ...campaign.generator, guidance: {} }, registry, inputs: campaign.inputs });
      expect(modelToJson(unguided.model)).not.toBe(last);
    }
    expect(matched).toBeDefined();
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { config: { guidance: boolean } };
    expect(summary.config.guidance).toBe(true);
  }, 180_000);
});
