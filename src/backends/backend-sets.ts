import { backendStatus } from './availability.js';
import { isBrowserSut } from './browser/names.js';
import { isIsolated } from './isolation/isolated-adapter.js';
import type { BackendRegistry } from './registry.js';

/**
 * Names that stand for sets of built-in SUTs in --backends, each taken as far as it runs here:
 * - local: every SUT that runs in Node (onnxruntime at each level and its web build, the tfjs
 *   backends), not tensorsmith's own reference runtimes;
 * - browser: the SUTs in headless Chromium (chrome-*);
 * - all: both.
 */
export const BACKEND_SETS: Readonly<Record<string, (name: string) => boolean>> = {
  local: (name) => !isBrowserSut(name) && !name.startsWith('ref-'),
  browser: (name) => isBrowserSut(name),
  all: (name) => !name.startsWith('ref-'),
};

/**
 * A --backends list with its set names replaced by the built-ins of each set that pass their
 * availability check here (describe, then a one-node model); the ones that do not are reported
 * through `skipped` (name and reason) and left out. Names outside the sets pass through: a SUT
 * named on its own is required, and the campaign refuses it when it cannot run.
 */
export async function expandBackendSets(names: readonly string[], registry: BackendRegistry, skipped: (name: string, reason: string) => void): Promise<string[]> {
  const expanded: string[] = [];
  const builtins = registry.names();
  for (const name of names) {
    const inSet = BACKEND_SETS[name];
    if (!inSet) {
      if (!expanded.includes(name)) expanded.push(name);
      continue;
    }
    for (const member of builtins.filter(inSet)) {
      if (expanded.includes(member)) continue;
      const adapter = registry.create(member);
      try {
        const status = await backendStatus(adapter);
        if (status.available) expanded.push(member);
        else skipped(member, status.reason ?? 'unavailable');
      } finally {
        // A browser SUT's Chromium, a worker-hosted one's worker: ended before the next starts.
        if (isIsolated(adapter)) adapter.close();
      }
    }
  }
  return expanded;
}
