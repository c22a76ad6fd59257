import { valueTypes, type Model, type Node } from '../ir/model.js';
import type { KnownBugMatch } from './adapter.js';
import type { OrtOptLevel } from './onnxruntime-options.js';

/**
 * A recorded bug of one of onnxruntime's graph rewrites, as data: the rewrite, the lowest
 * optimization level that runs it, the condition over the whole graph (a rewrite's bug is a
 * property of a pattern and of what surrounds it, which a per-node deviation cannot state) and the
 * corpus entry. A model it `finds` something in that fails on a SUT running the rewrite is that
 * known bug, however it fails.
 */
export interface OrtRewriteBug {
  readonly rewrite: string;
  /** The lowest graph optimization level at which the rewrite runs. */
  readonly from: OrtOptLevel;
  /**
   * The highest level at which the bug shows, when a rewrite of a higher level removes what it needs
   * (an identity Cast, which CastElimination removes from level basic); absent, every level from `from`.
   */
  readonly through?: OrtOptLevel;
  readonly corpus: string;
  /** What the model runs into, as a sentence; undefined when it does not. */
  readonly finds: (model: Model) => string | undefined;
}

const FLT_EPSILON = 2 ** -23;

/** How a model's values are used: which nodes read each (once per input slot), and which are graph outputs. */
class Uses {
  private readonly readers = new Map<string, Node[]>();
  private readonly outputs: Set<string>;
  private readonly producers = new Map<string, Node>();

  constructor(readonly model: Model) {
    for (const node of model.nodes) {
      for (const name of node.inputs) this.readers.set(name, [...(this.readers.get(name) ?? []), node]);
      for (const o of node.outputs) this.producers.set(o.name, node);
    }
    this.outputs = new Set(model.outputs);
  }

  /** The nodes that read a node's (first) output, once per input slot. */
  readersOf(node: Node): readonly Node[] {
    return this.readersOfValue(node.outputs[0]!.name);
  }

  /** The nodes that read a value, once per input slot. */
  readersOfValue(value: string): readonly Node[] {
    return this.readers.get(value) ?? [];
  }

  isGraphOutput(node: Node): boolean {
    return node.outputs.some((o) => this.outputs.has(o.name));
  }

  producerOf(value: string): Node | undefined {
    return this.producers.get(value);
  }

  /** The single reader of a node's value when it has exactly one (one input slot of one node). */
  soleReader(node: Node): Node | undefined {
    const readers = this.readersOf(node);
    return readers.length === 1 ? readers[0] : undefined;
  }

  /** The value of a one-element weight. */
  scalar(name: string): number | undefined {
    const w = this.model.weights.find((x) => x.name === name);
    return w && w.value.data.length === 1 ? Number(w.value.data[0]) : undefined;
  }

  /** The other input of a binary node than `value`, if `value` is one of its two. */
  otherInput(node: Node, value: string): string | undefined {
    if (node.inputs.length !== 2) return undefined;
    if (node.inputs[0] === value) return node.inputs[1];
    if (node.inputs[1] === value) return node.inputs[0];
    return undefined;
  }

  /**
   * Whether a binary node reads `value` and, as its other input, a one-element weight within
   * FLT_EPSILON of `constant` (the test onnxruntime's fusions make of their constants).
   */
  withConstant(node: Node | undefined, op: string, value: string, constant: number): node is Node {
    if (!node || node.op !== op) return false;
    const other = this.otherInput(node, value);
    const found = other === undefined ? undefined : this.scalar(other);
    return found !== undefined && Math.abs(Math.fround(found) - Math.fround(constant)) <= FLT_EPSILON;
  }
}

/** The nodes of a match of the tanh form of Gelu with x^3 as Pow, as onnxruntime's FastGeluFusion matches it. */
interface TanhGeluMatch {
  readonly pow: Node;
  /** The Mul of 0.5 and x, which FastGeluFusion takes in without checking its other readers. */
  readonly halfX: Node;
  /** The last Mul: the fused node's output. */
  readonly product: Node;
}

