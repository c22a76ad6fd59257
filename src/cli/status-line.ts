import type { FuzzStatus } from '../campaign/fuzz.js';
import type { CliIo } from './io.js';

/** The live status of a campaign: redrawn in place on a terminal, a line every 10 s otherwise. */
export function statusLine(io: CliIo, timeSec: number): { update(s: FuzzStatus): void; above(line: string): void; done(): void } {
  let lastDraw = 0;
  let drawn = false;
  const text = (s: FuzzStatus) => {
    const done = Math.min(1, s.elapsedSec / timeSec);
    const bar = '#'.repeat(Math.round(done * 20)).padEnd(20, '-');
    return (
      `[${bar}] ${s.elapsedSec.toFixed(0)}/${timeSec}s ${s.tests} tests (${(s.tests / Math.max(s.elapsedSec, 1e-9)).toFixed(1)}/s), ` +
      `${s.discarded} discarded, ${s.findings} findings, ${s.bugs} distinct bugs`
    );
  };
  return {
    update(s) {
      const now = performance.now();
      if (io.errIsTty) {
        if (now - lastDraw < 200) return;
        io.err(`\r\x1b[2K${text(s)}`);
        drawn = true;
      } else {
        if (now - lastDraw < 10_000) return;
        io.err(`${text(s)}\n`);
      }
      lastDraw = now;
    },
    /** Prints a line on stdout without tearing the status line (cleared first; redrawn at the next update). */
    above(line) {
      if (drawn && io.errIsTty) io.err('\r\x1b[2K');
      io.out(line);
      if (io.errIsTty) lastDraw = 0;
    },
    done() {
      if (drawn) io.err('\n');
    },
  };
}
