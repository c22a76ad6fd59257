import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/campaign/report/build.js';
import { layoutGraph, reportGraph } from '../../src/campaign/report/graph-layout.js';
import { graphSvg } from '../../src/campaign/report/graph-svg.js';
import type { ReportEnvironment } from '../../src/campaign/report/environment.js';
import { renderHtml } from '../../src/campaign/report/html.js';
import { inputSlotNames } from '../../src/campaign/report/input-slots.js';
import { campaignHref, campaignRelativeText } from '../../src/campaign/report/html-paths.js';
import { renderReport } from '../../src/campaign/report/render.js';
import { escapeMarkup } from '../../src/campaign/report/text.js';
import { renderJunit } from '../../src/campaign/report/junit.js';
import { renderMarkdown } from '../../src/campaign/report/markdown.js';
import type { Model } from '../../src/ir/model.js';
import { smallModel, tempDir } from '../helpers.js';
import { FIXTURE_COVERAGE, FIXTURE_META_DEVICE, FIXTURE_SUMMARY_DEVICE, HOSTILE_NODE_NAME, slotModel, writeFixtureCampaign, writeSlotCampaign } from './report-fixture.js';
import { summaryValue } from '../store/summary-fixture.js';

/** Debian's chromium (CI installs it), or another Chromium build on PATH. */
function findChromium(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    for (const dir of dirs) if (existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

const chromium = findChromium();
const NO_CHROMIUM = 'chromium is not installed (apt-get install chromium); the HTML report is not checked in a browser';

const CHROMIUM_TIMEOUT_MS = 60_000;

/** A fixed writer of the report, so that pages compare equal whatever machine renders them. */
const ENVIRONMENT: ReportEnvironment = { toolVersion: '9.9.9', node: 'v20.99.0', os: 'testos 1.0 (x64)' };

/** The page without what only shows on hover or inside the drawing: <title> elements and the SVG. */
function visibleText(html: string): string {
  return html.replace(/<title>[\s\S]*?<\/title>/g, '').replace(/<svg[\s\S]*?<\/svg>/g, '');
}

/**
 * Opens a file in headless Chromium and returns the DOM after its scripts ran and every console
 * message the page produced (uncaught exceptions, CSP violations and console calls all are).
 * Chromium runs in its own process group, killed whole if the page never finishes loading (a
 * dialog such as alert() blocks --dump-dom forever).
 */
function openInChromium(file: string): Promise<{ dom: string; consoleLines: string[] }> {
  const args = ['--headless=new', '--no-sandbox', '--disable-gpu', '--enable-logging=stderr', '--v=0', `--user-data-dir=${tempDir('tensorsmith-chromium-')}`, '--dump-dom', pathToFileURL(file).href];
  return new Promise((resolve, reject) => {
    const child = spawn(chromium!, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, 'SIGKILL');
    }, CHROMIUM_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      if (timedOut) reject(new Error(`chromium did not finish loading ${file} within ${CHROMIUM_TIMEOUT_MS / 1000} s`));
      else resolve({ dom: stdout, consoleLines: stderr.split('\n').filter((line) => /:CONSOLE[:(]|Uncaught/.test(line)) });
    });
  });
}

