import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServedFolder } from './loopback-server.js';

const require = createRequire(import.meta.url);

/**
 * tensorsmith's own modules, which the page harnesses import: dist/ when built; src/ under a
 * TypeScript loader (tests), each module then transpiled when a page asks for it.
 */
const OWN_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FROM_SOURCE = import.meta.url.endsWith('.ts');

function transpileTypeScript(source: string, file: string): string {
  // A dev dependency: only tensorsmith's own tests run from source.
  const ts = require('typescript') as typeof import('typescript');
  return ts.transpileModule(source, { fileName: file, compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
}

/** tensorsmith's own modules as the loopback server serves them to a page, under /tensorsmith/. */
export const OWN_MODULES: ServedFolder = { prefix: '/tensorsmith/', dir: OWN_ROOT, ...(FROM_SOURCE ? { transpile: transpileTypeScript } : {}) };

/**
 * The JavaScript of one of tensorsmith's own modules, by its path under dist/ ("ir/tensor.js"): the
 * built file, or, running from source, its TypeScript transpiled as the loopback server does.
 */
export function ownModuleJs(path: string): string {
  const file = join(OWN_ROOT, path);
  if (existsSync(file)) return readFileSync(file, 'utf8');
  const source = file.replace(/\.js$/, '.ts');
  if (FROM_SOURCE && existsSync(source)) return transpileTypeScript(readFileSync(source, 'utf8'), source);
  throw new Error(`tensorsmith's module ${path} is not in ${OWN_ROOT}${FROM_SOURCE ? '' : ' (is tensorsmith built?)'}`);
}
