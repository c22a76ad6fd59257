import { readdirSync, readFileSync } from 'node:fs';

/** The parent of a process, from /proc (undefined once it is gone). The command may hold ') ', so the fields are read after the last one. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** The processes whose parent is `pid` (Linux: reads /proc). */
export function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((child) => parentOf(child) === pid);
}

/** This process's SUT worker processes (its children running the isolation worker). */
export function workerPids(): number[] {
  return childrenOf(process.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('isolation/worker');
    } catch {
      return false;
    }
  });
}
