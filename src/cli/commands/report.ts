import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { buildReport } from '../../campaign/report/build.js';
import { renderIssue } from '../../campaign/report/issue.js';
import { parseReportFormat, renderReport, REPORT_FORMATS } from '../../campaign/report/render.js';
import { EXIT_OK, type CliIo } from '../io.js';
import { TOOL_VERSION } from '../version.js';
import { checkFileFlag } from '../options.js';

export function reportCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('report')
    .description('render a campaign folder (summary.json and its bug case folders) as Markdown, HTML, JSON, JUnit XML or SARIF; or one bug case folder as an upstream bug report (--format issue)')
    .argument('<dir>', "a campaign folder: what 'fuzz --out' or 'merge --out' wrote; with --format issue, a bug case folder")
    .option('--format <format>', `${REPORT_FORMATS.join(', ')}, issue`, 'md')
    .option('--out <file>', 'write the report to this file (default: stdout)')
    .action((dir: string, opts: { format: string; out?: string }) => {
      if (opts.out !== undefined) checkFileFlag('--out', opts.out);
      if (opts.format === 'issue') {
        const text = renderIssue(dir);
        if (opts.out === undefined) io.out(text);
        else {
          mkdirSync(dirname(opts.out), { recursive: true });
          writeFileSync(opts.out, text);
          io.out(`wrote the bug report of ${dir} to ${opts.out}\n`);
        }
        setExit(EXIT_OK);
        return;
      }
      const format = parseReportFormat(opts.format);
      const doc = buildReport(dir);
      const text = renderReport(doc, format, TOOL_VERSION);
      if (opts.out === undefined) io.out(text);
      else {
        mkdirSync(dirname(opts.out), { recursive: true });
        writeFileSync(opts.out, text);
        io.out(`wrote the ${format} report of ${doc.totals.bugs} bugs (${doc.campaign.tests} judged tests) to ${opts.out}\n`);
      }
      // Rendering judges nothing: the fuzz run's exit code says whether there were (new) bugs.
      setExit(EXIT_OK);
    });
}
