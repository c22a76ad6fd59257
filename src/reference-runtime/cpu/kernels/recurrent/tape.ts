/**
 * A small tape of matrix operations for the recurrent ops (RNN, GRU, LSTM). The kernel runs its cell
 * equations on it once; the same run can record a backward closure per operation (backpropagation
 * through time for the gradient rule) and carry a first-order bound on each element's float32
 * error (the error-bound rule). One program, three readings: the gradient and the bound cannot
 * disagree with the forward pass on which weight feeds which gate.
 */

/** A rows x cols matrix of values on the tape (row-major), with its gradient and error bound when tracked. */
export interface Var {
  readonly rows: number;
  readonly cols: number;
  readonly value: Float64Array;
  grad?: Float64Array;
  /** A bound on the absolute error of each element in a correct float32 computation; absent where exact. */
  err?: Float64Array;
}

/** An elementwise function with its derivative and its own rounding, for `activate`. */
export interface ElementFunction {
  readonly f: (x: number) => number;
  /** The derivative at x (where it exists; one side's at a kink). */
  readonly df: (x: number, y: number) => number;
  /** The error a correct float32 implementation adds at an element, in unit roundoffs of |y| and absolute. */
  readonly own: (x: number, y: number, unit: number) => number;
}

export interface TapeOptions {
  /** Record backward closures (for a gradient). */
  readonly grads: boolean;
  /** Track error bounds at this unit roundoff (2^-24 for float32). */
  readonly unit?: number;
}

/** Higham's gamma_n. */
function gamma(n: number, unit: number): number {
  const nu = n * unit;
  return nu >= 1 ? Infinity : nu / (1 - nu);
}

export class Tape {
  private readonly backward: (() => void)[] = [];

  constructor(private readonly options: TapeOptions) {}

  get tracksBounds(): boolean {
    return this.options.unit !== undefined;
  }

  /** A leaf holding given values (an input tensor), with the error it carries. */
  leaf(value: Float64Array, rows: number, cols: number, err?: Float64Array): Var {
    return { rows, cols, value, ...(err && this.tracksBounds ? { err } : {}) };
  }

  /** A rows x cols matrix of zeros (an omitted initial state): exact, no gradient. */
  zeros(rows: number, cols: number): Var {
    return { rows, cols, value: new Float64Array(rows * cols) };
  }

  /** Runs the recorded closures last to first: each adds its output's gradient into its inputs'. */
  runBackward(): void {
    for (let i = this.backward.length - 1; i >= 0; i--) this.backward[i]!();
  }

  /** The gradient array of a var, created on first use. */
  static gradOf(v: Var): Float64Array {
    v.grad ??= new Float64Array(v.value.length);
    return v.grad;
  }

  private make(rows: number, cols: number, value: Float64Array, err: Float64Array | undefined, back: ((out: Var) => void) | undefined): Var {
    const out: Var = { rows, cols, value, ...(err ? { err } : {}) };
    if (this.options.grads && back) {
      this.backward.push(() => {
        if (out.grad) back(out);
      });
    }
    return out;
  }

  /** Row r of the result copies src[offsets[r] ... + cols]. */
  rows(src: Var, offsets: readonly number[], cols: number): Var {
    const n = offsets.length;
    const value = new Float64Array(n * cols);
    offsets.forEach((o, r) => value.set(src.value.subarray(o, o + cols), r * cols));
    let err: Float64Array | undefined;
    if (src.err) {
      const e = src.err;
      err = new Float64Array(n * cols);
      offsets.forEach((o, r) => err!.set(e.subarray(o, o + cols), r * cols));
    }
    return this.make(n, cols, value, err, (out) => {
      const g = Tape.gradOf(src);
      offsets.forEach((o, r) => {
        for (let j = 0; j < cols; j++) g[o + j]! += out.grad![r * cols + j]!;
      });
    });
  }

