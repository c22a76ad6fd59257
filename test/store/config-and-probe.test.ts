import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfigFile } from '../../src/store/config-file.js';
import { readJsonFile } from '../../src/store/json-file.js';
import { probeCacheFile, readProbeCache, writeProbeCache, type ProbeResult } from '../../src/store/probe-cache.js';
import { tempDir } from '../helpers.js';
import { expectEachRefused, expectRefused, withField } from './refusal.js';

describe('config file', () => {
  it('reads flag values and sections; a byte-order mark is accepted; a missing optional file is none', () => {
    const file = join(tempDir('tensorsmith-store-'), 'tensorsmith.config.json');
    const config = { maxNodes: 5, ops: ['Relu', 'Add'], resume: false, fuzz: { seed: 'x', time: '30' } };
    writeFileSync(file, '\uFEFF' + JSON.stringify(config));
    expect(readConfigFile(file, true)).toEqual(config);
    expect(readConfigFile(join(file, '..', 'none.json'), false)).toBeUndefined();
    expectRefused(() => readConfigFile(join(file, '..', 'none.json'), true), 'none.json', /does not exist/);
  });

  it('refuses damaged files and values no command line could give', () => {
    const file = join(tempDir('tensorsmith-store-'), 'tensorsmith.config.json');
    expectEachRefused(
      file,
      [
        ['', /is empty/],
        ['{"maxNodes": 2,', /is not valid JSON/],
        ['null', /must hold a JSON object/],
        ['[1]', /got an array/],
        ['{"maxNodes": null}', /'maxNodes' must be a string, a number/],
        ['{"ops": [{}]}', /'ops' must be a string, a number/],
        ['{"fuzz": {"seed": {"deep": 1}}}', /'fuzz'\."seed" must be a string, a number/],
      ],
      () => readConfigFile(file, true),
    );
  });
});

describe('probe cache', () => {
  const probe: ProbeResult = {
    format: 'tensorsmith.probe/1',
    backend: 'ort-all',
    package: 'onnxruntime-node',
    version: '1.30.0',
    opset: 17,
    matrix: { Relu: { float32: { supported: true }, int64: { supported: false, reason: 'not implemented' } } },
  };

  it('reads back what it wrote, under a name made of safe characters', () => {
    const dir = tempDir('tensorsmith-store-');
    const file = writeProbeCache(dir, probe);
    expect(readProbeCache(dir, { name: 'ort-all', package: 'onnxruntime-node', version: '1.30.0' }, 17)).toEqual(probe);
    expect(readdirSync(dir)).toEqual([file.slice(dir.length + 1)]);
    expect(probeCacheFile(dir, { name: '../../x', package: 'p/q', version: '1' }, 17).startsWith(join(dir, 'probe-'))).toBe(true);
    expect(readProbeCache(dir, { name: 'other', package: 'p', version: '1' }, 17)).toBeUndefined();
  });

  it('refuses damaged cache entries, naming the file', () => {
    const dir = tempDir('tensorsmith-store-');
    const file = writeProbeCache(dir, probe);
    const read = () => readProbeCache(dir, { name: 'ort-all', package: 'onnxruntime-node', version: '1.30.0' }, 17);
    expectEachRefused(file, [[''], ['{"format": ', /not valid JSON/], ['null', /got null/]], read);
    for (const [path, value, pattern] of [
      [['matrix', 'Relu', 'float32', 'supported'], 'yes', /matrix\."Relu"\."float32"\.supported must be true or false/],
      [['opset'], '17', /opset must be a non-negative integer/],
      [['format'], 'tensorsmith.probe/0', /is not a tensorsmith probe/],
    ] as const) {
      writeFileSync(file, JSON.stringify(withField(probe, path, value)));
      expectRefused(read, file, pattern);
    }
  });
});

describe('JSON file reader', () => {
  it('accepts a byte-order mark and refuses a folder', () => {
    const dir = tempDir('tensorsmith-store-');
    writeFileSync(join(dir, 'a.json'), '\uFEFF{"a": 1}');
    expect(readJsonFile(join(dir, 'a.json'))).toEqual({ a: 1 });
    expectRefused(() => readJsonFile(dir), dir, /is a folder/);
  });
});
