import { findChromium } from '../../src/backends/browser/chromium.js';
import { required } from './required.js';

/**
 * Why the browser SUT tests cannot run here, or undefined when they can: they need a Chromium on
 * PATH (Debian: apt-get install chromium). There they skip with this reason, except when
 * CI or TENSORSMITH_REQUIRE_BROWSER=1 (see required), where a missing browser is a failure instead.
 */
export function browserSkipReason(): string | undefined {
  try {
    findChromium();
    return undefined;
  } catch (e) {
    const reason = (e as Error).message;
    const why = required('TENSORSMITH_REQUIRE_BROWSER');
    if (why) throw new Error(`${why} but ${reason}`, { cause: e });
    return reason;
  }
}