  /** y = x W^T for the n rows of W starting at element wOffset (each x.cols long): a gate's block of a weight tensor. */
  linear(x: Var, w: Var, wOffset: number, n: number): Var {
    const { rows, cols: k } = x;
    const value = new Float64Array(rows * n);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let i = 0; i < k; i++) s += x.value[r * k + i]! * w.value[wOffset + j * k + i]!;
        value[r * n + j] = s;
      }
    }
    let err: Float64Array | undefined;
    const unit = this.options.unit;
    if (unit !== undefined) {
      err = new Float64Array(rows * n);
      const g = gamma(k, unit);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < n; j++) {
          let carried = 0;
          let magnitude = 0;
          for (let i = 0; i < k; i++) {
            const xv = Math.abs(x.value[r * k + i]!);
            const wv = Math.abs(w.value[wOffset + j * k + i]!);
            const ex = x.err?.[r * k + i] ?? 0;
            const ew = w.err?.[wOffset + j * k + i] ?? 0;
            carried += xv * ew + ex * wv + ex * ew;
            magnitude += xv * wv;
          }
          err[r * n + j] = carried + g * magnitude;
        }
      }
    }
    return this.make(rows, n, value, err, (out) => {
      const gy = out.grad!;
      const gx = Tape.gradOf(x);
      const gw = Tape.gradOf(w);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < n; j++) {
          const d = gy[r * n + j]!;
          if (d === 0) continue;
          for (let i = 0; i < k; i++) {
            gx[r * k + i]! += d * w.value[wOffset + j * k + i]!;
            gw[wOffset + j * k + i]! += d * x.value[r * k + i]!;
          }
        }
      }
    });
  }

  /** Elementwise a + b (same shapes). */
  add(a: Var, b: Var): Var {
    const value = a.value.map((v, i) => v + b.value[i]!);
    const err = this.rounded(value, a.err, b.err);
    return this.make(a.rows, a.cols, value, err, (out) => {
      const ga = Tape.gradOf(a);
      const gb = Tape.gradOf(b);
      out.grad!.forEach((d, i) => {
        ga[i]! += d;
        gb[i]! += d;
      });
    });
  }

  /** y[r][j] = a[r][j] + v[offset + j]: a bias row added to every row. */
  addRow(a: Var, v: Var, offset: number): Var {
    const { rows, cols } = a;
    const value = a.value.map((x, i) => x + v.value[offset + (i % cols)]!);
    const err = this.rounded(value, a.err, v.err && Float64Array.from(value, (_x, i) => v.err![offset + (i % cols)]!));
    return this.make(rows, cols, value, err, (out) => {
      const ga = Tape.gradOf(a);
      const gv = Tape.gradOf(v);
      out.grad!.forEach((d, i) => {
        ga[i]! += d;
        gv[offset + (i % cols)]! += d;
      });
    });
  }

  /** Elementwise a * b (same shapes). */
  mul(a: Var, b: Var): Var {
    const value = a.value.map((v, i) => v * b.value[i]!);
    const err = this.product(value, a, b.value, b.err, (i) => i);
    return this.make(a.rows, a.cols, value, err, (out) => {
      const ga = Tape.gradOf(a);
      const gb = Tape.gradOf(b);
      out.grad!.forEach((d, i) => {
        ga[i]! += d * b.value[i]!;
        gb[i]! += d * a.value[i]!;
      });
    });
  }

  /** y[r][j] = a[r][j] * v[offset + j]: a peephole weight row times every row. */
  mulRow(a: Var, v: Var, offset: number): Var {
    const cols = a.cols;
    const at = (i: number) => offset + (i % cols);
    const value = a.value.map((x, i) => x * v.value[at(i)]!);
    const err = this.product(value, a, v.value, v.err, at);
    return this.make(a.rows, cols, value, err, (out) => {
      const ga = Tape.gradOf(a);
      const gv = Tape.gradOf(v);
      out.grad!.forEach((d, i) => {
        ga[i]! += d * v.value[at(i)]!;
        gv[at(i)]! += d * a.value[i]!;
      });
    });
  }

  /** 1 - a elementwise. */
  oneMinus(a: Var): Var {
    const value = a.value.map((v) => 1 - v);
    const err = this.rounded(value, a.err);
    return this.make(a.rows, a.cols, value, err, (out) => {
      const ga = Tape.gradOf(a);
      out.grad!.forEach((d, i) => (ga[i]! -= d));
    });
  }

  /** f elementwise; its error carries the farthest f(x +- e) lies from f(x), plus f's own. */
  activate(fn: ElementFunction, a: Var): Var {
    const value = a.value.map(fn.f);
    let err: Float64Array | undefined;
    const unit = this.options.unit;
    if (unit !== undefined) {
      err = value.map((y, i) => {
        const x = a.value[i]!;
        const e = a.err?.[i] ?? 0;
        const far = e === 0 ? 0 : Math.max(Math.abs(fn.f(x + e) - y), Math.abs(fn.f(x - e) - y));
        const total = far + fn.own(x, y, unit);
        return Number.isNaN(total) ? Infinity : total;
      });
    }
    return this.make(a.rows, a.cols, value, err, (out) => {
      const ga = Tape.gradOf(a);
      out.grad!.forEach((d, i) => (ga[i]! += d * fn.df(a.value[i]!, value[i]!)));
    });
  }

  /** Clamps into [-threshold, threshold] (the ops' clip attribute): no more error than the input's. */
  clip(a: Var, threshold: number): Var {
    const value = a.value.map((v) => Math.min(threshold, Math.max(-threshold, v)));
    return this.make(a.rows, a.cols, value, a.err && Float64Array.from(a.err), (out) => {
      const ga = Tape.gradOf(a);
      out.grad!.forEach((d, i) => {
        const v = a.value[i]!;
        if (v > -threshold && v < threshold) ga[i]! += d;
      });
    });
  }

  /** Row r from `a` where keep[r], else from `b`: a batch entry whose sequence has ended keeps its state. */
  select(keep: readonly boolean[], a: Var, b: Var): Var {
    if (keep.every(Boolean)) return a;
    const cols = a.cols;
    const pick = (i: number) => keep[Math.floor(i / cols)]!;
    const value = a.value.map((v, i) => (pick(i) ? v : b.value[i]!));
    const err = a.err || b.err ? Float64Array.from(value, (_v, i) => (pick(i) ? (a.err?.[i] ?? 0) : (b.err?.[i] ?? 0))) : undefined;
    return this.make(a.rows, cols, value, err, (out) => {
      const ga = Tape.gradOf(a);
      const gb = Tape.gradOf(b);
      out.grad!.forEach((d, i) => {
        if (pick(i)) ga[i]! += d;
        else gb[i]! += d;
      });
    });
  }

  /** The bound of a sum of errors plus one rounding of the result, when tracked. */
  private rounded(value: Float64Array, ...errs: (Float64Array | undefined)[]): Float64Array | undefined {
    const unit = this.options.unit;
    if (unit === undefined) return undefined;
    return value.map((y, i) => errs.reduce((s, e) => s + (e?.[i] ?? 0), 0) + unit * Math.abs(y));
  }

  /** The bound of a product a * b[at(i)]: |a| eb + |b| ea + ea eb, plus one rounding. */
  private product(value: Float64Array, a: Var, b: Float64Array, bErr: Float64Array | undefined, at: (i: number) => number): Float64Array | undefined {
    const unit = this.options.unit;
    if (unit === undefined) return undefined;
    return value.map((y, i) => {
      const ea = a.err?.[i] ?? 0;
      const eb = bErr?.[at(i)] ?? 0;
      return Math.abs(a.value[i]!) * eb + Math.abs(b[at(i)]!) * ea + ea * eb + unit * Math.abs(y);
    });
  }
}
