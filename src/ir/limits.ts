import { UserError } from './errors.js';

/**
 * The default largest number of elements one tensor of a model or inputs file may have: 2^26
 * (512 MiB as the reference runtime's float64). Files are untrusted: a valid but huge shape (a Relu
 * on a 20000x20000 input, a dim of 1e10) is refused before anything allocates. The environment
 * variable TENSORSMITH_MAX_ELEMENTS (a positive integer) overrides it.
 */
export const MAX_FILE_TENSOR_ELEMENTS = 2 ** 26;

/** The environment variable that overrides MAX_FILE_TENSOR_ELEMENTS. */
export const MAX_ELEMENTS_ENV = 'TENSORSMITH_MAX_ELEMENTS';

/** The per-tensor element limit in force: TENSORSMITH_MAX_ELEMENTS when set, else the default. */
export function maxTensorElements(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env[MAX_ELEMENTS_ENV];
  if (raw === undefined || raw.trim() === '') return MAX_FILE_TENSOR_ELEMENTS;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new UserError(`${MAX_ELEMENTS_ENV} must be a positive integer (elements per tensor), got '${raw}'`);
  }
  return n;
}

/** The element count of a shape, without overflow tricks: a product past 2^53 is still "too many". */
function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Throws a one-line UserError when a tensor of `shape` would hold more elements than the limit.
 * `where` names the file (or node) and `what` the tensor, e.g. "input 'x'".
 */
export function checkTensorElements(where: string, what: string, shape: readonly number[], limit = maxTensorElements()): void {
  const problem = tensorElementsProblem(shape, limit);
  if (problem) throw new UserError(`${where}: ${what} ${problem}`);
}

/** What is wrong with a shape past the limit ("has shape [...] = N elements, over ..."), or undefined. */
export function tensorElementsProblem(shape: readonly number[], limit = maxTensorElements()): string | undefined {
  const n = elementCount(shape);
  if (!(n > limit)) return undefined;
  return `has shape [${shape.join(', ')}] = ${n} elements, over the limit of ${limit} per tensor (set ${MAX_ELEMENTS_ENV} to raise it)`;
}
