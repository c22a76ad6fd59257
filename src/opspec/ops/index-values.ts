/**
 * How the generator draws index values the ONNX indexing ops read (InputSlot.drawValues): each
 * index within the dim it addresses, sometimes written from the end (negative), and without
 * repeats where a repeat leaves the result undefined.
 */

export type Draw = (lo: number, hi: number) => number;

/** An index into a dim of `size`: usually from the front, a quarter of the time from the end. */
export function writeIndex(position: number, size: number, draw: Draw, negatives = true): number {
  return negatives && draw(0, 3) === 0 ? position - size : position;
}

/** `count` distinct positions in [0, size) (count <= size), in random order. */
export function distinctPositions(count: number, size: number, draw: Draw): number[] {
  const pool = Array.from({ length: size }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = draw(i, size - 1);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}

/**
 * Values for an index tensor of `shape` whose lines along `axis` each address a dim of `size`
 * (ScatterElements' indices): distinct within every line when `distinct`, else any.
 */
export function indicesAlong(shape: readonly number[], axis: number, size: number, draw: Draw, options: { distinct: boolean; negatives: boolean }): number[] {
  const len = shape[axis]!;
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  const total = shape.reduce((a, b) => a * b, 1);
  const out = new Array<number>(total).fill(0);
  const outer = total / Math.max(1, len * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const positions = options.distinct ? distinctPositions(len, size, draw) : Array.from({ length: len }, () => draw(0, size - 1));
      positions.forEach((p, j) => (out[(o * len + j) * inner + i] = writeIndex(p, size, draw, options.negatives)));
    }
  }
  return out;
}

/**
 * Values for an index-tuple tensor (GatherND's, ScatterND's indices): `count` tuples, each
 * addressing the dims `dims` (one component per dim); distinct tuples when `distinct`.
 */
export function indexTuples(count: number, dims: readonly number[], draw: Draw, distinct: boolean): number[] {
  const space = dims.reduce((a, b) => a * b, 1);
  const flats = distinct ? distinctPositions(count, space, draw) : Array.from({ length: count }, () => draw(0, space - 1));
  return flats.flatMap((flat) => {
    const tuple = new Array<number>(dims.length);
    for (let m = dims.length - 1; m >= 0; m--) {
      tuple[m] = flat % dims[m]!;
      flat = Math.floor(flat / dims[m]!);
    }
    return tuple.map((p, m) => writeIndex(p, dims[m]!, draw));
  });
}
