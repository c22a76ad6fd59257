import { UserError } from '../../ir/errors.js';
import { stableStringify } from '../../ir/json.js';
import type { ReportDocument } from './document.js';
import { currentEnvironment } from './environment.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';

export const REPORT_FORMATS = ['md', 'html', 'json', 'junit', 'sarif'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function parseReportFormat(value: string): ReportFormat {
  const format = REPORT_FORMATS.find((f) => f === value);
  if (!format) throw new UserError(`--format must be one of ${REPORT_FORMATS.join(', ')}, got '${value}'`);
  return format;
}

/**
 * A campaign report in one format. `toolVersion` names tensorsmith in SARIF when the case folders
 * do not record the version that found the bugs, and as the report's writer in HTML. JSON writes NaN and the infinities as strings.
 */
export function renderReport(doc: ReportDocument, format: ReportFormat, toolVersion: string): string {
  switch (format) {
    case 'md':
      return renderMarkdown(doc);
    case 'html':
      return renderHtml(doc, currentEnvironment(toolVersion));
    case 'json':
      return stableStringify(doc);
    case 'junit':
      return renderJunit(doc);
    case 'sarif':
      return renderSarif(doc, toolVersion);
  }
}
