import type { DType } from './dtype.js';
import { roundToFloat16 } from './float16.js';

/** What the checks and oracles need to know of a float dtype's format. */
export interface FloatFormat {
  /** Half an ulp of 1: the relative error of one rounding. */
  readonly unitRoundoff: number;
  /** The largest finite value: beyond it a SUT computing in this dtype sees Inf. */
  readonly max: number;
  /** The smallest normal value: below it SUTs may flush to zero. */
  readonly minNormal: number;
  /** Rounds a float64 to the nearest value of the format (ties to even). */
  readonly round: (x: number) => number;
}

const FORMATS: Readonly<Partial<Record<DType, FloatFormat>>> = {
  float64: { unitRoundoff: 2 ** -53, max: Number.MAX_VALUE, minNormal: 2 ** -1022, round: (x) => x },
  float32: { unitRoundoff: 2 ** -24, max: 3.4028234663852886e38, minNormal: 2 ** -126, round: Math.fround },
  float16: { unitRoundoff: 2 ** -11, max: 65504, minNormal: 2 ** -14, round: roundToFloat16 },
};

/** The format of a float dtype; undefined for integers and bool. */
export function floatFormat(dtype: DType): FloatFormat | undefined {
  return FORMATS[dtype];
}

/** x rounded to the dtype when it is a float dtype narrower than float64, else x. */
export function roundToDType(dtype: DType, x: number): number {
  return FORMATS[dtype]?.round(x) ?? x;
}
