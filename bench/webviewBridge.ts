/**
 * The host → webview hop of the benchmark: a WebviewSurface (what ChatWebviewBinding posts to)
 * whose postMessage delivers into the real webview bundle in Chromium, and a probe in the page
 * that timestamps what the webview received, rendered and painted.
 *
 * The page comes from test/webview/chatPage.ts (real bundle, production CSP, stub
 * acquireVsCodeApi). Messages travel over a raw CDP session rather than page.evaluate: one
 * Runtime.callFunctionOn per message, JSON-serialised in node and JSON.parse'd in the page, which is
 * about what VS Code's own extension host → renderer → iframe hops cost (a serialise, an IPC
 * hop, a deserialise). Its cost is measured and printed as its own stage, not hidden.
 *
 * Webview → host messages (`ready`, ...) come back through a CDP binding hooked onto the stub's
 * recorded `__posted` list, so the binding gets its `ready` handshake like in VS Code. A second
 * binding tells node when a final paint or a snapshot is on screen, so the figures wait without
 * polling the page (polls would compete with the rendering they time).
 *
 * Clocks: node and page both report epoch ms as `performance.timeOrigin + performance.now()`.
 * The two origins can disagree by a millisecond or so, so the offset is calibrated with
 * round trips (the sample with the smallest round trip wins) and every page time is mapped
 * onto node's clock before it is compared.
 */
import type { Browser, CDPSession } from 'playwright-core';
import type { HostToWebviewMessage } from '../src/common/protocol';
import { toDisposable, type IDisposable } from '../src/common/dispose';
import type { WebviewSurface } from '../src/webviewHost/chatWebviewBinding';
import { type ChatPage, ChatSession as WebviewPages, type FrameMode, launchBrowser, PageServer } from '../test/webview/chatPage';
import { epochNow } from './stats';

/** One message the host posted, on node's clock. */
export interface PostRecord {
  readonly seq: number;
  readonly type: HostToWebviewMessage['type'];
  readonly at: number;
  readonly bytes: number;
  readonly messageId?: string;
  /** For deltas: the answer's length once this delta is applied. */
  readonly length?: number;
}

/** A `chat:painted` event, with page times already mapped onto node's clock. */
export interface PaintRecord {
  readonly messageId: string;
  readonly length: number;
  readonly durationMs: number;
  readonly final: boolean;
  readonly rebuilt: boolean;
  /** When the event fired: the DOM has changed, nothing is on screen yet. */
  readonly at: number;
  /** After the frame that shows it (see the probe); undefined if that had not run yet. */
  readonly paintedAt: number | undefined;
}

export interface SnapshotRecord {
  readonly messages: number;
  readonly durationMs: number;
  readonly at: number;
  readonly paintedAt: number | undefined;
}

export interface MainThreadTime {
  readonly task: number;
  readonly script: number;
  readonly style: number;
  readonly layout: number;
}

export function mainThreadSpent(before: MainThreadTime, after: MainThreadTime): MainThreadTime {
  return { task: after.task - before.task, script: after.script - before.script, style: after.style - before.style, layout: after.layout - before.layout };
}

export interface PageRecords {
  /** Page-side arrival of each posted message (by seq), on node's clock. */
  readonly received: ReadonlyMap<number, number>;
  /**
   * After trackNextFrames(): for each message, the first moment after the frame that followed its
   * arrival, i.e. when a change made the instant it arrived would be on screen at the earliest.
   */
  readonly nextFrameAfter: ReadonlyMap<number, number>;
  readonly paints: readonly PaintRecord[];
  readonly snapshots: readonly SnapshotRecord[];
}

/**
 * Runs in the page once the bundle said `ready`. "Painted" is approximated as the first task
 * after the frame that contains the change: paints made inside an animation frame callback
 * (streaming) get a MessageChannel task, which Chromium runs after that frame's style, layout,
 * paint and commit; changes made in a message task (a snapshot, the final paint of an answer)
 * wait for the next frame first (requestAnimationFrame, then a MessageChannel task).
 */
