/** Where commands write. The entry file binds these to the process; tests capture them. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (live status lines redraw in place there). */
  readonly errIsTty: boolean;
  /** Set by the entry file on Ctrl-C; long commands stop at the next safe point. */
  readonly interrupted: () => boolean;
  /** TENSORSMITH_DEBUG is set: internal errors print their stack trace. */
  readonly debug?: boolean;
  /** Where capability probes are cached unless --cache-dir says otherwise (~/.cache/tensorsmith). */
  readonly cacheDir?: string;
  /** How to start this tool again in a child process (fuzz --jobs); set by the entry file. */
  readonly self?: { readonly command: string; readonly args: readonly string[] };
}

export const EXIT_OK = 0;
export const EXIT_BUGS = 1;
export const EXIT_ERROR = 2;