/**
 * The tanh-form Gelu from `pow` (x^3): 0.5x * (1 + tanh(0.7978845834732056 * (x + 0.044715 * x^3))),
 * float32, with the conditions onnxruntime's FastGeluFusion checks: every inner node has one reader
 * and is no graph output, except that it does not check the Pow for being a graph output nor the
 * 0.5x Mul for other readers, and the last Mul must not be a graph output. (Its other formula,
 * x * 0.044715 * x, is not built by tensorsmith's generator: not matched here.)
 */
function tanhGeluAt(uses: Uses, pow: Node): TanhGeluMatch | undefined {
  const x = pow.inputs[0];
  const exponent = uses.scalar(pow.inputs[1] ?? '');
  if (pow.op !== 'Pow' || x === undefined || pow.outputs[0]?.dtype !== 'float32' || exponent === undefined || Math.abs(exponent - 3) > FLT_EPSILON) return undefined;
  const inner = (node: Node) => !uses.isGraphOutput(node) && uses.soleReader(node) !== undefined;
  const cubed = uses.soleReader(pow);
  if (!uses.withConstant(cubed, 'Mul', pow.outputs[0]!.name, 0.044715) || !inner(cubed)) return undefined;
  const sum = uses.soleReader(cubed);
  if (!sum || sum.op !== 'Add' || uses.otherInput(sum, cubed.outputs[0]!.name) !== x || !inner(sum)) return undefined;
  const scaled = uses.soleReader(sum);
  if (!uses.withConstant(scaled, 'Mul', sum.outputs[0]!.name, 0.7978845834732056) || !inner(scaled)) return undefined;
  const tanh = uses.soleReader(scaled);
  if (!tanh || tanh.op !== 'Tanh' || !inner(tanh)) return undefined;
  const plusOne = uses.soleReader(tanh);
  if (!uses.withConstant(plusOne, 'Add', tanh.outputs[0]!.name, 1) || !inner(plusOne)) return undefined;
  const product = uses.soleReader(plusOne);
  if (!product || product.op !== 'Mul' || uses.isGraphOutput(product)) return undefined;
  const halfName = uses.otherInput(product, plusOne.outputs[0]!.name);
  const halfX = halfName === undefined ? undefined : uses.producerOf(halfName);
  if (!uses.withConstant(halfX, 'Mul', x, 0.5) || uses.isGraphOutput(halfX)) return undefined;
  return { pow, halfX, product };
}

/** A tanh-form Gelu that FastGeluFusion fuses although one of its inner values is needed outside it, as a sentence. */
function fastGeluLosesAValue(model: Model): string | undefined {
  const uses = new Uses(model);
  for (const node of model.nodes) {
    const match = node.op === 'Pow' ? tanhGeluAt(uses, node) : undefined;
    if (!match) continue;
    const head = `FastGeluFusion fuses the tanh-form Gelu from ${match.pow.name} to ${match.product.name}`;
    if (uses.isGraphOutput(match.pow)) return `${head} although the Pow's value is a graph output`;
    const others = uses.readersOf(match.halfX).filter((r) => r !== match.product);
    if (others.length > 0) return `${head} although its 0.5x Mul (${match.halfX.name}) is also read by ${others.map((r) => r.name).join(', ')}`;
  }
  return undefined;
}

/**
 * The ops whose float16 nodes onnxruntime's CPU provider runs in float16 (it has a float16 kernel
 * for them). It runs a float16 node of any other op in float32, between casts its
 * InsertCastTransformer puts in (named InsertedPrecisionFreeCast_...). Probed on onnxruntime-node 1.30
 * at opset 17: a single-op float16 model of each op of the registry that takes float16, loaded at
 * level disabled with the optimized model saved; these are the ops saved without such casts.
 */
export const ORT_CPU_FLOAT16_KERNELS: ReadonlySet<string> = new Set([
  'Cast', 'Clip', 'Concat', 'Expand', 'Flatten', 'Gather', 'GatherElements', 'Identity', 'IsNaN', 'LayerNormalization', 'Max',
  'Min', 'Mod', 'Reshape', 'Round', 'Shape', 'Sign', 'Slice', 'Split', 'Squeeze', 'Transpose', 'Unsqueeze',
]);

/** TensorProto's FLOAT16, Cast's `to` for float16. */
const ONNX_FLOAT16 = 10;

