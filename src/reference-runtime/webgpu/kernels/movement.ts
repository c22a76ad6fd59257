import { padsPerAxis } from '../../../opspec/ops/pad.js';
import { sliceAxes, sliceFirstIndex } from '../../../opspec/ops/slice.js';
import { normalizeAxis } from '../../../opspec/shapes.js';
import { bindings, cacheKey, entryPoint, type GpuProgram, type WebGpuKernel, type WebGpuKernelArgs } from '../program.js';
import { TensorIndexer } from '../wgsl.js';
import { outType } from './elementwise.js';
import { f32Literal } from './unary.js';

/*
 * Data movement: every output element is a copy of one input element (or a constant), so each
 * kernel is index arithmetic from the output's coordinates `c` to an input offset. Shape-typed
 * inputs (Reshape's shape, Slice's starts, Pad's pads...) reach the kernels as attributes; Shape is
 * left out, its output being int64, which WGSL has no type for.
 */

/**
 * `_ = arrayLength(&x);` for every binding that `code` never names. The runtime binds every present
 * input and output, and an 'auto' pipeline layout leaves out bindings the shader does not use: the
 * bind group would be invalid and the pass would silently not run (an int64 shape input that is
 * only an attribute, a Pad's constant_value with no padded axis, an empty Concat input...).
 */
function touchUnused(declarations: string, code: string): string {
  const declared = [...declarations.matchAll(/var<storage, [a-z_, ]+> ((?:input|output)\d+):/g)].map((m) => m[1]!);
  return declared
    .filter((name) => !new RegExp(`\\b${name}\\b`).test(code))
    .map((name) => `  _ = arrayLength(&${name});`)
    .join('\n');
}

/** What an op's program is made of: WGSL for one invocation, and what it depends on. */
interface ProgramParts {
  /** Statements run once per invocation, with `index` (and `c`, the output coordinates, when `coords`). */
  readonly body: string;
  /** The attributes and constants the WGSL depends on beyond the input and output types. */
  readonly key: unknown;
  /** Extra WGSL functions. */
  readonly helpers?: string;
  /** Whether the body needs `c = out_coords(index)` of output 0 (default true). */
  readonly coords?: boolean;
  /** Invocations (default: the size of output 0). */
  readonly threads?: number;
}

function program(op: string, args: WebGpuKernelArgs, parts: ProgramParts): GpuProgram {
  const out = new TensorIndexer('out', args.outputs[0]!.shape);
  const declarations = bindings(args);
  const withCoords = parts.coords ?? true;
  const threads = parts.threads ?? out.size;
  const helpers = parts.helpers ?? '';
  const body = [withCoords ? '  let c = out_coords(index);' : '', touchUnused(declarations, helpers + parts.body), parts.body].filter((s) => s.length > 0).join('\n');
  const wgsl = [declarations, withCoords ? out.coordsFn() : '', helpers, entryPoint(threads, body)].join('\n');
  return { cacheKey: cacheKey(op, args, parts.key), wgsl, threads };
}

/** The input's offset read by output element `c`, given one WGSL coordinate expression per input dim. */
function readAt(args: WebGpuKernelArgs, inputCoords: readonly string[]): string {
  return `input0[${new TensorIndexer('in0', args.inputs[0]!.shape).offset(inputCoords)}]`;
}

function outputCoords(rank: number): string[] {
  return Array.from({ length: rank }, (_, d) => `c[${d}]`);
}

/** Reshape, Flatten, Squeeze and Unsqueeze keep the row-major data: a straight copy. */
function copyKernel(op: string): WebGpuKernel {
  return { program: (args) => program(op, args, { body: '  output0[index] = input0[index];', key: '', coords: false }) };
}

/** Output dim d reads input dim perm[d]. */
const transposeKernel: WebGpuKernel = {
  program(args) {
    const perm = args.attrs.ints('perm');
    const inputCoords = new Array<string>(perm.length);
    perm.forEach((p, d) => {
      inputCoords[p] = `c[${d}]`;
    });
    return program('Transpose', args, { body: `  output0[index] = ${readAt(args, inputCoords)};`, key: perm });
  },
};

const expandKernel: WebGpuKernel = {
  program(args) {
    const input = new TensorIndexer('in0', args.inputs[0]!.shape);
    return program('Expand', args, { body: `  output0[index] = input0[${input.broadcastOffset('c', args.outputs[0]!.shape.length)}];`, key: '' });
  },
};