describe('the model drawing', () => {
  it('puts each node one layer below its deepest producer and routes long edges around nodes', () => {
    const layout = layoutGraph(reportGraph(smallModel()));
    const layer = Object.fromEntries(layout.vertices.map((v) => [v.label, v.layer]));
    expect(layer).toEqual({ x: 0, y: 0, Relu: 1, MatMul: 2, Add: 3 });
    const byLabel = new Map(layout.vertices.map((v) => [v.label, v]));
    for (const edge of layout.edges) {
      const from = layout.vertices.find((v) => v.id === edge.from)!;
      const to = layout.vertices.find((v) => v.id === edge.to)!;
      expect(edge.points[0]!.y).toBe(from.y + from.height);
      expect(edge.points[edge.points.length - 1]!.y).toBe(to.y);
    }
    // y feeds Add three layers down: it passes layers 1 and 2 beside Relu and MatMul, not through them.
    const yToAdd = layout.edges.find((e) => e.from === byLabel.get('y')!.id && e.to === byLabel.get('Add')!.id)!;
    expect(yToAdd.points).toHaveLength(6);
    for (const [point, label] of [[yToAdd.points[1]!, 'Relu'], [yToAdd.points[3]!, 'MatMul']] as const) {
      const v = byLabel.get(label)!;
      expect(point.x < v.x || point.x > v.x + v.width).toBe(true);
    }
  });

  it('names each node input by its op spec slot, numbering the repeats of a variadic slot', () => {
    expect(inputSlotNames({ op: 'Clip', inputs: ['x', 'lo', 'hi'] }, 17)).toEqual(['input', 'min', 'max']);
    expect(inputSlotNames({ op: 'Clip', inputs: ['x', '', 'hi'] }, 17)).toEqual(['input', 'min', 'max']);
    expect(inputSlotNames({ op: 'Sum', inputs: ['a', 'b', 'c'] }, 17)).toEqual(['data_0[0]', 'data_0[1]', 'data_0[2]']);
    // No spec, or more inputs than the spec has slots: positions are all there is.
    expect(inputSlotNames({ op: 'NoSuchOp', inputs: ['a'] }, 17)).toBeUndefined();
    expect(inputSlotNames({ op: 'Relu', inputs: ['a', 'b'] }, 17)).toBeUndefined();
    expect(reportGraph(slotModel()).nodes.map((n) => n.inputSlots)).toEqual([['data'], ['X'], ['input', 'min', 'max'], ['X']]);
  });

  it('labels each edge into a node of several inputs with the slot it feeds, with room for the labels', () => {
    const graph = reportGraph(slotModel());
    const layout = layoutGraph(graph);
    const vertex = (label: string) => layout.vertices.find((v) => v.label === label)!;
    const edge = (from: string, to: string) => layout.edges.find((e) => e.from === vertex(from).id && e.to === vertex(to).id)!;
    // Relu feeds Clip's max (its min is a weight, not drawn); one edge into a node needs no name.
    expect(edge('Relu', 'Clip').label).toBe('max');
    expect(edge('x', 'Clip').label).toBe('input');
    expect(edge('x', 'ReduceMax').label).toBe('');
    expect(edge('Clip', 'LeakyRelu').label).toBe('');
    const [left, right] = [edge('x', 'Clip'), edge('Relu', 'Clip')].map((e) => e.points[e.points.length - 1]!.x).sort((a, b) => a - b);
    expect(right! - left!).toBeGreaterThanOrEqual('input'.length * 6);
    const svg = graphSvg(graph, 1);
    expect(svg).toMatch(/<text class="slot" x="[\d.]+" y="[\d.]+">max<\/text>/);
    expect(svg).toMatch(/<text class="slot" x="[\d.]+" y="[\d.]+">input<\/text>/);
    expect(svg.match(/<text class="slot"/g)).toHaveLength(2);
  });

  it('escapes names and attributes taken from model.json', () => {
    const model: Model = { ...smallModel(), inputs: [{ name: '</svg><script>x()</script>', dtype: 'float32', shape: [2, 3] }, smallModel().inputs[1]!] };
    const svg = graphSvg(reportGraph(model), 1);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;/svg&gt;&lt;script&gt;');
  });
});

/** The cells of the HTML report's coverage table, header row first, as text (entities decoded). */
function htmlCoverageCells(html: string): string[][] {
  const table = /<table id="coverage">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  const text = (cell: string) => cell.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((cell) => text(cell[1]!)));
}

/** The cells of the Markdown report's coverage table, header row first, as text (escapes removed). */
function markdownCoverageCells(markdown: string): string[][] {
  const section = markdown.split('## Rewrite coverage')[1]!.split('\n## ')[0]!;
  const rows = section.split('\n').filter((line) => line.startsWith('|') && !line.startsWith('|---'));
  return rows.map((line) => line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\(.)/g, '$1')));
}