/**
 * An identity float16 Cast (float16 to float16) between nodes onnxruntime runs in float32, as a
 * sentence. InsertCastTransformer takes such a Cast for an isolated float16 node (every float16
 * input from, and every float16 output to, a node that will be cast) and forces it to float32 too:
 * it casts the Cast's input to float32 and retypes its output float32 (with a cast back to float16
 * after it), but it rewrites only a `dtype` attribute, not Cast's `to`, so the Cast still says
 * float16 and the session refuses the graph ('Type (tensor(float)) of output arg
 * (InsertedPrecisionFreeCast_...) of node (...) does not match expected type (tensor(float16))').
 * At level basic and above CastElimination has removed the identity Cast before.
 */
function identityFloat16CastBetweenCastNodes(model: Model): string | undefined {
  const uses = new Uses(model);
  const types = valueTypes(model);
  const readsFloat16 = (node: Node) => node.inputs.some((i) => types.get(i)?.dtype === 'float16');
  const castToFloat32 = (node: Node) => !ORT_CPU_FLOAT16_KERNELS.has(node.op) && readsFloat16(node);
  for (const cast of model.nodes) {
    if (cast.op !== 'Cast' || cast.attrs['to'] !== ONNX_FLOAT16 || !readsFloat16(cast) || uses.isGraphOutput(cast)) continue;
    const producer = uses.producerOf(cast.inputs[0]!);
    const readers = uses.readersOf(cast);
    if (!producer || !castToFloat32(producer) || readers.length === 0 || !readers.every(castToFloat32)) continue;
    const around = [producer, ...new Set(readers)].map((n) => `${n.name} (${n.op})`).join(', ');
    return `InsertCastTransformer runs the identity float16 Cast ${cast.name} in float32, as it runs ${around} (no float16 kernel), but leaves its 'to' at float16`;
  }
  return undefined;
}

/** Whether two optional one-element weights (a scale or a zero point; '' or absent for none) hold the same value and dtype. */
function sameConstant(model: Model, a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return !a && !b;
  const wa = model.weights.find((w) => w.name === a);
  const wb = model.weights.find((w) => w.name === b);
  if (!wa || !wb || wa.value.data.length !== 1 || wb.value.data.length !== 1 || wa.value.dtype !== wb.value.dtype) return false;
  return Math.fround(Number(wa.value.data[0])) === Math.fround(Number(wb.value.data[0]));
}

/**
 * A DequantizeLinear -> QuantizeLinear pair with equal constant scales and zero points, the
 * QuantizeLinear's value a graph output nothing reads, whose DequantizeLinear reads a node's value
 * that is also read elsewhere or is a graph output, as a sentence. QDQFinalCleanupTransformer
 * (level extended) removes the pair and makes the node before it produce the graph output in place
 * of its own value (CleanUpNodeSequence, DQ_Q), so that value's other readers read nothing (the
 * model fails to load) or, when it is a graph output, the session crashes.
 */
function dqQCleanupLosesSourceValue(model: Model): string | undefined {
  const uses = new Uses(model);
  for (const dq of model.nodes) {
    if (dq.op !== 'DequantizeLinear') continue;
    const q = uses.soleReader(dq);
    if (!q || q.op !== 'QuantizeLinear' || q.inputs[0] !== dq.outputs[0]!.name || !uses.isGraphOutput(q) || uses.readersOf(q).length > 0) continue;
    if (!sameConstant(model, dq.inputs[1], q.inputs[1]) || !sameConstant(model, dq.inputs[2], q.inputs[2])) continue;
    const value = dq.inputs[0]!;
    const source = uses.producerOf(value);
    if (!source) continue;
    // The DQ's own value as a graph output is no edge either: the DQ stays for it, reading a value
    // the node before it no longer produces (found by the 10-minute QDQ campaign of issue 18).
    if (uses.isGraphOutput(dq)) {
      return `QDQFinalCleanupTransformer removes ${q.name} and makes ${source.name} produce ${q.outputs[0]!.name} in place of ${value}, which ${dq.name}, kept for its graph output ${dq.outputs[0]!.name}, still reads`;
    }
    const others = uses.readersOfValue(value).filter((r) => r !== dq);
    if (others.length === 0 && !model.outputs.includes(value)) continue;
    const why = others.length > 0 ? `also read by ${[...new Set(others)].map((r) => r.name).join(', ')}` : 'a graph output';
    return `QDQFinalCleanupTransformer removes ${dq.name} and ${q.name} and makes ${source.name} produce ${q.outputs[0]!.name} in place of ${value}, which is ${why}`;
  }
  return undefined;
}

