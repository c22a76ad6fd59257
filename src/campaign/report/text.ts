/**
 * Characters XML 1.0 does not allow at all (C0 controls but tab, newline and carriage return;
 * lone surrogates; U+FFFE and U+FFFF). A SUT's error output can hold any of them, ANSI escape
 * sequences included, and one such character makes a whole JUnit file unreadable.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text without the characters no XML, HTML or Markdown reader should get (shown as U+FFFD). */
export function printable(text: string): string {
  return text.replace(XML_FORBIDDEN, '\uFFFD');
}

/** Text safe inside XML or HTML element content and quoted attribute values. */
export function escapeMarkup(text: string): string {
  return printable(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A value as a person compares it: integers exact, others to 8 significant digits. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const text = x.toPrecision(8);
  // Drop the trailing zeros of the mantissa: 0.50000000 reads as 0.5.
  return text.replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1');
}

export function formatRatio(errorRatio: number): string {
  return Number.isFinite(errorRatio) ? errorRatio.toExponential(2) : String(errorRatio);
}

export function formatPosition(position: readonly number[]): string {
  return `[${position.join(', ')}]`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "a 3, b 1": a tally, largest first, zero counts left out. */
export function countsText(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}
