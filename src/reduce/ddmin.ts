/**
 * Zeller's ddmin: a 1-minimal subset of `items` on which `test` still holds (test(items) is
 * assumed). Subsets are tried as chunks first, then as complements of chunks, doubling the
 * granularity when neither helps. `granularity` is the number of chunks to start with (2 by
 * default; items.length tries single items first); `stop` ends the search early.
 */
export async function ddmin<T>(
  items: readonly T[],
  test: (subset: T[]) => Promise<boolean>,
  options: { granularity?: number; stop?: () => boolean } = {},
): Promise<T[]> {
  let current = [...items];
  let n = Math.max(2, Math.min(options.granularity ?? 2, current.length));
  while (current.length >= 2 && !options.stop?.()) {
    const chunks = split(current, n);
    let next: T[] | undefined;
    for (const chunk of chunks) {
      if (await test(chunk)) {
        next = chunk;
        n = 2;
        break;
      }
    }
    // With two chunks each complement is the other chunk, already tried.
    if (!next && n > 2) {
      for (let i = 0; i < chunks.length; i++) {
        const complement = chunks.filter((_, j) => j !== i).flat();
        if (await test(complement)) {
          next = complement;
          n = Math.max(n - 1, 2);
          break;
        }
      }
    }
    if (next) current = next;
    else if (n >= current.length) break;
    else n = Math.min(current.length, 2 * n);
  }
  return current;
}

/** `items` in `n` contiguous chunks of near-equal size. */
function split<T>(items: readonly T[], n: number): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = start + Math.floor((items.length - start) / (n - i));
    chunks.push(items.slice(start, end));
    start = end;
  }
  return chunks.filter((c) => c.length > 0);
}