/** A campaign folder with the fixture's summary.json, these fields replaced (no case folders: the report needs none without bugs). */
function campaignWith(fields: Record<string, unknown>): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summaryValue(fields)));
  return dir;
}

describe('paths in the HTML report', () => {
  it('makes the campaign folder\'s paths in a message relative, names the folder itself, and leaves outside paths alone', () => {
    const dir = '/tmp/runs/night$1 (a+b)';
    const text = `${dir}/bugs/abc/meta.json is not read: it is not inside the campaign folder ${dir} (through a symbolic link it leads to /home/u/.ssh; ${dir}x/y is another folder)`;
    expect(campaignRelativeText(text, `${dir}/`)).toBe(
      'bugs/abc/meta.json is not read: it is not inside the campaign folder night$1 (a+b) (through a symbolic link it leads to /home/u/.ssh; /tmp/runs/night$1 (a+b)x/y is another folder)',
    );
    expect(campaignRelativeText('bugs/abc is missing', '.')).toBe('bugs/abc is missing');
  });

  it('links only to paths plainly inside the campaign folder, each segment percent-encoded', () => {
    expect(campaignHref('bugs/a b/repro.mjs')).toBe('bugs/a%20b/repro.mjs');
    expect(campaignHref('javascript:alert(1)')).toBe('javascript%3Aalert(1)');
    for (const outside of ['/etc/passwd', '../x', 'bugs/../../x', 'bugs//x', '.', '']) expect(campaignHref(outside), outside).toBeUndefined();
  });
});

