import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Browser } from 'puppeteer-core';

/** What the browser SUTs are told to launch: an executable named by --chromium, else one on PATH. */
export interface ChromiumOptions {
  readonly executable?: string;
}

const ON_PATH = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/**
 * The Chromium to launch: the one given (it must exist), else the first of chromium,
 * chromium-browser, google-chrome on PATH. Throws an error that says what to install.
 */
export function findChromium(options: ChromiumOptions = {}): string {
  if (options.executable !== undefined) {
    if (!existsSync(options.executable)) throw new Error(`--chromium '${options.executable}' does not exist; give the path of a Chromium or Chrome executable`);
    return options.executable;
  }
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of ON_PATH) for (const dir of dirs) if (existsSync(join(dir, name))) return join(dir, name);
  throw new Error(`no Chromium found on PATH (looked for ${ON_PATH.join(', ')}); install one (Debian: apt-get install chromium) or give --chromium PATH`);
}

/**
 * Flags of a headless Chromium that serves as a SUT host: WebGPU on (SwiftShader or the machine's
 * GPU), nothing fetched from outside (no component updates, sync or field trials), and a debugging
 * port on the loopback interface that puppeteer connects to.
 */
const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--remote-debugging-address=127.0.0.1',
  '--remote-debugging-port=0',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-default-apps',
  '--disable-field-trial-config',
  '--disable-breakpad',
  '--mute-audio',
  // A renderer busy in a test must not be throttled as a background tab.
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
];

/** On Linux the browser gets a parent-death signal, as SUT workers do (see worker-process.ts). */
const SETPRIV = process.platform === 'linux' ? ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) : undefined;

const LAUNCH_TIMEOUT_MS = 30_000;

/**
 * One headless Chromium process, in its own process group (a Ctrl-C in the terminal must not kill
 * it mid-test, and kill() ends its renderer and GPU processes with it), with puppeteer connected.
 */
export class ChromiumProcess {
  private exited = false;
  /** Resolves once the browser exits or puppeteer loses it. */
  readonly gone: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly profileDir: string,
    readonly browser: Browser,
    /** The product and version, "Chrome/156.0.8078.114". */
    readonly version: string,
  ) {
    child.on('exit', () => {
      this.exited = true;
      this.removeProfile();
    });
    this.gone = new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      browser.once('disconnected', () => resolve());
    });
  }

  static async launch(executable: string): Promise<ChromiumProcess> {
    const profileDir = mkdtempSync(join(tmpdir(), 'tensorsmith-chromium-'));
    const args = [...FLAGS, `--user-data-dir=${profileDir}`, 'about:blank'];
    const [command, commandArgs] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'KILL', executable, ...args]] : [executable, args];
    const child = spawn(command, commandArgs, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let endpoint: string;
    try {
      endpoint = await devToolsEndpoint(child);
    } catch (e) {
      killGroup(child);
      rmSync(profileDir, { recursive: true, force: true });
      throw e;
    }
    // Chromium logs to stderr for as long as it runs; an unread pipe would fill and block it.
    child.stderr?.resume();
    const { default: puppeteer } = await import('puppeteer-core');
    try {
      const browser = await puppeteer.connect({ browserWSEndpoint: endpoint, defaultViewport: null, protocolTimeout: 0 });
      return new ChromiumProcess(child, profileDir, browser, await browser.version());
    } catch (e) {
      killGroup(child);
      rmSync(profileDir, { recursive: true, force: true });
      throw e;
    }
  }

  get alive(): boolean {
    return !this.exited && this.browser.connected;
  }

  /** Resident memory of the browser and every process it started (renderers, GPU), in MB. */
  residentMb(): number | undefined {
    return groupResidentMb(this.child.pid);
  }

  /** Ends the browser and every process of its group at once. */
  kill(): void {
    killGroup(this.child);
    this.exited = true;
    this.removeProfile();
  }

  private removeProfile(): void {
    try {
      rmSync(this.profileDir, { recursive: true, force: true });
    } catch {
      // A renderer still writing into it as it dies; the OS's tmp cleaning takes the rest.
    }
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

/** The ws:// address Chromium prints once its debugging port listens, or why it never did. */
function devToolsEndpoint(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => fail(`Chromium did not open its debugging port within ${LAUNCH_TIMEOUT_MS / 1000} s`), LAUNCH_TIMEOUT_MS);
    const fail = (why: string) => {
      clearTimeout(timer);
      const tail = stderr.split('\n').filter((l) => l.trim() !== '').slice(-3).join(' | ');
      reject(new Error(`${why}${tail ? `; its stderr: ${tail}` : ''}`));
    };
    child.on('error', (e) => fail(`Chromium did not start: ${e.message}`));
    child.on('exit', (code, signal) => fail(`Chromium exited at start (${signal ? `signal ${signal}` : `exit code ${code}`})`));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000);
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.removeAllListeners('error');
        child.stderr?.removeAllListeners('data');
        resolve(match[1]!);
      }
    });
  });
}

/**
 * A process's proportional set size: its private memory plus its share of what it shares. Chromium's
 * processes share much (the zygote's pages, GPU transfer buffers): summing their resident sizes
 * counted that many times over (2.4 GB of resident sizes, 0.8 GB proportional, for a browser with
 * one onnxruntime WebGPU page), and a campaign's browser passed a 4 GB limit on its own. VmRSS where
 * the kernel has no smaps_rollup (before Linux 4.14).
 */
function processMemoryKb(pid: string): number {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  } catch {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  }
  const match = /^(?:Pss|VmRSS):\s+(\d+) kB/m.exec(text);
  return match ? Number(match[1]) : 0;
}

/** The summed proportional set sizes of the processes in a process group (Linux /proc), in MB. */
function groupResidentMb(pgid: number | undefined): number | undefined {
  if (pgid === undefined || process.platform !== 'linux') return undefined;
  let kb = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces, so it ends at the last ')'): state ppid pgrp.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      kb += processMemoryKb(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return kb / 1024;
}
