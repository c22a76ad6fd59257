import type { OpRegistry } from '../opspec/registry.js';
import { reduceBug } from '../reduce/reduce-bug.js';
import type { BugReducer } from './fuzz.js';

/** The campaign's reducer: src/reduce's delta debugging, keeping the bug's verdict on its SUT. */
export function campaignReducer(registry: OpRegistry): BugReducer {
  return (args) => reduceBug({ ...args, registry });
}
