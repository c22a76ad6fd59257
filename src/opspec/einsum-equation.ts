/**
 * Einsum equations (numpy's notation, as ONNX's Einsum takes them): parsing, and resolving them
 * against the operands' ranks into one label per dim. Shared by the spec (shapes and rules) and the
 * kernels (the loops), so that both read an equation alike.
 */

/** One operand's or the output's term: letters, with '...' at most once (spaces dropped). */
export interface EinsumTerm {
  readonly letters: readonly string[];
  /** Where '...' stands among the letters (its index in `letters`), if it does. */
  readonly ellipsisAt?: number;
}

export interface EinsumEquation {
  readonly inputs: readonly EinsumTerm[];
  /** The explicit output after '->', or undefined in implicit mode. */
  readonly output?: EinsumTerm;
}

/** A syntax error in an equation. */
export class EinsumSyntaxError extends Error {
  override readonly name = 'EinsumSyntaxError';
}

function parseTerm(text: string, where: string): EinsumTerm {
  const letters: string[] = [];
  let ellipsisAt: number | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === ' ') continue;
    if (ch === '.') {
      if (text.slice(i, i + 3) !== '...') throw new EinsumSyntaxError(`${where} has a '.' outside '...'`);
      if (ellipsisAt !== undefined) throw new EinsumSyntaxError(`${where} has '...' twice`);
      ellipsisAt = letters.length;
      i += 2;
      continue;
    }
    if (!/^[a-zA-Z]$/.test(ch)) throw new EinsumSyntaxError(`${where} has '${ch}', which is not a letter`);
    letters.push(ch);
  }
  return ellipsisAt === undefined ? { letters } : { letters, ellipsisAt };
}

export function parseEinsum(equation: string): EinsumEquation {
  const arrow = equation.split('->');
  if (arrow.length > 2) throw new EinsumSyntaxError(`equation '${equation}' has '->' twice`);
  const inputs = arrow[0]!.split(',').map((t, i) => parseTerm(t, `operand ${i} of '${equation}'`));
  if (arrow.length === 1) return { inputs };
  const output = parseTerm(arrow[1]!, `the output of '${equation}'`);
  if (new Set(output.letters).size !== output.letters.length) throw new EinsumSyntaxError(`the output of '${equation}' repeats a letter`);
  return { inputs, output };
}

/** Whether the equation parses (the spec's attribute test). */
export function isEinsumSyntax(equation: string): boolean {
  try {
    parseEinsum(equation);
    return true;
  } catch {
    return false;
  }
}

/**
 * An equation resolved against operand ranks: each dim of each operand and of the output gets a
 * label. Letters label themselves; the dims '...' covers get labels '0', '1'... counted from the
 * right (numpy broadcasts them right-aligned), so an operand with fewer of them broadcasts.
 */
export interface EinsumPlan {
  readonly operands: readonly (readonly string[])[];
  readonly output: readonly string[];
  /** Labels summed over: in some operand, not in the output. */
  readonly summed: readonly string[];
  /** How many dims '...' covers at most (0 without one). */
  readonly ellipsisRank: number;
}

function expand(term: EinsumTerm, covered: number): string[] {
  if (term.ellipsisAt === undefined) return [...term.letters];
  const dims = Array.from({ length: covered }, (_, k) => String(covered - 1 - k));
  return [...term.letters.slice(0, term.ellipsisAt), ...dims, ...term.letters.slice(term.ellipsisAt)];
}

/** Resolves an equation for operands of these ranks; throws EinsumSyntaxError on a mismatch. */
export function planEinsum(equation: EinsumEquation, ranks: readonly number[]): EinsumPlan {
  if (equation.inputs.length !== ranks.length) {
    throw new EinsumSyntaxError(`the equation names ${equation.inputs.length} operands; the node has ${ranks.length}`);
  }
  let ellipsisRank = 0;
  const operands = equation.inputs.map((term, i) => {
    const covered = ranks[i]! - term.letters.length;
    if (term.ellipsisAt === undefined ? covered !== 0 : covered < 0) {
      throw new EinsumSyntaxError(`operand ${i} has rank ${ranks[i]} but its term has ${term.letters.length} letters${term.ellipsisAt === undefined ? '' : ' and ...'}`);
    }
    ellipsisRank = Math.max(ellipsisRank, covered);
    return expand(term, covered);
  });
  const counts = new Map<string, number>();
  for (const labels of operands) for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let output: string[];
  if (equation.output) {
    const hasEllipsis = equation.inputs.some((t) => t.ellipsisAt !== undefined);
    if (equation.output.ellipsisAt !== undefined && !hasEllipsis) throw new EinsumSyntaxError(`the output has '...' but no operand does`);
    for (const l of equation.output.letters) if (!counts.has(l)) throw new EinsumSyntaxError(`output letter '${l}' is in no operand`);
    // numpy sums the broadcast dims away when the output leaves '...' out; ONNX's tests never do.
    if (hasEllipsis && ellipsisRank > 0 && equation.output.ellipsisAt === undefined) throw new EinsumSyntaxError(`the output leaves out the dims '...' covers`);
    output = expand(equation.output, ellipsisRank);
  } else {
    // Implicit mode: the broadcast dims, then the letters that appear once, in alphabetical order.
    const once = [...counts].filter(([l, n]) => n === 1 && /^[a-zA-Z]$/.test(l)).map(([l]) => l).sort();
    output = [...Array.from({ length: ellipsisRank }, (_, k) => String(ellipsisRank - 1 - k)), ...once];
  }
  const summed = [...counts.keys()].filter((l) => !output.includes(l));
  return { operands, output, summed, ellipsisRank };
}
