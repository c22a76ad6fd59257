import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';

/** A folder served under a URL prefix ("/vendor/onnxruntime-web/" -> node_modules/onnxruntime-web/dist). */
export interface ServedFolder {
  readonly prefix: string;
  readonly dir: string;
  /**
   * tensorsmith's own modules, run from source (tests, tsx): a request for x.js that exists only as
   * x.ts gets the TypeScript transpiled to JavaScript (types erased), as `tsc` would have built it.
   */
  readonly transpile?: (source: string, file: string) => string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
  '.map': 'application/json',
};

/**
 * An HTTP server on 127.0.0.1 for the pages of the browser SUTs: fixed pages, plus read-only folders
 * under prefixes. Nothing outside those folders is served (no '..', no absolute paths), nothing is
 * listed, and only GET and HEAD are answered.
 */
export class LoopbackServer {
  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(pages: ReadonlyMap<string, string>, folders: readonly ServedFolder[]): Promise<LoopbackServer> {
    const transpiled = new Map<string, string>();
    const server = createServer((req, res) => {
      const reply = (status: number, type: string, body: string | Buffer) => {
        // Nothing served changes while the server runs: cached, Chromium keeps the compiled WebAssembly
        // and scripts of the packages between pages (a fresh page then starts in a fraction of the time).
        res.writeHead(status, { 'content-type': type, 'cache-control': 'max-age=86400, immutable', 'cross-origin-resource-policy': 'same-origin' });
        res.end(req.method === 'HEAD' ? undefined : body);
      };
      if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'text/plain', 'only GET and HEAD');
      let path: string;
      try {
        path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      } catch {
        return reply(400, 'text/plain', 'malformed path');
      }
      const page = pages.get(path);
      if (page !== undefined) return reply(200, TYPES['.html']!, page);
      if (path === '/favicon.ico') return reply(204, 'text/plain', '');
      const found = fileFor(path, folders, transpiled);
      if (!found) return reply(404, 'text/plain', `not served: ${path}`);
      reply(200, TYPES[extname(found.name)] ?? 'application/octet-stream', found.body);
    });
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(0, '127.0.0.1', () => ok());
    });
    const { port } = server.address() as AddressInfo;
    return new LoopbackServer(server, `http://127.0.0.1:${port}`);
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}

/** The file a path names in one of the folders (TypeScript transpiled where the folder says so), if any. */
function fileFor(path: string, folders: readonly ServedFolder[], transpiled: Map<string, string>): { name: string; body: string | Buffer } | undefined {
  for (const folder of folders) {
    if (!path.startsWith(folder.prefix)) continue;
    const root = resolve(folder.dir);
    const file = resolve(join(root, path.slice(folder.prefix.length)));
    if (!file.startsWith(root + sep)) return undefined;
    if (existsSync(file) && statSync(file).isFile()) return { name: file, body: readFileSync(file) };
    const source = file.replace(/\.js$/, '.ts');
    if (folder.transpile && file.endsWith('.js') && existsSync(source)) {
      let js = transpiled.get(source);
      if (js === undefined) {
        js = folder.transpile(readFileSync(source, 'utf8'), source);
        transpiled.set(source, js);
      }
      return { name: file, body: js };
    }
    return undefined;
  }
  return undefined;
}
