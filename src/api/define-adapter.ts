import type { BackendAdapter } from '../backends/adapter.js';

/**
 * Checks an adapter's shape when its module loads, so that a missing method is one clear line then
 * rather than a failure in the middle of a campaign, and gives it the adapter type. Returns it as is.
 * (A plain-JavaScript module gets no type check: these are its checks.)
 */
export function defineAdapter<Prepared>(adapter: BackendAdapter<Prepared>): BackendAdapter<Prepared> {
  if (typeof adapter.name !== 'string' || adapter.name === '') throw new Error('defineAdapter: the adapter needs a name (a non-empty string)');
  const methods: Record<string, unknown> = { describe: adapter.describe, supports: adapter.supports, prepare: adapter.prepare, run: adapter.run };
  for (const [method, value] of Object.entries(methods)) {
    if (typeof value !== 'function') throw new Error(`defineAdapter: adapter '${adapter.name}' has no ${method}() method (see tensorsmith's README, External adapters)`);
  }
  return adapter;
}