/** Output coordinate o reads input coordinate o mod d on every axis. */
const tileKernel: WebGpuKernel = {
  program(args) {
    const shape = args.inputs[0]!.shape;
    const inputCoords = shape.map((d, a) => (args.outputs[0]!.shape[a] === d ? `c[${a}]` : `c[${a}] % ${d}u`));
    return program('Tile', args, { body: `  output0[index] = ${readAt(args, inputCoords)};`, key: '' });
  },
};

/** Along each sliced axis, output coordinate k reads first + k * step (never below 0 for a valid k). */
const sliceKernel: WebGpuKernel = {
  program(args) {
    const shape = args.inputs[0]!.shape;
    const starts = args.attrs.ints('starts');
    const steps = args.attrs.has('steps') ? args.attrs.ints('steps') : starts.map(() => 1);
    const axes = sliceAxes(shape.length, starts.length, args.attrs.has('axes') ? args.attrs.ints('axes') : undefined)!;
    const inputCoords = outputCoords(shape.length);
    const firsts = axes.map((a, j) => sliceFirstIndex(shape[a]!, starts[j]!, steps[j]!));
    axes.forEach((a, j) => {
      const step = steps[j]!;
      const walk = step === 1 ? `c[${a}]` : `c[${a}] * ${Math.abs(step)}u`;
      inputCoords[a] = `${firsts[j]}u ${step > 0 ? '+' : '-'} ${walk}`;
    });
    return program('Slice', args, { body: `  output0[index] = ${readAt(args, inputCoords)};`, key: { axes, firsts, steps } });
  },
};

/** Keeps element (row, col) of each matrix when col - row >= k (upper) or <= k (lower); zero elsewhere. */
const triluKernel: WebGpuKernel = {
  program(args) {
    const shape = args.inputs[0]!.shape;
    const rows = shape[shape.length - 2]!;
    const cols = shape[shape.length - 1]!;
    const upper = args.attrs.int('upper') !== 0;
    const k = args.attrs.int('k');
    const body = [
      `  let diagonal = i32(index % ${cols}u) - i32((index / ${cols}u) % ${rows}u);`,
      `  if (diagonal ${upper ? '>=' : '<='} ${k}) { output0[index] = input0[index]; } else { output0[index] = ${outType(args)}(0); }`,
    ].join('\n');
    return program('Trilu', args, { body, key: { upper, k }, coords: false });
  },
};

/**
 * The deep channel that holds spatial tile offset (bh, bw) of channel `channel` among `channels`:
 * (bh*b + bw)*C + c in DCR order, c*b*b + bh*b + bw in CRD order.
 */
function deepChannel(channel: string, bh: string, bw: string, b: number, channels: number, crd: boolean): string {
  return crd ? `${channel} * ${b * b}u + ${bh} * ${b}u + ${bw}` : `(${bh} * ${b}u + ${bw}) * ${channels}u + ${channel}`;
}

/** Output (n, c, y, x) of the spatial layout reads deep channel (y mod b, x mod b) of c at (y / b, x / b). */
const depthToSpaceKernel: WebGpuKernel = {
  program(args) {
    const b = args.attrs.int('blocksize');
    const crd = args.attrs.has('mode') && args.attrs.str('mode') === 'CRD';
    const channels = args.outputs[0]!.shape[1]!;
    const dc = deepChannel('c[1]', `(c[2] % ${b}u)`, `(c[3] % ${b}u)`, b, channels, crd);
    return program('DepthToSpace', args, { body: `  output0[index] = ${readAt(args, ['c[0]', dc, `c[2] / ${b}u`, `c[3] / ${b}u`])};`, key: { b, crd } });
  },
};

/** Output (n, dc, h, w) of the deep layout (DCR) reads channel c at (h*b + bh, w*b + bw). */
const spaceToDepthKernel: WebGpuKernel = {
  program(args) {
    const b = args.attrs.int('blocksize');
    const channels = args.inputs[0]!.shape[1]!;
    const body = [
      `  let bh = c[1] / ${b * channels}u;`,
      `  let bw = (c[1] / ${channels}u) % ${b}u;`,
      `  output0[index] = ${readAt(args, ['c[0]', `c[1] % ${channels}u`, `c[2] * ${b}u + bh`, `c[3] * ${b}u + bw`])};`,
    ].join('\n');
    return program('SpaceToDepth', args, { body, key: b });
  },
};

/**
 * WGSL picking, by coordinate `c[axis]`, which of consecutive ranges along the axis (one per part,
 * of the given lengths) holds it; `statement(part, coords)` handles it, `coords` being `c` made
 * local to the part. Empty parts get no branch, and the last needs no test.
 */
