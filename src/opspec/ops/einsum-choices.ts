/**
 * The equations the generator draws for Einsum operands of given ranks: transposes, reductions,
 * batch and broadcast matrix products, elementwise, inner and outer products, contractions of one
 * dim (with '...' in single-operand forms only). Every one is valid for those ranks (the dims it pairs up are left to the spec's rules).
 * Diagonals (a letter twice in one operand) are not drawn; imported models may hold them.
 */

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

const word = (from: number, n: number) => LETTERS.slice(from, from + n);

function unary(r: number): string[] {
  const x = word(0, r);
  const out = [`${x}->${x}`, `${x}->`, x];
  if (r >= 1) out.push(`${x}->${x.slice(0, -1)}`, `...${x.slice(-1)}->...`);
  if (r >= 2) out.push(`${x}->${[...x].reverse().join('')}`, `${x}->${x.slice(1)}`, `...${x.slice(-1)}->${x.slice(-1)}...`);
  if (r >= 3) out.push(`${x}->${x.slice(1)}${x[0]}`);
  return out;
}

function binary(r0: number, r1: number): string[] {
  const out: string[] = [];
  if (r0 === r1) {
    const x = word(0, r0);
    out.push(`${x},${x}->${x}`, `${x},${x}->`);
    if (r0 >= 2) {
      // Batch matrix product: shared leading letters, then ij,jk->ik.
      const b = word(3, r0 - 2);
      out.push(`${b}ij,${b}jk->${b}ik`, `${b}ij,${b}kj->${b}ki`);
    }
  }
  // Batch dims are spelled out: onnxruntime rejects '...' that covers different dims in two operands.
  if (r0 >= 2 && r1 === 1) out.push(`${word(3, r0 - 2)}ij,j->${word(3, r0 - 2)}i`);
  if (r0 >= 1 && r1 >= 1) {
    // Contract A's last dim with B's first; implicit mode orders the rest alphabetically.
    const a = word(0, r0 - 1);
    const b = word(r0, r1 - 1);
    out.push(`${a}z,z${b}`, `${a}z,z${b}->${b}${a}`);
  }
  // An outer product's loop is its output: kept to small ranks.
  if (r0 === 0 || r1 === 0 || r0 + r1 <= 4) out.push(`${word(0, r0)},${word(r0, r1)}->${word(0, r0)}${word(r0, r1)}`);
  return out;
}

/** Valid equations for operands of these ranks (one or two operands; none for more). */
export function einsumChoices(ranks: readonly number[]): string[] {
  if (ranks.length === 1) return unary(ranks[0]!);
  if (ranks.length === 2) return binary(ranks[0]!, ranks[1]!);
  return [];
}
