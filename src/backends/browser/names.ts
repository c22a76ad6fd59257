/** The built-in SUTs that run in headless Chromium (see suts.ts), by name: data others can read without loading them. */
export const BROWSER_SUTS = ['chrome-ort-webgpu', 'chrome-ort-wasm', 'chrome-tfjs-webgpu'] as const;
export type BrowserSutName = (typeof BROWSER_SUTS)[number];

export function isBrowserSut(name: string): name is BrowserSutName {
  return (BROWSER_SUTS as readonly string[]).includes(name);
}