function byRangeAlongAxis(axis: number, rank: number, lengths: readonly number[], statement: (part: number, coords: readonly string[]) => string): string {
  const branches: { test: string; statement: string }[] = [];
  let start = 0;
  lengths.forEach((len, part) => {
    if (len === 0) return;
    const coords = outputCoords(rank);
    coords[axis] = start === 0 ? `c[${axis}]` : `c[${axis}] - ${start}u`;
    start += len;
    branches.push({ test: `c[${axis}] < ${start}u`, statement: statement(part, coords) });
  });
  return branches.map((b, i) => (i < branches.length - 1 ? `if (${b.test}) { ${b.statement} } else ` : `{ ${b.statement} }`)).join('');
}

/** Each output element reads the input whose range along the axis holds its coordinate there. */
const concatKernel: WebGpuKernel = {
  program(args) {
    const out = args.outputs[0]!;
    const axis = normalizeAxis(args.attrs.int('axis'), out.shape.length);
    const inputs = args.inputs.map((input) => input!);
    const lengths = inputs.map((input) => input.shape[axis]!);
    const dispatch = byRangeAlongAxis(axis, out.shape.length, lengths, (i, coords) => `output0[index] = input${i}[${new TensorIndexer(`in${i}`, inputs[i]!.shape).offset(coords)}];`);
    // Inputs empty along the axis are not read (their bindings are still named, see touchUnused).
    return program('Concat', args, { body: `  ${dispatch}`, key: axis });
  },
};

/** One invocation per input element, which it writes into the output whose range along the axis holds it. */
const splitKernel: WebGpuKernel = {
  program(args) {
    const input = new TensorIndexer('in0', args.inputs[0]!.shape);
    const axis = normalizeAxis(args.attrs.int('axis'), input.rank);
    const lengths = args.outputs.map((part) => part.shape[axis]!);
    const dispatch = byRangeAlongAxis(axis, input.rank, lengths, (k, coords) => `output${k}[${new TensorIndexer(`out${k}`, args.outputs[k]!.shape).offset(coords)}] = x;`);
    const body = ['  let c = in0_coords(index);', '  let x = input0[index];', `  ${dispatch}`].join('\n');
    return program('Split', args, { body, key: axis, helpers: input.coordsFn(), coords: false, threads: input.size });
  },
};

/**
 * WGSL declaring `fn index_at(i: u32) -> i32`, the i-th (flat) index of a Gather or GatherElements:
 * read from the int32 indices input, or, for int64 indices (which have no WGSL type), baked from
 * their constant values.
 */
function indexSource(args: WebGpuKernelArgs): { fn: string; key: unknown } {
  const indices = args.inputs[1]!;
  if (indices.dtype === 'int32') return { fn: 'fn index_at(i: u32) -> i32 { return input1[i]; }', key: '' };
  const values = Array.from(indices.constant!.data);
  return { fn: `const INDICES = array<i32, ${Math.max(values.length, 1)}>(${values.length > 0 ? values.join(', ') : '0'});\nfn index_at(i: u32) -> i32 { return INDICES[i]; }`, key: values };
}

/** WGSL declaring `j`, the index read by `indexAt` as a coordinate along an axis of `size` (counted from the end when negative). */
function wrappedIndex(indexAt: string, size: number): string {
  // Clamped too: out-of-range indices are errors in ONNX, and a read must stay inside the input.
  return `  let raw = ${indexAt};\n  let j = u32(clamp(select(raw, raw + ${size}, raw < 0), 0, ${Math.max(size - 1, 0)}));`;
}

function validateIndices(args: WebGpuKernelArgs): string | undefined {
  const indices = args.inputs[1]!;
  return indices.dtype !== 'int32' && !indices.constant ? `${indices.dtype} indices that are not a constant (WGSL has no 64-bit integers)` : undefined;
}

/** Output data[:axis] + indices + data[axis+1:]: the middle coordinates pick an index, which picks along the axis. */
const gatherKernel: WebGpuKernel = {
  validate: validateIndices,
  program(args) {
    const shape = args.inputs[0]!.shape;
    const indices = new TensorIndexer('idx', args.inputs[1]!.shape);
    const axis = normalizeAxis(args.attrs.int('axis'), shape.length);
    const source = indexSource(args);
    const indexCoords = Array.from({ length: indices.rank }, (_, d) => `c[${axis + d}]`);
    const inputCoords = shape.map((_, a) => (a < axis ? `c[${a}]` : a === axis ? 'j' : `c[${a + indices.rank - 1}]`));
    const body = [wrappedIndex(`index_at(${indices.offset(indexCoords)})`, shape[axis]!), `  output0[index] = ${readAt(args, inputCoords)};`].join('\n');
    return program('Gather', args, { body, key: [axis, source.key], helpers: source.fn });
  },
};

