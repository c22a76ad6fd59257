import type { Page } from 'puppeteer-core';
import { SPARE_IDLE_MS, SutCrash, SutError, SutHang, type IsolationLimits } from '../isolation/isolated-adapter.js';
import { ChromiumProcess } from './chromium.js';
import { LoopbackServer, type ServedFolder } from './loopback-server.js';
import { PAGE_BROKEN, type HarnessInfo, type PageHarness } from './page/wire.js';

export type HarnessMethod = keyof PageHarness;
type Args<M extends HarnessMethod> = Parameters<PageHarness[M]>;
type Reply<M extends HarnessMethod> = Awaited<ReturnType<PageHarness[M]>>;

/** Calls the harness of one page (a fresh page's warm-up uses it before the page takes requests). */
export type HarnessCall = <M extends HarnessMethod>(method: M, ...args: Args<M>) => Promise<Reply<M>>;

/** Where a page host's browser, server and page come from. */
export interface PageHostSetup {
  readonly sutName: string;
  /** The Chromium executable, looked up when the browser is first needed. */
  readonly chromium: () => string;
  /** The SUT's page (served at /NAME.html): its <script> tags install window.tensorsmith. */
  readonly pageHtml: string;
  readonly folders: readonly ServedFolder[];
  readonly limits: IsolationLimits;
  /**
   * Pages kept open and warmed up ahead of time while restarts come in a burst, as worker processes
   * are (see IsolationOptions.spares): a fresh page costs a second or more (onnxruntime-web loads
   * and instantiates its 14 MB of WebAssembly in every page), so a reduction, which confirms every
   * candidate in a fresh page, would otherwise wait for one per candidate.
   */
  readonly spares?: number;
  /** A known-good test a fresh page runs once before its first request; its failure is left to the test to show. */
  readonly warmup?: (call: HarnessCall) => Promise<void>;
}

/** One open page with its harness loaded. */
interface OpenPage {
  readonly page: Page;
  /** The browser the page lives in. */
  readonly chromium: ChromiumProcess;
  info: HarnessInfo;
  /** Rejects (SutCrash) once the renderer crashes, the page closes or the browser goes away. */
  readonly failure: Promise<never>;
  /** prepare and run requests this page answered. */
  served: number;
  broken: boolean;
}

/** How long a page gets to die by Page.crash before its whole browser is killed instead. */
const CRASH_GRACE_MS = 2000;
const MEMORY_POLL_MS = 500;
/**
 * A page that served this many requests is replaced before its next test: what a page accumulates
 * (compiled programs, buffers a SUT leaks) must not grow into a memory-limit crash listed as the bug
 * of whichever test was running then.
 */
const RECYCLE_AFTER = 4000;

/**
 * A browser SUT's counterpart of a worker process: a headless Chromium (its own process group) and
 * one page in it hosting the SUT's harness. Requests go to the page one at a time. A renderer crash,
 * a lost GPU device, a page that does not answer within the timeout (the page is crashed on purpose,
 * or the whole browser killed when that does not work) or a browser past the memory limit rejects
 * the request with SutCrash or SutHang, and the next request opens a fresh page (in a fresh browser
 * when the old one is gone).
 */
export class PageHost {
  private chromium: Promise<ChromiumProcess> | undefined;
  private server: Promise<LoopbackServer> | undefined;
  private current: Promise<OpenPage> | undefined;
  /** The current page once open (served() reads it synchronously). */
  private opened: OpenPage | undefined;
  private closed = false;
  /** Spare pages, oldest first, each with the timer that closes it once it waited SPARE_IDLE_MS unclaimed. */
  private readonly spares: { page: Promise<OpenPage>; expiry: NodeJS.Timeout }[] = [];
  /** When a page last replaced another (undefined: none yet), and whether there ever was one. */
  private lastReplacement: number | undefined;
  private hadPage = false;
  /** Pages opened so far; the current one's number is pageNumber(). */
  private pagesOpened = 0;
  private openedNumber = 0;

  constructor(private readonly setup: PageHostSetup) {}

  /** prepare and run requests the current page answered (0: a fresh page, or none). */
  served(): number {
    return this.opened && !this.opened.broken ? this.opened.served : 0;
  }

  /** Which page is current (0: none yet): what a page prepared means nothing in another. */
  pageNumber(): number {
    return this.opened && !this.opened.broken ? this.openedNumber : 0;
  }

  /** The browser's version and what the harness says of itself, opening the page if needed. */
  async describe(): Promise<{ browser: string; info: HarnessInfo }> {
    const open = await this.page(false);
    return { browser: open.chromium.version, info: open.info };
  }

