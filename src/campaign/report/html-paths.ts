import { basename, normalize, resolve, sep } from 'node:path';

/**
 * Paths as the HTML report shows them: relative to the campaign folder, so that the page still
 * reads right, and its links still work, when the folder is moved, copied or zipped with the page
 * inside it.
 */

/** The campaign folder's own name (`reports/nightly/` shows as nightly). */
export function campaignName(campaignDir: string): string {
  return basename(resolve(campaignDir)) || campaignDir;
}

/**
 * A relative link to a file of the campaign folder given relative to it ('/'-separated), each
 * segment percent-encoded (a ':' can then never start a scheme); undefined for a path that is not
 * plainly inside the folder (absolute, empty, or with an empty, '.' or '..' segment).
 */
export function campaignHref(relative: string): string | undefined {
  const segments = relative.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return undefined;
  return segments.map(encodeURIComponent).join('/');
}

/** A link to a folder of the campaign folder: with a trailing slash, which browsers open as a listing. */
export function campaignFolderHref(relative: string): string | undefined {
  const href = campaignHref(relative);
  return href === undefined ? undefined : `${href}/`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A message that names files of the campaign folder by their full path (a report's problems do:
 * the JSON report keeps them as they are) with those paths made relative to the folder, and the
 * folder itself named by its own name. Paths outside it (where a symbolic link leads) are left as
 * they are: they are not moved with it.
 */
export function campaignRelativeText(text: string, campaignDir: string): string {
  const forms = [...new Set([campaignDir, normalize(campaignDir)].map((d) => d.replace(/[\\/]+$/, '')))].filter((d) => d !== '' && d !== '.');
  const name = campaignName(campaignDir);
  let result = text;
  for (const dir of forms) {
    const start = `(?<![\\w./\\\\-])${escapeRegExp(dir)}`;
    result = result.replace(new RegExp(`${start}${escapeRegExp(sep)}`, 'g'), '');
    result = result.replace(new RegExp(`${start}(?![\\w\\\\/-]|\\.\\w)`, 'g'), () => name);
  }
  return result;
}