describe("the HTML report's rewrite coverage", () => {
  it('is the Markdown report\'s table: a row per rewrite, a column per SUT, tests and first test in each cell', () => {
    const doc = buildReport(writeFixtureCampaign().dir);
    expect(doc.coverage).toEqual(FIXTURE_COVERAGE);
    const cells = htmlCoverageCells(renderHtml(doc));
    expect(cells).toEqual([
      ['rewrite', 'ort-all', 'ort-basic'],
      ['EliminateIdentity', '3 (test 0)', '2 (test 4)'],
      ['MatMulAddFusion', '-', '5 (test 1)'],
      ['-Relu +<b>"Frob"</b> & co', '1 (test 17)', '-'],
    ]);
    expect(markdownCoverageCells(renderMarkdown(doc))).toEqual(cells);
  });

  it('escapes rewrite and SUT names', () => {
    const html = renderHtml(buildReport(campaignWith({ coverage: { '<i>sut</i>': { '<script>x()</script>': { tests: 1, firstTest: 2 } } } })));
    expect(html).toContain('<th class="num">&lt;i&gt;sut&lt;/i&gt;</th>');
    expect(html).toContain('<td>&lt;script&gt;x()&lt;/script&gt;</td>');
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('says when the SUTs that report rewrites saw none fire, and is absent when no SUT reports them', () => {
    const none = renderHtml(buildReport(campaignWith({ coverage: { 'ort-all': {}, 'ort-basic': {} } })));
    expect(none).toContain('<h2>Rewrite coverage</h2>');
    expect(none).toContain('<p>No rewrite fired on ort-all, ort-basic.</p>');
    expect(none).not.toContain('id="coverage"');
    const silent = renderHtml(buildReport(campaignWith({ coverage: {} })));
    expect(silent).not.toContain('Rewrite coverage');
  });
});

describe('the HTML report', () => {
  const campaign = writeFixtureCampaign();
  const html = renderHtml(buildReport(campaign.dir));

  it('is one self-contained page that escapes what it read from files', () => {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('Content-Security-Policy');
    // Nothing is loaded; links go to anchors or, relatively, into the campaign folder: no scheme, no absolute path, no '..'.
    expect(html).not.toMatch(/\bsrc="/);
    expect(html).not.toMatch(/\bhref="(?!#)(?:[a-z][\w+.-]*:|\/|[^"]*\.\.)/i);
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('kernel &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;');
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('shows paths relative to the campaign folder and links to its files relatively', () => {
    expect(html).not.toContain(campaign.dir);
    expect(html).toContain(`<a href="bugs/${campaign.wrong}/"><code>bugs/${campaign.wrong}</code></a>, reduced test <a href="bugs/${campaign.wrong}/reduced/">`);
    expect(html).toContain(`<code>node</code> <a href="bugs/${campaign.wrong}/reduced/repro.mjs"><code>bugs/${campaign.wrong}/reduced/repro.mjs</code></a>`);
    expect(html).toContain(`<code>tensorsmith repro bugs/${campaign.wrong}</code>`);
    expect(html).toContain(`case folder not found (looked for bugs/${campaign.missing}/model.json and under bugs/${campaign.missing})`);
    expect(html).toContain(`campaign folder <code>${basename(campaign.dir)}</code>`);
    // Saved in the campaign folder, every link opens one of its files (but those of the bug whose folder is gone).
    const hrefs = [...html.matchAll(/href="([^"#][^"]*)"/g)].map((m) => decodeURIComponent(m[1]!));
    expect(hrefs).toContain('summary.json');
    expect(hrefs.filter((h) => !h.includes(campaign.missing)).length).toBeGreaterThanOrEqual(5);
    for (const href of hrefs.filter((h) => !h.includes(campaign.missing))) expect(existsSync(join(campaign.dir, href)), href).toBe(true);
  });

  it('is the same page when the campaign folder is moved', () => {
    const moved = join(tempDir(), basename(campaign.dir));
    cpSync(campaign.dir, moved, { recursive: true });
    expect(renderHtml(buildReport(moved), ENVIRONMENT)).toBe(renderHtml(buildReport(campaign.dir), ENVIRONMENT));
  });

  it('opens with the environment: tensorsmith, Node, OS, and each SUT with its package, version and device', () => {
    const page = renderHtml(buildReport(campaign.dir), ENVIRONMENT);
    const block = /<section id="environment">([\s\S]*?)<\/section>/.exec(page)?.[1] ?? '';
    expect(page.indexOf('<section id="environment">')).toBeLessThan(page.indexOf('<h2>Bugs</h2>'));
    expect(block).toContain('<dt>tensorsmith</dt><dd>0.1.0-test (found the bugs); this report written by tensorsmith 9.9.9</dd>');
    expect(block).toContain('<dt>Node</dt><dd>v20.99.0 ');
    expect(block).toContain('<dt>OS</dt><dd>testos 1.0 (x64) ');
    // ort-all's device from summary.json, ort-basic's from its case's meta.json (escaped).
    expect(block).toContain(`<tr><td>ort-all</td><td>onnxruntime-node</td><td>1.30.0</td><td>${FIXTURE_SUMMARY_DEVICE}</td></tr>`);
    expect(block).toContain(`<tr><td>ort-basic</td><td>onnxruntime-node</td><td>1.30.0</td><td>${escapeMarkup(FIXTURE_META_DEVICE)}</td></tr>`);
    // tensorsmith report names the Node and OS it runs on, and its own version.
    const rendered = renderReport(buildReport(campaign.dir), 'html', '7.7.7');
    expect(rendered).toContain(`<dt>Node</dt><dd>${process.version} `);
    expect(rendered).toContain('this report written by tensorsmith 7.7.7');
  });

  it('loads in headless Chromium without console errors, with its bug rows, graphs and highlighted values', async (ctx) => {
    ctx.skip(!chromium, NO_CHROMIUM);
    const file = join(tempDir(), 'report.html');
    writeFileSync(file, html);
    const { dom, consoleLines } = await openInChromium(file);
    expect(consoleLines).toEqual([]);
    // The page script ran to its end.
    expect(dom).toContain('data-ready="true"');
    expect(dom.match(/<tr class="bug-row"/g)).toHaveLength(3);
    for (const signature of [campaign.wrong, campaign.compile, campaign.missing]) expect(dom).toContain(signature);
    // The reduced wrong result and the compile error have models; the missing case has none.
    expect(dom.match(/<svg /g)).toHaveLength(2);
    expect(dom).toContain('<tr class="mismatch worst">');
    expect(dom).toContain('class="vertex op model-output worst"');
    expect(dom.match(/<table class="nodes">/g)).toHaveLength(2);
    expect(dom.match(/<table class="inputs">/g)).toHaveLength(2);
    expect(dom).toContain('<section id="environment">');
    expect(dom.match(/<table id="coverage">[\s\S]*?<\/table>/)?.[0].match(/<tr>/g)).toHaveLength(4);
  }, 2 * CHROMIUM_TIMEOUT_MS);

  it('notices a page that throws (the check above can fail)', async (ctx) => {
    ctx.skip(!chromium, NO_CHROMIUM);
    const file = join(tempDir(), 'broken.html');
    writeFileSync(file, html.replace("document.getElementById('filter');", "document.getElementById('filter'); null.boom;"));
    const { dom, consoleLines } = await openInChromium(file);
    expect(consoleLines.join('\n')).toMatch(/Uncaught TypeError/);
    expect(dom).not.toContain('data-ready="true"');
  }, 2 * CHROMIUM_TIMEOUT_MS);

  it('loads cleanly for a campaign without bugs', async (ctx) => {
    ctx.skip(!chromium, NO_CHROMIUM);
    const dir = tempDir();
    const summary = JSON.parse(readFileSync(join(campaign.dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'summary.json'), JSON.stringify({ ...summary, bugs: [] }));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(buildReport(dir)));
    const { dom, consoleLines } = await openInChromium(file);
    expect(consoleLines).toEqual([]);
    expect(dom).toContain('data-ready="true"');
    expect(dom).toContain('No bugs: every judged test agreed with the reference on every SUT.');
  }, 2 * CHROMIUM_TIMEOUT_MS);

  it("JUnit XML passes Chromium's XML parser", async (ctx) => {
    ctx.skip(!chromium, NO_CHROMIUM);
    const file = join(tempDir(), 'junit.xml');
    writeFileSync(file, renderJunit(buildReport(campaign.dir)));
    const { dom } = await openInChromium(file);
    expect(dom).toContain('testsuites');
    expect(dom).not.toContain('parsererror');
    writeFileSync(file, '<?xml version="1.0"?><a x="1 & 2"/>');
    expect((await openInChromium(file)).dom).toContain('parsererror');
  }, 2 * CHROMIUM_TIMEOUT_MS);
});

describe("the HTML report of a bug's model and inputs", () => {
  const campaign = writeSlotCampaign();
  const html = renderHtml(buildReport(campaign.dir), ENVIRONMENT);
  const visible = visibleText(html);

  it('lists every node with its inputs by slot, its attributes and output types as text, not only in tooltips', () => {
    expect(visible).toContain('<td><code>Clip(input=x, min=lo, max=hi)</code></td>');
    expect(visible).toContain('<td><code>ReduceMax(data=x)</code></td><td><code>keepdims=0</code></td><td><code>m: f32[]</code></td>');
    expect(visible).toContain('<td><code>LeakyRelu(X=c)</code></td><td><code>alpha=0.25</code></td><td><code>out: f32[4,5]</code></td>');
    expect(visible).toContain('weights (values in model.json): <code>lo: f32[]</code>');
    // The node name from model.json is escaped, in the listing as in the drawing.
    expect(visible).toContain(`<td><code>${escapeMarkup(HOSTILE_NODE_NAME)}</code></td>`);
    expect(html).not.toContain('<img');
  });

  it("shows each input's name, type and first values, and how many more there are", () => {
    expect(visible).toContain('<h3>Inputs (first values)</h3>');
    const values = '-7.5, -6.5, -5.5, -4.5, -3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, … (4 more)';
    expect(visible).toContain(`<tr><td><code>x</code></td><td><code>f32[4,5]</code></td><td class="mono">${values}</td></tr>`);
  });
});
