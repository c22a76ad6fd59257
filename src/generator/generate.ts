import type { DType } from '../ir/dtype.js';
import { DEFAULT_OPSET, type Model } from '../ir/model.js';
import { rankRange } from '../opspec/infer.js';
import type { OpRegistry } from '../opspec/registry.js';
import type { OpSpec } from '../opspec/spec.js';
import { drawRank, GraphBuilder } from './graph-builder.js';
import { DEFAULT_PATTERN_SHARE, mixedPolicy, type RewriteHits } from './insertion-policy.js';
import { insertPattern, patternFits } from './patterns/insert-pattern.js';
import { PATTERNS } from './patterns/index.js';
import type { Pattern } from './patterns/pattern.js';
import type { Rng } from './rng.js';
import { loadZ3, Z3Fallback, type SolverFallback } from './smt/z3-solver.js';

export interface GeneratorConfig {
  readonly maxNodes: number;
  /** Ops to draw from (default: every op of the registry at the opset). */
  readonly ops?: readonly string[];
  readonly excludeOps?: readonly string[];
  /** Dtypes the model's data tensors may have (shape-typed and index constants aside). Default float32. */
  readonly dtypes?: readonly DType[];
  /** Largest number of elements of any tensor. */
  readonly maxElements?: number;
  /** Highest rank of a generated tensor (default 6; most ops stop at 5). */
  readonly maxRank?: number;
  /** The model's ONNX opset (default 17). */
  readonly opset?: number;
  /** Share of insertion steps that insert a rewrite pattern rather than one op (default DEFAULT_PATTERN_SHARE). */
  readonly patternShare?: number;
  /** Coverage guidance: how many tests have fired each rewrite so far; rarely fired ones are favoured. */
  readonly guidance?: RewriteHits;
}

export interface GenerationResult {
  readonly model: Model;
  /** Why attempts to add a node failed, with counts (for --stats and for reporting a short model). */
  readonly failures: ReadonlyMap<string, number>;
  /** How many z3 checks the model needed (0 on the fast path). */
  readonly solverChecks: number;
  /** The rewrite patterns inserted whole, in order. */
  readonly patterns: readonly string[];
}

export class GenerationError extends Error {
  override readonly name = 'GenerationError';
}

/** The specs a config allows at its opset, in name order. */
export function allowedSpecs(config: GeneratorConfig, registry: OpRegistry): OpSpec[] {
  const dtypes = config.dtypes ?? ['float32'];
  const opset = config.opset ?? DEFAULT_OPSET;
  for (const name of [...(config.ops ?? []), ...(config.excludeOps ?? [])]) {
    if (!registry.has(name)) throw new GenerationError(`unknown op '${name}' (see 'tensorsmith ops')`);
  }
  return registry
    .all(opset)
    .filter((s) => !config.ops || config.ops.includes(s.name))
    .filter((s) => !(config.excludeOps ?? []).includes(s.name))
    .filter((s) => s.dtypes.some((d) => dtypes.includes(d)))
    .filter((s) => !s.outputDtypes || s.outputDtypes.some((d) => dtypes.includes(d)));
}

/** The first input's highest rank (see generateModel). */
const FIRST_INPUT_MAX_RANK = 5;

/** Attempts per requested node before giving up. */
const ATTEMPTS_PER_NODE = 25;

/**
 * Builds a model: an insertion policy chooses each step (one op, forward or backward, or a rewrite
 * pattern), a graph builder fits it over symbolic dims (see GraphBuilder). Without a solver this is
 * the plain random generator (forward insertion only).
 */
