/** The report page's style sheet, inlined: the page must open from an artifact with no network. */
export const REPORT_CSS = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg2: #f6f8fa; --bad: #cf222e; --bad-bg: #ffebe9; --ok: #1a7f37; --warn: #9a6700; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); margin: 0 auto; padding: 16px 24px 48px; max-width: 1200px; }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
code { background: var(--bg2); padding: 1px 4px; border-radius: 4px; word-break: break-all; }
.sub { color: var(--muted); margin: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 8px; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 110px; }
.card b { display: block; font-size: 20px; }
.card span { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg2); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
#coverage td.none, .none { color: var(--muted); }
table.nodes code, table.inputs code { background: none; padding: 0; word-break: normal; }
#environment h2 { margin-top: 16px; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; font-weight: 600; border: 1px solid currentColor; }
.badge.new, .badge.regression { color: var(--bad); }
.badge.known { color: var(--muted); }
.badge.none { color: var(--warn); }
.filters { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; margin: 8px 0; }
.filters input[type=search] { padding: 4px 8px; min-width: 260px; border: 1px solid var(--line); border-radius: 6px; }
section.bug { border: 1px solid var(--line); border-radius: 8px; padding: 4px 16px 16px; margin: 24px 0; }
section.bug h2 { border: 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.problem { color: var(--bad); }
.panes { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.pane { min-width: 0; flex: 1 1 360px; }
.pane h3 { font-size: 14px; margin: 12px 0 4px; }
.graph-box { overflow: auto; width: fit-content; max-width: 100%; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
svg.graph { display: block; font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
svg.graph .edges path { fill: none; stroke: #8c959f; stroke-width: 1.3; }
svg.graph marker path { fill: #8c959f; }
svg.graph .vertex rect { fill: #fff; stroke: #57606a; stroke-width: 1.2; }
svg.graph .vertex.input rect { fill: var(--bg2); }
svg.graph .vertex.model-output rect { stroke-width: 2.6; }
svg.graph .vertex.worst rect { stroke: var(--bad); fill: var(--bad-bg); }
svg.graph text { text-anchor: middle; }
svg.graph text.label { font-weight: 700; }
svg.graph text.detail { fill: var(--muted); }
svg.graph text.slot { font-size: 10px; fill: #0550ae; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.legend { color: var(--muted); font-size: 12px; margin: 4px 0; }
table.values td { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
table.values tr.mismatch td { background: var(--bad-bg); }
table.values tr.mismatch td.actual { color: var(--bad); font-weight: 700; }
table.values tr.worst td { outline: 2px solid var(--bad); outline-offset: -2px; }
table.values caption { text-align: left; font-weight: 600; padding: 4px 0; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
[hidden] { display: none !important; }
`;

/**
 * The page's only behaviour: filtering the bug table (and the bug sections) by text and status.
 * It marks the body data-ready when it has run to the end, which the headless-browser test checks.
 */
export const REPORT_SCRIPT = `
(function () {
  'use strict';
  var filter = document.getElementById('filter');
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[data-status]'));
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.bug-row'));
  var none = document.getElementById('no-match');
  function apply() {
    var query = filter ? filter.value.trim().toLowerCase() : '';
    var shown = {};
    boxes.forEach(function (box) { shown[box.getAttribute('data-status')] = box.checked; });
    var visible = 0;
    rows.forEach(function (row) {
      var match = shown[row.getAttribute('data-status')] !== false && row.getAttribute('data-text').indexOf(query) >= 0;
      row.hidden = !match;
      var section = document.getElementById(row.getAttribute('data-target'));
      if (section) section.hidden = !match;
      if (match) visible++;
    });
    if (none) none.hidden = visible > 0 || rows.length === 0;
  }
  if (filter) filter.addEventListener('input', apply);
  boxes.forEach(function (box) { box.addEventListener('change', apply); });
  apply();
  document.body.setAttribute('data-ready', 'true');
})();
`;
