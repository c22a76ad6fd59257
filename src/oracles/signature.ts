import { coneOf, type Model, type Node } from '../ir/model.js';
import { opDtypePairs } from '../opspec/context.js';
import { builtinRegistry } from '../opspec/ops/index.js';
import { hashText } from '../ir/hash.js';
import { defectClass, type Verdict } from './verdict.js';

/**
 * What a SUT's API wraps around its engine's message: one bug in onnxruntime's core reads the same
 * in onnxruntime-node and (wrapped) in onnxruntime-web.
 */
const MESSAGE_WRAPPERS: readonly RegExp[] = [/^Can't create a session\. ERROR_CODE: \d+, ERROR_MESSAGE: /, /^Exception during initialization: /];

/**
 * Strips what varies between two sightings of one bug from an error message: paths, quoted names,
 * value and node names, addresses, numbers, and lists of numbers of any length ("[2, 3]", "{3,3,1}",
 * "(4)", "2x3x4" and "[]" all become "<list>"), so that neither a dim nor a rank splits a bug.
 */
export function normalizeMessage(message: string): string {
  return MESSAGE_WRAPPERS.reduce((m, w) => m.replace(w, ''), message)
    .replace(/(?:[A-Za-z]:)?[\\/][\w.\\/-]+/g, '<path>')
    // onnxruntime's "file:line function-signature message": the signature is spelled per build.
    .replace(/(<path>:\d+) (?:virtual )?[\w:<>,&* ]*?\([^()]*\)(?: const)? /g, '$1 <function> ')
    .replace(/'[^']*'|"[^"]*"|`[^`]*`/g, '<name>')
    .replace(/\b(?:in|w|v|p|const|n|node|value)_?\d+(?:_\w+)?\b/g, '<value>')
    .replace(/\b0x[0-9a-f]+\b/gi, '<addr>')
    .replace(/\b\d+(?:x\d+)+\b/g, '<n>')
    .replace(/-?\b\d+(?:\.\d+)?(?:e[-+]?\d+)?\b/gi, '<n>')
    .replace(/<n>(?:\s*[,x×*]\s*<n>)+/g, '<n>')
    .replace(/[[{(]\s*(?:<n>\s*)?[\]})]/g, '<list>')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The name prefix of nodes the reducer put in to compute a value on the SUT (see feedNode): they
 * stand for whatever computed it, and are no part of a bug's identity.
 */
export const FEED_PREFIX = 'feed_';

/** The nodes that identify a bug: all but the reducer's feeds (all of them when that leaves none). */
function identifyingNodes(model: Model): readonly Node[] {
  const own = model.nodes.filter((n) => !n.name.startsWith(FEED_PREFIX));
  return own.length > 0 ? own : model.nodes;
}

export interface BugSignature {
  /** The bug class: 'numeric' (wrong-result and nan-mismatch), crash, hang, compile-error, runtime-error, or 'state'. */
  readonly class: string;
  /** The SUT family (see BackendAdapter.family): one root cause on several SUTs of a family is one bug. */
  readonly family: string;
  /**
   * The op set of the model (for a state bug: of the test that corrupted the SUT). The hash names
   * them by the SUT's kernels (see SignatureOptions.kernelOf).
   */
  readonly ops: readonly string[];
  /** The op set named by the SUT's kernels (see SignatureOptions.kernelOf): what the hash holds. */
  readonly kernels: readonly string[];
  /** The normalized error message, or the class for numeric and state bugs. */
  readonly pattern: string;
  /** A short stable hash of the fields above: the case folder's name. */
  readonly hash: string;
}

export interface SignatureOptions {
  /** The SUT's family (default: the verdict's SUT). */
  readonly family?: string;
  /** The SUT's kernel for each op (see BackendAdapter.kernelOf): an op run through another's kernel is named by that. */
  readonly kernelOf?: (op: string) => string;
  /**
   * For a state bug: the test that left the SUT broken, after which `model` failed although it
   * passes on a fresh SUT. The bug is then identified by that test's ops.
   */
  readonly setup?: Model;
}

/**
 * A bug's identity: its class, the SUT family, the op set of the (reduced) model, and the
 * normalized message. Wrong results and NaN mismatches are one class whose message is not part of it
 * (values differ between sightings). An error message that names what failed (see messageIdentifies)
 * stands for the op set: one root cause seen around many ops is one bug.
 */
export function bugSignature(verdict: Verdict, model: Model, options: SignatureOptions = {}): BugSignature {
  const cls = options.setup ? 'state' : (defectClass(verdict) ?? verdict.kind);
  const trigger = options.setup ?? model;
  const kernel = options.kernelOf ?? ((op: string) => op);
  const ops = [...new Set(identifyingNodes(trigger).map((n) => n.op))].sort();
  // Named by the kernels that run them: Trilu and Where are one op on a SUT that runs Trilu as a where.
  const kernels = [...new Set(ops.map(kernel))].sort();
  const byMessage = !options.setup && cls !== 'numeric' && cls !== 'memory';
  const pattern = byMessage ? normalizeMessage(verdict.message ?? '') : cls;
  const family = options.family ?? verdict.backend;
  // A message that names what failed identifies the bug on its own: the ops around it do not.
  const identifying = byMessage && messageIdentifies(pattern) ? [] : kernels;
  const hash = hashText(JSON.stringify([cls, family, identifying, pattern])).slice(0, 16);
  return { class: cls, family, ops, kernels, pattern, hash };
}

/**
 * Whether a normalized error message names what failed, so that it identifies the bug whatever ops
 * surround it: it quotes an identifier (a function, a node, a kernel) and says at least six words
 * more. "type mismatch for argument <n> in call to <name>, expected <name>, got <name>" does; a bare
 * "Aborted()" or "memory access out of bounds" does not, and there the ops tell bugs apart.
 */
export function messageIdentifies(pattern: string): boolean {
  if (!pattern.includes('<name>')) return false;
  const words = pattern.replace(/<\w+>/g, ' ').match(/[A-Za-z]{2,}/g) ?? [];
  return new Set(words.map((w) => w.toLowerCase())).size >= 6;
}

/**
 * What a bug's trigger looks like in a model: each node as its op (its SUT kernel, with `kernelOf`)
 * and the dtype of its type variable, e.g. "Transpose(int32)". With `output`, only the nodes that
 * output depends on: a wrong value there cannot come from a node outside its cone.
 */
export function triggerOf(model: Model, output?: string, kernelOf: (op: string) => string = (op) => op): string[] {
  let nodes: readonly Node[] = identifyingNodes(model);
  if (output !== undefined) {
    const cone = coneOf(model, [output]).nodes.filter((n) => !n.name.startsWith(FEED_PREFIX));
    nodes = cone.length > 0 ? cone : model.nodes;
  }
  // Each node as its kernel and the dtype of its type variable T: what selects the SUT's kernel.
  const pairs = opDtypePairs(model, builtinRegistry(), nodes).map((p) => `${kernelOf(p.op)}(${p.dtype})`);
  return [...new Set(pairs)].sort();
}

/** Whether every part of a known bug's trigger occurs in a model's trigger. */
export function holdsTrigger(modelTrigger: readonly string[], bugTrigger: readonly string[]): boolean {
  const have = new Set(modelTrigger);
  return bugTrigger.length > 0 && bugTrigger.every((t) => have.has(t));
}