  /** Calls the harness in the page within timeoutMs (a page is opened first, under the full timeout). */
  async request<M extends HarnessMethod>(timeoutMs: number, method: M, ...args: Args<M>): Promise<Reply<M>> {
    // A page is recycled only between tests, at a prepare: a run needs the page that prepared its model.
    const open = await this.page(method === 'prepare');
    const reply = await this.callOn(open, timeoutMs, method, args);
    if (method !== 'release') open.served++;
    return reply;
  }

  /** The next request opens a fresh page. */
  restart(): void {
    const old = this.current;
    this.current = undefined;
    this.opened = undefined;
    void old?.then((p) => this.closePage(p), () => undefined);
  }

  /**
   * The next request opens a fresh page in a freshly launched browser. Pages share their browser's
   * GPU process (and its crash count): a test judged alone must share nothing with earlier ones.
   */
  restartBrowser(): void {
    this.restart();
    for (const spare of this.spares.splice(0)) {
      clearTimeout(spare.expiry);
      void spare.page.then((p) => this.closePage(p), () => undefined);
    }
    void this.chromium?.then((c) => c.kill(), () => undefined);
    this.chromium = undefined;
  }

  /** Ends the browser (its pages with it) and the server. */
  close(): void {
    this.closed = true;
    for (const spare of this.spares.splice(0)) clearTimeout(spare.expiry);
    this.current = undefined;
    this.opened = undefined;
    void this.chromium?.then((c) => c.kill(), () => undefined);
    this.chromium = undefined;
    void this.server?.then((s) => s.close(), () => undefined);
    this.server = undefined;
  }

  private callOn<M extends HarnessMethod>(open: OpenPage, timeoutMs: number, method: M, args: Args<M>): Promise<Reply<M>> {
    const call = open.page.evaluate(
      (m: string, a: unknown[]) => {
        const harness = (window as unknown as { tensorsmith: Record<string, (...x: unknown[]) => Promise<unknown>> }).tensorsmith;
        return harness[m]!(...a);
      },
      method,
      args as unknown[],
    ) as Promise<Reply<M>>;
    return this.bounded(open, timeoutMs, call);
  }