export async function generateModel(config: GeneratorConfig, registry: OpRegistry, rng: Rng, solver?: SolverFallback): Promise<GenerationResult> {
  const dtypes = config.dtypes ?? ['float32'];
  const opset = config.opset ?? DEFAULT_OPSET;
  const specs = allowedSpecs(config, registry);
  if (specs.length === 0) {
    throw new GenerationError(`no op is allowed at opset ${opset} by --ops/--exclude-ops with dtypes ${dtypes.join(', ')}`);
  }
  const limits = { dtypes, maxElements: config.maxElements ?? 4096, maxRank: config.maxRank ?? 6, opset };
  const builder = new GraphBuilder(limits, registry, rng, solver);
  const patterns = patternsFor(config, registry);
  const policy = mixedPolicy({
    specs,
    patterns,
    patternShare: patterns.length === 0 ? 0 : (config.patternShare ?? DEFAULT_PATTERN_SHARE),
    backward: solver !== undefined,
    ...(config.guidance ? { guidance: config.guidance } : {}),
  });
  const failures = new Map<string, number>();
  const fail = (key: string) => failures.set(key, (failures.get(key) ?? 0) + 1);

  // The first input suits the first slot of some allowed op, so that `--ops Conv` can start.
  const opener = rng.pick(specs);
  // The slot it suits is the one a forward insertion anchors on: not a constant or an index (OneHot's values).
  const openerSlot = opener.inputs.find((slot) => !slot.constantFrom && !slot.valueRange) ?? opener.inputs[0]!;
  const [openerLo, openerHi] = rankRange(openerSlot, []);
  // At most rank 5, which most ops take: a rank-6 start (Reshape's) could leave a one-node model nothing to insert.
  const firstRank = drawRank(rng, Math.max(1, openerLo), Math.max(1, Math.min(openerHi, limits.maxRank, FIRST_INPUT_MAX_RANK)));
  // Of a dtype the slot takes: T's, unless the slot has its own that T's never are (OneHot's indices).
  const openerTs = opener.dtypes.filter((d) => dtypes.includes(d));
  const ownDtypes = openerSlot.dtypes && !openerSlot.dtypes.some((d) => openerTs.includes(d)) ? openerSlot.dtypes : undefined;
  builder.addInput(() => rng.pick(ownDtypes ?? openerTs), firstRank);

  const patternsUsed: string[] = [];
  let lastPatternOutput: string | undefined;
  const maxAttempts = config.maxNodes * ATTEMPTS_PER_NODE;
  for (let attempt = 0; attempt < maxAttempts && builder.nodeCount < config.maxNodes; attempt++) {
    const step = policy.next(rng, config.maxNodes - builder.nodeCount);
    if (step.kind === 'op') {
      const target = step.backward ? builder.pickBackwardTarget(step.spec) : undefined;
      if (step.backward && !target) {
        fail(`${step.spec.name}: no graph input it could produce`);
        continue;
      }
      const result = await builder.insert({ spec: step.spec, ...(target ? { target } : {}) });
      if (!result.ok) fail(`${step.spec.name}: ${result.reason}`);
      continue;
    }
    const inserted = await insertPattern({
      builder,
      pattern: step.pattern,
      registry,
      rng,
      backward: step.backward,
      ...(lastPatternOutput !== undefined ? { prefer: lastPatternOutput } : {}),
    });
    if (inserted.complete) {
      patternsUsed.push(step.pattern.name);
      lastPatternOutput = inserted.output;
    } else {
      fail(`pattern ${step.pattern.name}: ${inserted.failure}`);
    }
  }
  if (builder.nodeCount === 0) throw new GenerationError(`could not insert any node in ${maxAttempts} attempts: ${summarize(failures)}`);
  return { model: builder.concretize(), failures, solverChecks: solver?.checks ?? 0, patterns: patternsUsed };
}

/** The patterns a config allows: their ops allowed by --ops/--exclude-ops, at the opset, in float32. */
export function patternsFor(config: GeneratorConfig, registry: OpRegistry): Pattern[] {
  const opset = config.opset ?? DEFAULT_OPSET;
  const dtypes = config.dtypes ?? ['float32'];
  const allowed = (op: string) => (!config.ops || config.ops.includes(op)) && !(config.excludeOps ?? []).includes(op);
  return PATTERNS.filter((p) => p.steps.every((s) => allowed(s.op)) && patternFits(p, registry, opset, dtypes));
}

function summarize(failures: ReadonlyMap<string, number>): string {
  return [...failures.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([r, n]) => `${r} (x${n})`)
    .join('; ');
}

export type GeneratorMethod = 'smt' | 'random';

/**
 * Generates with the chosen method: `smt` (default) keeps every dim symbolic and falls back on z3
 * when the fast search cannot fit a node, and also inserts backward; `random` never calls a solver.
 */
export async function generate(config: GeneratorConfig & { method?: GeneratorMethod }, registry: OpRegistry, rng: Rng): Promise<GenerationResult> {
  if ((config.method ?? 'smt') === 'random') return generateModel(config, registry, rng);
  const solver = new Z3Fallback(await loadZ3(), rng.fork('z3'));
  try {
    return await generateModel(config, registry, rng, solver);
  } finally {
    solver.dispose();
  }
}
