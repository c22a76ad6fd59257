import { posix } from 'node:path';
import { ownModuleJs } from './own-modules.js';

/** The bare specifier prefix an inlined module is known by ("tensorsmith/ir/tensor.js"). */
export const INLINE_PREFIX = 'tensorsmith/';

/** Relative module specifiers in import and export statements: `from './x.js'` and `import './x.js'`. */
const RELATIVE_IMPORT = /(\bfrom\s*|\bimport\s*)(['"])(\.\.?\/[^'"]+)\2/g;

/** An import map: bare specifier -> URL. */
export interface ImportMap {
  readonly imports: Readonly<Record<string, string>>;
}

/**
 * An import map that holds tensorsmith's modules ENTRIES (paths under dist/) and everything they
 * import, each as a data: URL. A page opened from a file:// URL cannot import modules beside it
 * (Chrome refuses file:// module fetches), so a page that must run tensorsmith's own code on its
 * own carries that code inline: each module's relative imports become bare specifiers
 * (tensorsmith/<path>) that the map resolves to the other modules. The modules are the ones the
 * campaign's pages import, unchanged otherwise.
 */
export function inlineModuleMap(entries: readonly string[]): ImportMap {
  // The modules do not change while tensorsmith runs: every case of a campaign shares one map.
  const key = entries.join('\n');
  let map = built.get(key);
  if (!map) {
    map = buildModuleMap(entries);
    built.set(key, map);
  }
  return map;
}

const built = new Map<string, ImportMap>();

function buildModuleMap(entries: readonly string[]): ImportMap {
  const imports: Record<string, string> = {};
  const pending = [...entries];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    const specifier = INLINE_PREFIX + path;
    if (imports[specifier] !== undefined) continue;
    const from = posix.dirname(path);
    const js = ownModuleJs(path)
      .replace(RELATIVE_IMPORT, (_all, keyword: string, quote: string, relative: string) => {
        const target = posix.normalize(posix.join(from, relative));
        // Inline modules stay inside tensorsmith's own tree: nothing above dist/ is inlined.
        if (target.startsWith('../')) throw new Error(`tensorsmith's module ${path} imports ${relative}, outside its own modules`);
        pending.push(target);
        return `${keyword}${quote}${INLINE_PREFIX}${target}${quote}`;
      })
      // A source map comment would point a data: URL at a file it cannot reach.
      .replace(/^\/\/# sourceMappingURL=.*$/m, '');
    imports[specifier] = `data:text/javascript;base64,${Buffer.from(js, 'utf8').toString('base64')}`;
  }
  return { imports };
}