  /** `call`, or the page's crash, the timeout or the memory limit, whichever comes first. */
  private async bounded<T>(open: OpenPage, timeoutMs: number, call: Promise<T>): Promise<T> {
    // A call the page never answers (it crashed) rejects later, maybe while nothing awaits it yet:
    // that must not be an unhandled rejection, which would end tensorsmith.
    call.catch(() => undefined);
    const name = this.setup.sutName;
    const chromium = open.chromium;
    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        open.broken = true;
        void this.crashPage(open);
        reject(new SutHang(`${name} did not answer within ${Math.round(timeoutMs)} ms; its page was crashed`, timeoutMs));
      }, timeoutMs);
      poll = setInterval(() => {
        const mb = chromium.residentMb();
        if (mb !== undefined && mb > this.setup.limits.memoryLimitMb) {
          open.broken = true;
          chromium.kill();
          reject(new SutCrash(`${name}'s browser used ${mb.toFixed(0)} MB, past the memory limit of ${this.setup.limits.memoryLimitMb} MB; killed`));
        }
      }, MEMORY_POLL_MS);
    });
    try {
      return await Promise.race([call, open.failure, limit]);
    } catch (e) {
      throw this.classify(open, e);
    } finally {
      clearTimeout(timer);
      clearInterval(poll);
    }
  }

  /** A failure as the isolation layer's errors: crash and hang as they are, the harness's own errors as SutError. */
  private classify(open: OpenPage, e: unknown): Error {
    if (e instanceof SutCrash || e instanceof SutHang) return e;
    const message = e instanceof Error ? e.message : String(e);
    const broken = message.indexOf(PAGE_BROKEN);
    if (broken >= 0) {
      open.broken = true;
      return new SutCrash(`${this.setup.sutName}: ${message.slice(broken + PAGE_BROKEN.length)}`);
    }
    return new SutError(message, undefined);
  }

  private browser(): Promise<ChromiumProcess> {
    if (this.closed) return Promise.reject(new Error(`${this.setup.sutName} was closed`));
    const existing = this.chromium;
    if (!existing) return this.launch();
    return existing.then(
      (c) => (c.alive ? c : this.launch()),
      () => this.launch(),
    );
  }

  private launch(): Promise<ChromiumProcess> {
    const launching = (async () => ChromiumProcess.launch(this.setup.chromium()))();
    this.chromium = launching;
    launching.catch(() => {
      if (this.chromium === launching) this.chromium = undefined;
    });
    return launching;
  }

  private async origin(): Promise<string> {
    this.server ??= LoopbackServer.start(new Map([[this.pagePath(), this.setup.pageHtml]]), this.setup.folders);
    return (await this.server).origin;
  }

  private pagePath(): string {
    return `/${this.setup.sutName}.html`;
  }

  /** The current page, or a fresh one when it broke, was restarted away or served its share. */
  private async page(mayRecycle: boolean): Promise<OpenPage> {
    const existing = this.current;
    if (existing) {
      const open = await existing.catch(() => undefined);
      if (open && !open.broken && !open.page.isClosed() && !(mayRecycle && open.served >= RECYCLE_AFTER)) return open;
      if (open) void this.closePage(open);
      if (this.current === existing) this.current = undefined;
    }
    const opening = this.claimSpare() ?? this.openPage();
    this.current = opening;
    const now = performance.now();
    const burst = this.lastReplacement !== undefined && now - this.lastReplacement < SPARE_IDLE_MS;
    if (this.hadPage) this.lastReplacement = now;
    this.hadPage = true;
    try {
      const open = await opening;
      // One spare at most, opened after the page needed now: pages opened side by side compete for
      // the CPU (a page's WebAssembly and GPU start are seconds of it) and all open late.
      if (burst && this.spares.length === 0 && (this.setup.spares ?? 0) > 0) this.launchSpare();
      if (this.current === opening) {
        this.opened = open;
        this.openedNumber = ++this.pagesOpened;
      }
      return open;
    } catch (e) {
      if (this.current === opening) this.current = undefined;
      throw e;
    }
  }

  private launchSpare(): void {
    const page = this.openPage();
    // A spare that failed to open is not claimed: the next page opens afresh.
    page.catch(() => undefined);
    const spare = {
      page,
      expiry: setTimeout(() => {
        const i = this.spares.indexOf(spare);
        if (i >= 0) this.spares.splice(i, 1);
        void page.then((p) => this.closePage(p), () => undefined);
      }, SPARE_IDLE_MS),
    };
    // An idle spare must not keep the process alive.
    spare.expiry.unref();
    this.spares.push(spare);
  }

  /** The oldest spare page, once it has opened well; undefined when there is none. */
  private claimSpare(): Promise<OpenPage> | undefined {
    const spare = this.spares.shift();
    if (!spare) return undefined;
    clearTimeout(spare.expiry);
    return spare.page.then(
      (p) => (p.broken ? this.openPage() : p),
      () => this.openPage(),
    );
  }

  private async openPage(): Promise<OpenPage> {
    const origin = await this.origin();
    const chromium = await this.browser();
    const page = await chromium.browser.newPage();
    let fail!: (e: Error) => void;
    const failure = new Promise<never>((_, reject) => (fail = reject));
    // Nobody may be waiting on it between requests.
    failure.catch(() => undefined);
    const name = this.setup.sutName;
    const open: OpenPage = { page, chromium, info: { version: '', device: '' }, failure, served: 0, broken: false };
    const lost = (why: string) => {
      open.broken = true;
      fail(new SutCrash(`${name}: ${why}`));
    };
    page.on('error', (e) => lost(`its renderer crashed (${e.message})`));
    page.on('close', () => lost('its page was closed while it ran a test'));
    void chromium.gone.then(() => lost('its browser died'));
    // Why a harness did not load: the page's own errors and the files it could not fetch.
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e instanceof Error ? e.message : String(e)));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.url()}: HTTP ${r.status()}`);
    });
    try {
      const loading = (async () => {
        await page.goto(`${origin}${this.pagePath()}`, { waitUntil: 'load', timeout: 0 });
        const installed = await page.evaluate(() => (window as unknown as { tensorsmithReady?: unknown }).tensorsmithReady !== undefined);
        if (!installed) throw new Error(`the ${name} page did not load its harness${problems.length > 0 ? ` (${problems.join('; ')})` : ''}`);
        return page.evaluate(() => (window as unknown as { tensorsmithReady: Promise<HarnessInfo> }).tensorsmithReady);
      })();
      open.info = await this.bounded(open, this.setup.limits.timeoutMs, loading);
      const warmup = this.setup.warmup;
      if (warmup) {
        const call: HarnessCall = (method, ...args) => this.callOn(open, this.setup.limits.timeoutMs, method, args);
        await warmup(call).catch(() => undefined);
      }
      return open;
    } catch (e) {
      void this.closePage(open);
      throw e;
    }
  }

  private async crashPage(open: OpenPage): Promise<void> {
    const crashed = new Promise<boolean>((resolve) => {
      open.failure.catch(() => resolve(true));
      setTimeout(() => resolve(false), CRASH_GRACE_MS);
    });
    try {
      // Chromium handles Page.crash off the renderer's main thread: it ends a page stuck in a loop.
      const cdp = await open.page.createCDPSession();
      void cdp.send('Page.crash').catch(() => undefined);
    } catch {
      // The page is gone already.
    }
    if (!(await crashed)) open.chromium.kill();
  }

  private async closePage(open: OpenPage): Promise<void> {
    open.broken = true;
    try {
      await open.page.close({ runBeforeUnload: false });
    } catch {
      // Crashed, or gone with its browser.
    }
  }
}
