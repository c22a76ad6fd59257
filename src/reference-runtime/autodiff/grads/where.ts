import { broadcastStrides, forEachBroadcast } from '../../cpu/indexing.js';
import { exact, type OpGradient } from '../gradient.js';

/**
 * Where routes each output element's gradient to X or Y. The condition, a bool, gets the proxy of
 * a soft select c x + (1 - c) y, so that the search can reach the comparison that made it.
 */
export const whereGradients: Readonly<Record<string, OpGradient>> = {
  Where: exact(({ inputs, outputs, dy: [dy] }) => {
    if (!dy) return [];
    const [c, x, y] = inputs.map((t) => t!);
    const out = outputs[0]!;
    const dc = new Float64Array(c!.data.length);
    const dx = new Float64Array(x!.data.length);
    const dyy = new Float64Array(y!.data.length);
    forEachBroadcast(out.shape, [c!, x!, y!].map((t) => broadcastStrides(t.shape, out.shape)), (i, [ic, ix, iy]) => {
      dc[ic!]! += dy[i]! * (x!.data[ix!]! - y!.data[iy!]!);
      if (c!.data[ic!] !== 0) dx[ix!]! += dy[i]!;
      else dyy[iy!]! += dy[i]!;
    });
    return [dc, dx, dyy];
  }),
};
