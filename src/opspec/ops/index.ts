import { OpRegistry } from '../registry.js';
import type { OpSpec } from '../spec.js';
import { add, div, mul, sub } from './binary.js';
import { concat } from './concat.js';
import { conv } from './conv.js';
import { matmul } from './matmul.js';
import { reduceMean, reduceSum } from './reduce.js';
import { reshape } from './reshape.js';
import { softmax } from './softmax.js';
import { transpose } from './transpose.js';
import { abs, exp, neg, relu, sigmoid, tanh } from './unary.js';

export const BUILTIN_SPECS: readonly OpSpec[] = [
  relu, sigmoid, tanh, abs, neg, exp,
  add, sub, mul, div,
  matmul, conv,
  reshape, transpose, concat,
  reduceSum, reduceMean, softmax,
];

/** The registry of every built-in operator spec. */
export function builtinRegistry(): OpRegistry {
  return new OpRegistry(BUILTIN_SPECS);
}