const probeScript = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  const afterTask = (done) => { const c = new MessageChannel(); c.port1.onmessage = () => { c.port1.close(); done(now()); }; c.port2.postMessage(0); };
  const afterNextFrame = (done) => requestAnimationFrame(() => afterTask(done));
  const bench = { received: [], nextFrames: [], paints: [], snapshots: [], trackFrames: false };
  window.__bench = bench;
  bench.deliver = (seq, json) => {
    bench.received.push(seq, now());
    // The display's floor: the earliest a change made on arrival can be on screen.
    if (bench.trackFrames) afterNextFrame((t) => bench.nextFrames.push(seq, t));
    window.dispatchEvent(new MessageEvent('message', { data: JSON.parse(json) }));
  };
  document.addEventListener('chat:painted', (e) => {
    const d = e.detail;
    const record = { messageId: d.messageId, length: d.length, durationMs: d.durationMs, final: d.final, rebuilt: d.rebuilt, at: now(), paintedAt: undefined };
    bench.paints.push(record);
    (d.final ? afterNextFrame : afterTask)((t) => {
      record.paintedAt = t;
      if (d.final) window.__benchEvent(JSON.stringify({ kind: 'finalPainted', messageId: d.messageId }));
    });
  });
  document.addEventListener('chat:snapshot-rendered', (e) => {
    const record = { messages: e.detail.messages, durationMs: e.detail.durationMs, at: now(), paintedAt: undefined };
    bench.snapshots.push(record);
    afterNextFrame((t) => {
      record.paintedAt = t;
      window.__benchEvent(JSON.stringify({ kind: 'snapshotPainted' }));
    });
  });
  const posted = window.__posted;
  const earlier = posted.map((m) => JSON.stringify(m));
  const push = posted.push.bind(posted);
  posted.push = (...items) => { for (const m of items) window.__benchToHost(JSON.stringify(m)); return push(...items); };
  return earlier;
})()`;

/**
 * Hands one host message to the page. The JSON travels as a call argument rather than inside
 * the source of an evaluated expression, so the renderer parses it once (JSON.parse) instead of
 * also compiling a script holding a 20k-character string literal per message.
 */
const deliverFunction = 'function (seq, json) { __bench.deliver(seq, json); }';

/** Chromium, the page server and reusable pages: started once per bench run. */
export class BenchBrowser {
  /** More than one webview at a time (renderCost.ts compares two side by side); made on demand. */
  private readonly extraPages: WebviewPages[] = [];

  private constructor(
    private readonly browser: Browser,
    private readonly server: PageServer,
    private readonly pages: WebviewPages,
  ) {}

  static async start(): Promise<BenchBrowser> {
    const server = await PageServer.start();
    const browser = await launchBrowser();
    return new BenchBrowser(browser, server, await WebviewPages.start(browser, server));
  }

  get version(): string {
    return this.browser.version();
  }

  /**
   * A fresh webview (page reloaded, bundle said `ready`) with a surface to bind to it.
   * `manual` frames run only when the page calls `__runFrames()` (for exact cost measurements).
   * `slot` > 0 uses another page, so several webviews can be open at once.
   */
  async openWebview(frames: FrameMode = 'browser', slot = 0): Promise<WebviewBridge> {
    while (this.extraPages.length < slot) {
      this.extraPages.push(await WebviewPages.start(this.browser, this.server));
    }
    const pages = slot === 0 ? this.pages : (this.extraPages[slot - 1] as WebviewPages);
    const page = await pages.open({ csp: 'production', frames, surface: 'sidebar' });
    const cdp = await page.context.newCDPSession(page.page);
    return WebviewBridge.attach(page, cdp);
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.server.close();
  }
}

export class WebviewBridge implements WebviewSurface {
  readonly visible = true;
  readonly posted: PostRecord[] = [];
  /** page epoch ms − node epoch ms; and the round trip it was measured with. */
  clockOffset = 0;
  clockRoundTrip = Number.NaN;
  private seq = 0;
  private readonly lengths = new Map<string, number>();
  /** What the page reported on screen since the last clearRecords, and who waits for what. */
  private readonly finalPainted = new Set<string>();
  private snapshotsPainted = 0;
  private readonly waiters = new Set<() => void>();
  private readonly listeners = new Set<(message: unknown) => void>();
  private earlier: string[] = [];
  /** The page's `window`, which deliveries are called on. */
  private windowId: string | undefined;

  private constructor(
    private readonly page: ChatPage,
    private readonly cdp: CDPSession,
  ) {}

  static async attach(page: ChatPage, cdp: CDPSession): Promise<WebviewBridge> {
    const bridge = new WebviewBridge(page, cdp);
    cdp.on('Runtime.bindingCalled', (event) => {
      if (event.name === '__benchToHost') {
        bridge.fromWebview(event.payload);
      } else if (event.name === '__benchEvent') {
        bridge.onPageEvent(event.payload);
      }
    });
    await cdp.send('Runtime.addBinding', { name: '__benchToHost' });
    await cdp.send('Runtime.addBinding', { name: '__benchEvent' });
    await cdp.send('Performance.enable');
    bridge.earlier = (await bridge.evaluate(probeScript)) as string[];
    bridge.windowId = (await cdp.send('Runtime.evaluate', { expression: 'window' })).result.objectId;
    await bridge.calibrateClock();
    return bridge;
  }

  // --- WebviewSurface ---

  postMessage(message: HostToWebviewMessage): PromiseLike<boolean> {
    const at = epochNow();
    const seq = ++this.seq;
    const json = JSON.stringify(message);
    let extra: Pick<PostRecord, 'messageId' | 'length'> = {};
    if (message.type === 'delta') {
      const length = (this.lengths.get(message.messageId) ?? 0) + message.text.length;
      this.lengths.set(message.messageId, length);
      extra = { messageId: message.messageId, length };
    } else if (message.type === 'messageAdded') {
      this.lengths.set(message.message.id, message.message.text.length);
      extra = { messageId: message.message.id, length: message.message.text.length };
    }
    this.posted.push({ seq, type: message.type, at, bytes: json.length, ...extra });
    // Not awaited by the binding (it never awaits per chunk); CDP keeps the messages in order.
    return this.cdp
      .send('Runtime.callFunctionOn', { functionDeclaration: deliverFunction, objectId: this.windowId, arguments: [{ value: seq }, { value: json }] })
      .then((result) => result.exceptionDetails === undefined);
  }

  onDidReceiveMessage(listener: (message: unknown) => void): IDisposable {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  }

  onDidChangeVisibility(): IDisposable {
    return toDisposable(() => undefined);
  }

  // --- for the figures ---

  /** Hands the webview's earlier messages (its `ready`) to the listeners bound since attach. */
  start(): void {
    for (const payload of this.earlier.splice(0)) {
      this.fromWebview(payload);
    }
  }

  /** Page errors so far (an exception in the webview would make every figure meaningless). */
  get errors(): readonly string[] {
    return this.page.errors;
  }

  async collect(): Promise<PageRecords> {
    const raw = (await this.evaluate(
      'JSON.stringify({ received: __bench.received, nextFrames: __bench.nextFrames, paints: __bench.paints, snapshots: __bench.snapshots })',
    )) as string;
    const data = JSON.parse(raw) as { received: number[]; nextFrames: number[]; paints: PaintRecord[]; snapshots: SnapshotRecord[] };
    const toNode = (t: number | undefined | null) => (typeof t === 'number' ? t - this.clockOffset : undefined);
    const bySeq = (pairs: number[]) => {
      const times = new Map<number, number>();
      for (let i = 0; i + 1 < pairs.length; i += 2) {
        times.set(pairs[i] as number, (pairs[i + 1] as number) - this.clockOffset);
      }
      return times;
    };
    return {
      received: bySeq(data.received),
      nextFrameAfter: bySeq(data.nextFrames),
      paints: data.paints.map((p) => ({ ...p, at: p.at - this.clockOffset, paintedAt: toNode(p.paintedAt) })),
      snapshots: data.snapshots.map((s) => ({ ...s, at: s.at - this.clockOffset, paintedAt: toNode(s.paintedAt) })),
    };
  }

  /**
   * The renderer main thread's busy time so far, in ms (CDP Performance metrics): all tasks, and
   * the script, style and layout parts of them. Differences between two calls say where a run's
   * time in the webview went.
   */
  async mainThread(): Promise<MainThreadTime> {
    const { metrics } = await this.cdp.send('Performance.getMetrics');
    const seconds = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
    return {
      task: seconds('TaskDuration') * 1000,
      script: seconds('ScriptDuration') * 1000,
      style: seconds('RecalcStyleDuration') * 1000,
      layout: seconds('LayoutDuration') * 1000,
    };
  }

  /**
   * Types a question into the composer and presses Enter as the keyboard does: one CDP key-down
   * event, so the webview's own keydown handler posts `send`. The key-up follows only when
   * `releaseEnter()` is called, so no harness work (Playwright's own key sequence, a key-up
   * handled in the page) coincides with what a figure times after Enter.
   */
  async typeAndPressEnter(text: string): Promise<void> {
    const question = this.page.page.locator('textarea#question');
    await question.fill(text);
    await question.focus();
    await this.cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13, text: '\r', unmodifiedText: '\r' });
  }

  async releaseEnter(): Promise<void> {
    await this.cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 });
  }

  /** Records, for every message from now on, when the frame after its arrival was done. */
  async trackNextFrames(): Promise<void> {
    await this.evaluate('__bench.trackFrames = true');
  }

  /** Forgets what the page and the bridge recorded so far (e.g. after a warm-up). */
  async clearRecords(): Promise<void> {
    this.posted.length = 0;
    this.finalPainted.clear();
    this.snapshotsPainted = 0;
    await this.evaluate('__bench.received.length = 0; __bench.nextFrames.length = 0; __bench.paints.length = 0; __bench.snapshots.length = 0');
  }

  /** Waits until an answer's final paint has reached the screen. */
  waitForFinalPaint(messageId: string, timeoutMs = 30_000): Promise<void> {
    return this.waitForPage(() => this.finalPainted.has(messageId), timeoutMs, `the final paint of ${messageId}`);
  }

  /** Waits until the `count`th snapshot since the last clearRecords is on screen. */
  waitForSnapshotPainted(count: number, timeoutMs = 30_000): Promise<void> {
    return this.waitForPage(() => this.snapshotsPainted >= count, timeoutMs, `snapshot ${count} to be painted`);
  }

  /** Resolves when the page's events make `done` true; bounded, so a broken webview cannot hang the bench. */
  private waitForPage(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (done()) {
          stop();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${this.errors.length ? `; page errors: ${this.errors.join('; ')}` : ''}`));
      }, timeoutMs);
      const stop = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  private onPageEvent(payload: string): void {
    const event = JSON.parse(payload) as { readonly kind: 'finalPainted'; readonly messageId: string } | { readonly kind: 'snapshotPainted' };
    if (event.kind === 'finalPainted') {
      this.finalPainted.add(event.messageId);
    } else {
      this.snapshotsPainted++;
    }
    for (const check of [...this.waiters]) {
      check();
    }
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.page.close();
    await this.cdp.detach().catch(() => undefined);
  }

  private fromWebview(payload: string): void {
    const message: unknown = JSON.parse(payload);
    for (const listener of this.listeners) {
      listener(message);
    }
  }

  /** Calls a page function (source text: the bench's tsconfig has no DOM types) with JSON arguments. */
  async call(functionDeclaration: string, ...args: unknown[]): Promise<unknown> {
    const { result: page } = await this.cdp.send('Runtime.evaluate', { expression: 'window' });
    const result = await this.cdp.send('Runtime.callFunctionOn', {
      functionDeclaration,
      objectId: page.objectId,
      arguments: args.map((value) => ({ value })),
      returnByValue: true,
    });
    if (result.exceptionDetails) {
      throw new Error(`Page call failed: ${result.exceptionDetails.exception?.description ?? result.exceptionDetails.text}`);
    }
    return result.result.value;
  }

  /** Evaluates an expression whose promise the page settles on one of its events (no polling). */
  async until(expression: string): Promise<unknown> {
    const result = await this.cdp.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (result.exceptionDetails) {
      throw new Error(`Page evaluation failed: ${result.exceptionDetails.exception?.description ?? result.exceptionDetails.text}`);
    }
    return result.result.value;
  }

  private async evaluate(expression: string): Promise<unknown> {
    const result = await this.cdp.send('Runtime.evaluate', { expression, returnByValue: true });
    if (result.exceptionDetails) {
      throw new Error(`Page evaluation failed: ${result.exceptionDetails.exception?.description ?? result.exceptionDetails.text}`);
    }
    return result.result.value;
  }

  /** The round trip with the smallest delay bounds the offset best (±half of it). */
  private async calibrateClock(samples = 30): Promise<void> {
    let best = { roundTrip: Number.POSITIVE_INFINITY, offset: 0 };
    for (let i = 0; i < samples; i++) {
      const sent = epochNow();
      const pageNow = (await this.evaluate('performance.timeOrigin + performance.now()')) as number;
      const back = epochNow();
      if (back - sent < best.roundTrip) {
        best = { roundTrip: back - sent, offset: pageNow - (sent + back) / 2 };
      }
    }
    this.clockOffset = best.offset;
    this.clockRoundTrip = best.roundTrip;
  }
}