/** Whether QDQPropagationTransformer propagates a QuantizeLinear across an op at an opset (CanNodePropagate's ops and versions). */
function qdqPropagates(op: string, opset: number): boolean {
  if (op === 'MaxPool') return opset >= 12 && opset < 22;
  if (['Reshape', 'Transpose', 'Squeeze', 'Unsqueeze'].includes(op)) return opset < 21;
  return op === 'Slice';
}

/**
 * A QuantizeLinear with a constant scalar scale (and zero point) that QDQPropagationTransformer
 * (level basic) propagates backward across a MaxPool whose Indices output is used, as a sentence. It
 * walks from the QuantizeLinear up through ops it propagates across, each link a value with one reader
 * that is no graph output, stopping at a DequantizeLinear, and puts a QuantizeLinear/DequantizeLinear
 * pair on each node's first input: the MaxPool then pools quantized values, where elements that
 * quantize alike tie and Indices name the first of them.
 */
function qdqPropagationAcrossMaxPoolIndices(model: Model): string | undefined {
  const uses = new Uses(model);
  const soleLink = (value: string) => !model.outputs.includes(value) && uses.readersOfValue(value).length === 1;
  const constantScalar = (name: string | undefined) => !name || uses.scalar(name) !== undefined;
  for (const q of model.nodes) {
    if (q.op !== 'QuantizeLinear' || uses.scalar(q.inputs[1] ?? '') === undefined || !constantScalar(q.inputs[2])) continue;
    let value = q.inputs[0]!;
    for (let node = uses.producerOf(value); node && soleLink(value) && qdqPropagates(node.op, model.opset); node = uses.producerOf(value)) {
      const input = node.inputs[0]!;
      const source = uses.producerOf(input);
      if (source && (source.op === 'DequantizeLinear' || !soleLink(input))) break;
      const indices = node.op === 'MaxPool' ? node.outputs[1]?.name : undefined;
      if (indices && (model.outputs.includes(indices) || uses.readersOfValue(indices).length > 0)) {
        return `QDQPropagationTransformer propagates ${q.name} (QuantizeLinear) ahead of ${node.name} (MaxPool), whose Indices ${indices} are used`;
      }
      value = input;
    }
  }
  return undefined;
}

export const ORT_REWRITE_BUGS: readonly OrtRewriteBug[] = [
  {
    rewrite: 'FastGeluFusion',
    from: 'extended',
    corpus: 'onnxruntime-fastgelu-fusion-exposed-pow',
    finds: fastGeluLosesAValue,
  },
  {
    rewrite: 'InsertCastTransformer',
    from: 'disabled',
    through: 'disabled',
    corpus: 'onnxruntime-insert-cast-float16-identity-cast',
    finds: identityFloat16CastBetweenCastNodes,
  },
  {
    rewrite: 'QDQPropagationTransformer',
    from: 'basic',
    corpus: 'onnxruntime-qdq-propagation-maxpool-indices',
    finds: qdqPropagationAcrossMaxPoolIndices,
  },
  {
    rewrite: 'QDQFinalCleanupTransformer',
    from: 'extended',
    corpus: 'onnxruntime-qdq-final-cleanup-dq-q-shared-input',
    finds: dqQCleanupLosesSourceValue,
  },
];

const LEVEL_ORDER: readonly OrtOptLevel[] = ['disabled', 'basic', 'extended', 'all'];

/** The first recorded rewrite bug a model runs into on an onnxruntime session at `level`. */
export function ortRewriteKnownBug(model: Model, level: OrtOptLevel, bugs: readonly OrtRewriteBug[] = ORT_REWRITE_BUGS): KnownBugMatch | undefined {
  for (const bug of bugs) {
    const at = LEVEL_ORDER.indexOf(level);
    if (at < LEVEL_ORDER.indexOf(bug.from) || (bug.through !== undefined && at > LEVEL_ORDER.indexOf(bug.through))) continue;
    const found = bug.finds(model);
    if (found !== undefined) return { corpus: bug.corpus, reason: found };
  }
  return undefined;
}
