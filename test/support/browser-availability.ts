import { findChromium } from '../../src/backends/browser/chromium.js';

/**
 * Why the browser SUT tests cannot run here, or undefined when they can: they need a Chromium on
 * PATH (Debian: apt-get install chromium). There they skip with this reason, except when
 * TENSORSMITH_REQUIRE_BROWSER=1 (CI sets it, since CI installs Chromium), where a missing browser is
 * a failure instead.
 */
export function browserSkipReason(): string | undefined {
  try {
    findChromium();
    return undefined;
  } catch (e) {
    const reason = (e as Error).message;
    if (process.env.TENSORSMITH_REQUIRE_BROWSER === '1') throw new Error(`TENSORSMITH_REQUIRE_BROWSER=1 but ${reason}`, { cause: e });
    return reason;
  }
}
