/**
 * Whether the tests that need a piece of the machine (a WebGPU adapter, Chromium) must fail instead
 * of skipping when it is missing: under CI (the CI variable set, as CI services do; .ci/run installs
 * both) or when asked by name (TENSORSMITH_REQUIRE_WEBGPU=1, TENSORSMITH_REQUIRE_BROWSER=1).
 */
export function required(variable: string): string | undefined {
  if (process.env[variable] === '1') return `${variable}=1`;
  const ci = process.env.CI;
  if (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') return `CI=${ci}`;
  return undefined;
}
