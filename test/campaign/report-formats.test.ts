import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/campaign/report/build.js';
import { renderJunit } from '../../src/campaign/report/junit.js';
import { renderSarif } from '../../src/campaign/report/sarif.js';
import { escapeMarkup } from '../../src/campaign/report/text.js';
import { HOSTILE_MESSAGE, markCorpusBug, writeFixtureCampaign } from './report-fixture.js';

interface XmlElement {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

const ENTITY = /^&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;
// eslint-disable-next-line no-control-regex -- the characters XML forbids are what this looks for
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function decode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (named[e]) return named[e];
    return String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

function checkText(text: string, where: string): void {
  if (FORBIDDEN.test(text)) throw new Error(`${where}: a character XML forbids`);
  for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', i + 1)) {
    if (!ENTITY.test(text.slice(i))) throw new Error(`${where}: a bare '&'`);
  }
}

/**
 * A small XML well-formedness checker (declaration, elements, attributes, text, entities): enough
 * to hold a JUnit report to the rules every CI parser enforces, without an XML library.
 */
function parseXml(xml: string): XmlElement {
  let i = 0;
  const declaration = /^<\?xml [^?]*\?>\s*/.exec(xml);
  if (declaration) i = declaration[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < xml.length) {
    if (xml[i] !== '<') {
      const end = xml.indexOf('<', i);
      const text = xml.slice(i, end < 0 ? xml.length : end);
      checkText(text, `text at ${i}`);
      const top = stack[stack.length - 1];
      if (!top && text.trim() !== '') throw new Error(`text at ${i} outside the root element`);
      if (top) top.text += decode(text);
      i = end < 0 ? xml.length : end;
      continue;
    }
    const close = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(xml.slice(i));
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== close[1]) throw new Error(`</${close[1]}> at ${i} closes <${open?.name ?? 'nothing'}>`);
      i += close[0].length;
      continue;
    }
    const tag = /^<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*"[^"<]*")*)\s*(\/?)>/.exec(xml.slice(i));
    if (!tag) throw new Error(`malformed markup at ${i}: ${xml.slice(i, i + 40)}`);
    const attrs: Record<string, string> = {};
    for (const [, name, value] of tag[2]!.matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*"([^"]*)"/g)) {
      if (name! in attrs) throw new Error(`<${tag[1]}> at ${i}: attribute ${name} twice`);
      checkText(value!, `attribute ${name} of <${tag[1]}>`);
      attrs[name!] = decode(value!);
    }
    const element: XmlElement = { name: tag[1]!, attrs, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else if (root) throw new Error(`a second root element <${element.name}> at ${i}`);
    else root = element;
    if (tag[3] !== '/') stack.push(element);
    i += tag[0].length;
  }
  if (stack.length) throw new Error(`<${stack[stack.length - 1]!.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

describe('the XML checker the JUnit test relies on', () => {
  it('accepts well-formed XML and rejects what CI parsers reject', () => {
    expect(parseXml('<?xml version="1.0"?>\n<a x="1 &amp; 2"><b/>t &lt; u</a>\n').children).toHaveLength(1);
    for (const bad of ['<a><b></a></b>', '<a x="1 & 2"/>', '<a>1 & 2</a>', '<a x="<"/>', '<a>\u001b</a>', '<a/><b/>', '<a>', '<a x="1" x="2"/>']) {
      expect(() => parseXml(bad), bad).toThrow();
    }
  });
});

describe('report formats for CI', () => {
  const campaign = writeFixtureCampaign();
  const doc = buildReport(campaign.dir);

  it('JUnit: well-formed, one failing case per bug signature typed by verdict, one passing case for the judged tests', () => {
    const root = parseXml(renderJunit(doc));
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '4', failures: '3', errors: '0' });
    const suite = root.children[0]!;
    expect(suite.name).toBe('testsuite');
    const cases = suite.children.filter((c) => c.name === 'testcase');
    expect(cases).toHaveLength(4);
    const passing = cases.filter((c) => c.children.every((x) => x.name !== 'failure'));
    expect(passing.map((c) => c.attrs.name)).toEqual(['judged tests']);
    expect(passing[0]!.children[0]!.text).toMatch(/^120 judged tests \(9 discarded\)/);
    for (const bug of doc.bugs) {
      const c = cases.find((x) => x.attrs.name?.includes(bug.signature));
      const failure = c?.children.find((x) => x.name === 'failure');
      expect(failure?.attrs.type).toBe(bug.verdict);
      expect(failure?.text).toContain(`replay: ${bug.replayCommand}`);
    }
    // The hostile message survives escaping: markup and quotes intact, the control character replaced.
    const compile = cases.find((x) => x.attrs.name?.includes(campaign.compile))!.children[0]!;
    expect(compile.attrs.message).toBe(`known: ${HOSTILE_MESSAGE.replaceAll('\u001b', '\uFFFD')}`);
  });

  it('JUnit: a known corpus bug fails as other known bugs do, its corpus name in its name and message', () => {
    const named = writeFixtureCampaign();
    markCorpusBug(named.dir, named.compile, 'ort-basic-<fixture>');
    const root = parseXml(renderJunit(buildReport(named.dir)));
    expect(root.attrs).toMatchObject({ tests: '4', failures: '3' });
    const cases = root.children[0]!.children.filter((c) => c.name === 'testcase');
    const known = cases.find((x) => x.attrs.name?.includes(named.compile))!;
    expect(known.attrs.name).toBe(`compile-error on ort-basic: Add, MatMul, Relu (${named.compile}) [corpus/ort-basic-<fixture>]`);
    const failure = known.children.find((x) => x.name === 'failure')!;
    expect(failure.attrs.message).toBe(`known (corpus/ort-basic-<fixture>): ${HOSTILE_MESSAGE.replaceAll('\u001b', '\uFFFD')}`);
    expect(failure.text).toContain('status: known (corpus/ort-basic-<fixture>)');
    // A bug that is no corpus entry keeps its name.
    const wrong = cases.find((x) => x.attrs.name?.includes(named.wrong))!;
    expect(wrong.attrs.name).toBe(`wrong-result on ort-all: Relu (${named.wrong})`);
  });

  it('SARIF: a known corpus bug names its entry in the message and as a property, leveled as known bugs are', () => {
    const named = writeFixtureCampaign();
    markCorpusBug(named.dir, named.compile, 'ort-basic-fixture');
    const results = (JSON.parse(renderSarif(buildReport(named.dir), '9.9.9')) as { runs: { results: { level: string; message: { text: string }; properties: Record<string, unknown> }[] }[] }).runs[0]!.results;
    const known = results.find((r) => r.properties.signature === named.compile)!;
    expect(known.level).toBe('warning');
    expect(known.message.text).toContain('. Status: known (corpus/ort-basic-fixture). Replay: ');
    expect(known.properties).toMatchObject({ corpus: 'ort-basic-fixture', status: 'known' });
    const wrong = results.find((r) => r.properties.signature === named.wrong)!;
    expect(wrong.properties.corpus).toBeUndefined();
    expect(wrong.message.text).toContain('. Status: new. Replay: ');
  });

  it('escapes text for XML and HTML, replacing characters XML forbids', () => {
    expect(escapeMarkup('<a href="x">&\'\u0007\uD800')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;\uFFFD\uFFFD');
    expect(escapeMarkup('\uD83D\uDE00 ok')).toBe('\uD83D\uDE00 ok');
  });

  it('SARIF 2.1.0: schema, version, tool with rules, one result per bug at its model.onnx relative to DIR', () => {
    const sarif = JSON.parse(renderSarif(doc, '9.9.9')) as {
      $schema: string;
      version: string;
      runs: {
        tool: { driver: { name: string; version: string; rules: { id: string; shortDescription: { text: string } }[] } };
        originalUriBaseIds: Record<string, unknown>;
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }[];
          partialFingerprints: Record<string, string>;
        }[];
      }[];
    };
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    // The version that found the bugs (from meta.json) wins over the one rendering the report.
    expect(run.tool.driver).toMatchObject({ name: 'tensorsmith', version: '0.1.0-test' });
    const ruleIds = run.tool.driver.rules.map((r) => r.id);
    expect(ruleIds).toEqual(expect.arrayContaining(['wrong-result', 'nan-mismatch', 'crash', 'hang', 'compile-error', 'runtime-error']));
    expect(run.results).toHaveLength(doc.bugs.length);
    for (const [i, result] of run.results.entries()) {
      const bug = doc.bugs[i]!;
      expect(result.ruleId).toBe(bug.verdict);
      expect(ruleIds[result.ruleIndex]).toBe(bug.verdict);
      expect(result.message.text.length).toBeGreaterThan(0);
      const location = result.locations[0]!.physicalLocation.artifactLocation;
      expect(location.uri).toBe(`${bug.shownDir}/model.onnx`);
      expect(run.originalUriBaseIds[location.uriBaseId]).toBeDefined();
      expect(result.partialFingerprints.tensorsmithSignature).toBe(bug.signature);
    }
    expect(run.results.map((r) => r.level)).toEqual(['error', 'error', 'warning']);
    expect(run.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(`bugs/${campaign.wrong}/reduced/model.onnx`);
  });
});