/** out[c] = data[c with its `axis` coordinate replaced by indices[c]]. */
const gatherElementsKernel: WebGpuKernel = {
  validate: validateIndices,
  program(args) {
    const shape = args.inputs[0]!.shape;
    const axis = normalizeAxis(args.attrs.int('axis'), shape.length);
    const source = indexSource(args);
    const inputCoords = shape.map((_, a) => (a === axis ? 'j' : `c[${a}]`));
    const body = [wrappedIndex('index_at(index)', shape[axis]!), `  output0[index] = ${readAt(args, inputCoords)};`].join('\n');
    return program('GatherElements', args, { body, key: [axis, source.key], helpers: source.fn });
  },
};

/**
 * WGSL declaring `fn pad_source(x: i32, d: i32) -> i32`: where padded position x reads along an
 * axis of d kept elements (the CPU kernel's padSource; the constant mode tests the range itself).
 */
function padSourceFn(mode: string): string {
  switch (mode) {
    case 'edge':
      return 'fn pad_source(x: i32, d: i32) -> i32 { return clamp(x, 0, d - 1); }';
    case 'wrap':
      return 'fn pad_source(x: i32, d: i32) -> i32 { return ((x % d) + d) % d; }';
    case 'reflect':
      // numpy's reflect: mirrored on the first and last values, repeating every 2(d - 1).
      return [
        'fn pad_source(x: i32, d: i32) -> i32 {',
        '  if (d == 1) { return 0; }',
        '  let period = 2 * (d - 1);',
        '  let m = ((x % period) + period) % period;',
        '  return select(period - m, m, m < d);',
        '}',
      ].join('\n');
    default:
      return '';
  }
}

/**
 * Per padded axis, the output coordinate less the begin pad is mapped into the kept range (negative
 * pads crop first, as in the CPU kernel); the constant mode writes the constant outside it.
 */
const padKernel: WebGpuKernel = {
  program(args) {
    const shape = args.inputs[0]!.shape;
    const mode = args.attrs.str('mode');
    const { begin, end } = padsPerAxis(shape.length, args.attrs.ints('pads'), args.attrs.has('axes') ? args.attrs.ints('axes') : undefined, 0)!;
    // Pad-2's constant is a float attribute (floats only), Pad-11's an input.
    const value = args.inputs[2] !== undefined ? 'input2[0]' : args.attrs.has('value') ? f32Literal(args.attrs.float('value')) : `${outType(args)}(0)`;
    const lines: string[] = [];
    const inputCoords = outputCoords(shape.length);
    shape.forEach((dim, a) => {
      if (begin[a] === 0 && end[a] === 0) return;
      const cropped = Math.max(0, -begin[a]!);
      const kept = dim - cropped - Math.max(0, -end[a]!);
      lines.push(`  let x${a} = i32(c[${a}]) - ${Math.max(0, begin[a]!)};`);
      if (mode === 'constant') {
        lines.push(`  if (x${a} < 0 || x${a} >= ${kept}) { output0[index] = ${value}; return; }`);
        inputCoords[a] = `u32(x${a} + ${cropped})`;
      } else {
        inputCoords[a] = `u32(pad_source(x${a}, ${kept}) + ${cropped})`;
      }
    });
    lines.push(`  output0[index] = ${readAt(args, inputCoords)};`);
    return program('Pad', args, { body: lines.join('\n'), key: { mode, begin, end }, helpers: padSourceFn(mode) });
  },
};

export const movementKernels: Readonly<Record<string, WebGpuKernel>> = {
  Reshape: copyKernel('Reshape'),
  Flatten: copyKernel('Flatten'),
  Squeeze: copyKernel('Squeeze'),
  Unsqueeze: copyKernel('Unsqueeze'),
  Transpose: transposeKernel,
  Expand: expandKernel,
  Tile: tileKernel,
  Slice: sliceKernel,
  Trilu: triluKernel,
  DepthToSpace: depthToSpaceKernel,
  SpaceToDepth: spaceToDepthKernel,
  Concat: concatKernel,
  Split: splitKernel,
  Gather: gatherKernel,
  GatherElements: gatherElementsKernel,
  Pad: padKernel,
};
