import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** tensorsmith's own version, from package.json (src/cli and dist/cli both sit two levels below it). */
export const TOOL_VERSION = (require('../../package.json') as { version: string }).version;
