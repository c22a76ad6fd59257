/** A word as a POSIX shell reads it back: quoted when it holds anything but plain path characters. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that replays a case folder. A campaign's adapter modules are given again as flags:
 * repro never loads the modules a case folder records.
 */
export function replayCommand(dir: string, backendModules: readonly string[] = []): string {
  return ['tensorsmith', 'repro', dir, ...backendModules.flatMap((m) => ['--backend-module', m])].map(shellWord).join(' ');
}
