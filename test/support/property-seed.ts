import { createHash } from 'node:crypto';

/**
 * The fast-check seed of a property test that compares a SUT with the reference. These tests judge
 * code we do not own: with a new seed each run, a departure nobody has seen yet turns a CI run red at
 * random, for a bug in onnxruntime rather than in tensorsmith. So each test draws the same instances
 * every run (a seed hashed from its label), and TENSORSMITH_PROPERTY_SEED=<integer> draws another set
 * to explore (bench/ops-browser.mjs sweeps deeper). fast-check prints the seed with any failure.
 */
export function propertySeed(label: string): number {
  const override = process.env.TENSORSMITH_PROPERTY_SEED;
  const salt = override !== undefined && override !== '' ? `/${override}` : '';
  return createHash('sha256').update(`${label}${salt}`).digest().readInt32LE(0);
}
