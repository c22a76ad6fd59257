import { arch, platform, release } from 'node:os';

/**
 * The machine and tool writing a report. A campaign folder records its SUTs (package, version,
 * device) and the tensorsmith version that found the bugs, but not the Node or OS it ran on: a
 * report names those of the machine rendering it, and says so.
 */
export interface ReportEnvironment {
  /** The tensorsmith writing the report, when known. */
  readonly toolVersion?: string;
  /** e.g. v20.11.1 */
  readonly node: string;
  /** e.g. linux 6.8.0 (x64) */
  readonly os: string;
}

export function currentEnvironment(toolVersion?: string): ReportEnvironment {
  return { ...(toolVersion !== undefined ? { toolVersion } : {}), node: process.version, os: `${platform()} ${release()} (${arch()})` };
}
