import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../ir/errors.js';
import type { BackendAdapter } from './adapter.js';

const REQUIRED_METHODS = ['describe', 'supports', 'prepare', 'run'] as const;

/** Checks that a value is an adapter, naming what is missing. */
function asAdapter(value: unknown, where: string): BackendAdapter {
  if (value === null || typeof value !== 'object') throw new UserError(`${where}: the factory must return an adapter object (or an array of them), got ${value === null ? 'null' : typeof value}`);
  const candidate = value as Record<string, unknown>;
  if (typeof candidate.name !== 'string' || candidate.name === '') throw new UserError(`${where}: the adapter needs a non-empty string 'name'`);
  for (const method of REQUIRED_METHODS) {
    if (typeof candidate[method] !== 'function') throw new UserError(`${where}: adapter '${candidate.name}' has no ${method}() method`);
  }
  return value as BackendAdapter;
}

/**
 * Loads an external adapter module: an ES module whose default export is a factory returning one
 * adapter or an array of them (an adapter per optimization level, say). Its SUTs then work with
 * every command, like the built-in ones.
 */
export async function loadAdapterModule(path: string): Promise<BackendAdapter[]> {
  const file = resolve(path);
  if (!existsSync(file)) throw new UserError(`--backend-module: '${path}' does not exist`);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (e) {
    throw new UserError(`--backend-module: '${path}' could not be loaded: ${(e as Error).message.split('\n')[0]}`);
  }
  if (typeof module.default !== 'function') {
    throw new UserError(`--backend-module: '${path}' must default-export a factory function that returns an adapter (see examples/adapters/)`);
  }
  let made: unknown;
  try {
    made = await (module.default as () => unknown)();
  } catch (e) {
    // The module's own bug, not tensorsmith's: name the module and its message, not an internal error.
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0] || 'an error without a message';
    throw new UserError(`--backend-module '${path}': its default-export factory threw: ${why}; fix the module or drop --backend-module`);
  }
  const list = Array.isArray(made) ? made : [made];
  if (list.length === 0) throw new UserError(`--backend-module: '${path}' returned no adapter`);
  return list.map((a, i) => asAdapter(a, `--backend-module '${path}'${list.length > 1 ? ` (adapter ${i})` : ''}`));
}
