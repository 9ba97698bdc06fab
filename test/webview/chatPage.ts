/**
 * Drives the real webview bundle (dist/webview.js + media/chat.css) in Debian's Chromium, the way
 * VS Code hosts it: a page with #chat-root, the production CSP (or none, to prove the renderer
 * alone is safe), a stub `acquireVsCodeApi` that records what the webview posts, and host
 * messages delivered as `message` events on window.
 */
import { readFileSync, statSync, readdirSync, existsSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Browser, BrowserContext, Dialog, Page } from 'playwright-core';
import type { HostToWebviewMessage, WebviewToHostMessage } from '../../src/common/protocol';
import { webviewStringsAttribute } from '../../src/common/webviewStrings';
import { buildChatHtml } from '../../src/webviewHost/webviewHtml';
import { launchChromium } from '../harness/browser';

export const repoRoot = findRepoRoot(__dirname);
const bundlePath = path.join(repoRoot, 'dist', 'webview.js');
const cssPath = path.join(repoRoot, 'media', 'chat.css');

/** `production` mirrors the host's CSP; `none` has no CSP, so only the renderer stands in the way. */
export type CspMode = 'production' | 'none';
/** `manual`: animation frames run only when the test calls `runFrames`, for exact measurements. */
export type FrameMode = 'browser' | 'manual';

export interface PageOptions {
  readonly csp?: CspMode;
  readonly frames?: FrameMode;
  readonly width?: number;
  readonly height?: number;
  readonly surface?: 'panel' | 'sidebar';
  /** A strings table the host would put in the initial state (`data-strings`), and the page's language. */
  readonly strings?: Readonly<Record<string, string>>;
  readonly lang?: string;
}

const nonce = 'dGVzdC1ub25jZQ';

/**
 * What page functions touch. The test tsconfig has Node's types and not the DOM's, so functions
 * passed to page.evaluate cast `globalThis` to this instead.
 */
export interface PageElement {
  readonly tagName: string;
  readonly textContent: string | null;
  readonly outerHTML: string;
  readonly innerHTML: string;
  readonly children: ArrayLike<PageElement>;
  readonly dataset: Record<string, string | undefined>;
  readonly offsetTop: number;
  scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  readonly scrollWidth: number;
  readonly clientWidth: number;
  readonly hidden: boolean;
  value: string;
  getAttribute(name: string): string | null;
  getAttributeNames(): string[];
  querySelector(selectors: string): PageElement | null;
  querySelectorAll(selectors: string): ArrayLike<PageElement>;
  closest(selectors: string): PageElement | null;
  dispatchEvent(event: unknown): boolean;
  focus(): void;
  [expando: string]: unknown;
}

export interface PaintedDetail {
  readonly messageId: string;
  readonly length: number;
  readonly durationMs: number;
  readonly final: boolean;
  readonly rebuilt: boolean;
}

export interface PageGlobals {
  readonly document: {
    readonly body: PageElement;
    readonly hidden: boolean;
    querySelector(selectors: string): PageElement | null;
    querySelectorAll(selectors: string): ArrayLike<PageElement>;
  };
  readonly MessageEvent: new (type: string, init: { data: unknown }) => unknown;
  readonly Event: new (type: string, init?: { bubbles?: boolean }) => unknown;
  readonly KeyboardEvent: new (type: string, init: Record<string, unknown>) => unknown;
  readonly performance: { now(): number };
  readonly sessionStorage: { getItem(key: string): string | null };
  dispatchEvent(event: unknown): boolean;
  requestAnimationFrame(callback: () => void): number;
  getComputedStyle(element: PageElement): Record<string, string>;
  readonly __posted: WebviewToHostMessage[];
  readonly __forbidden: string[];
  readonly __violations: string[];
  readonly __painted: PaintedDetail[];
  readonly __lastPainted: Record<string, PaintedDetail | undefined>;
  readonly __snapshots: { messages: number; durationMs: number }[];
  readonly __runFrames: () => void;
  readonly __pwned?: unknown;
}

/** Dark Modern-like colours, set the way VS Code sets them: CSS variables on <html>. */
export const darkTheme: Readonly<Record<string, string>> = {
  'font-family': 'system-ui, "Segoe UI", Ubuntu, "Droid Sans", sans-serif',
  'font-size': '13px',
  'font-weight': 'normal',
  'editor-font-family': '"DejaVu Sans Mono", "Droid Sans Mono", monospace',
  'editor-font-size': '12.5px',
  foreground: '#cccccc',
  descriptionForeground: '#9d9d9d',
  errorForeground: '#f85149',
  'editor-background': '#1f1f1f',
  'editor-foreground': '#cccccc',
  'sideBar-background': '#181818',
  'input-background': '#313131',
  'input-foreground': '#cccccc',
  'input-border': '#3c3c3c',
  'input-placeholderForeground': '#989898',
  focusBorder: '#0078d4',
  'button-background': '#0078d4',
  'button-foreground': '#ffffff',
  'button-hoverBackground': '#026ec1',
  'button-border': 'rgba(255, 255, 255, 0.07)',
  'button-secondaryBackground': '#313131',
  'button-secondaryForeground': '#cccccc',
  'button-secondaryHoverBackground': '#3c3c3c',
  'textCodeBlock-background': '#2b2b2b',
  'textLink-foreground': '#4daafc',
  'textLink-activeForeground': '#4daafc',
  'textPreformat-foreground': '#d0d0d0',
  'textBlockQuote-background': '#2b2b2b',
  'textBlockQuote-border': '#616161',
  'widget-border': '#313131',
  'widget-shadow': 'rgba(0, 0, 0, 0.36)',
  'badge-background': '#616161',
  'badge-foreground': '#f8f8f8',
  'toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)',
  'icon-foreground': '#cccccc',
  'inputValidation-errorBackground': '#5a1d1d',
  'inputValidation-errorBorder': '#be1100',
  'inputValidation-warningBackground': '#352a05',
  'inputValidation-warningBorder': '#b89500',
  'charts-blue': '#3794ff',
  'charts-purple': '#b180d7',
  'charts-green': '#89d185',
  'testing-iconPassed': '#73c991',
  'editorWarning-foreground': '#cca700',
  'chat-requestBackground': 'rgba(255, 255, 255, 0.03)',
  'editorWidget-background': '#202020',
  'scrollbarSlider-background': 'rgba(121, 121, 121, 0.4)',
};

/** Runs in the page before the bundle: the VS Code API stand-in and the tripwires. */
function stubScript(frames: FrameMode): string {
  return `(() => {
  const posted = [];
  window.__posted = posted;
  // VS Code keeps a webview's state across reloads of that webview only: one key per instance.
  const stateKey = 'vscode-state-' + new URLSearchParams(location.search).get('instance');
  window.acquireVsCodeApi = () => ({
    postMessage: (message) => posted.push(JSON.parse(JSON.stringify(message))),
    getState: () => { const s = sessionStorage.getItem(stateKey); return s ? JSON.parse(s) : undefined; },
    setState: (state) => sessionStorage.setItem(stateKey, JSON.stringify(state)),
  });
  const theme = ${JSON.stringify(darkTheme)};
  for (const [name, value] of Object.entries(theme)) {
    document.documentElement.style.setProperty('--vscode-' + name, value);
  }
  document.body.classList.add('vscode-dark');
  document.body.style.background = 'var(--vscode-sideBar-background)';

  // Every element of these kinds ever attached under #chat-root, even if removed right after.
  const forbidden = 'img,iframe,frame,script,svg,object,embed,video,audio,source,link,style,meta,base,form,input,math,template';
  window.__forbidden = [];
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        for (const el of [node, ...node.querySelectorAll(forbidden)]) {
          if (el.matches(forbidden)) window.__forbidden.push(el.outerHTML.slice(0, 200));
        }
      }
    }
  }).observe(document.getElementById('chat-root'), { childList: true, subtree: true });
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));

  window.__painted = [];
  window.__lastPainted = {};
  document.addEventListener('chat:painted', (e) => { window.__painted.push(e.detail); window.__lastPainted[e.detail.messageId] = e.detail; });
  window.__snapshots = [];
  document.addEventListener('chat:snapshot-rendered', (e) => window.__snapshots.push(e.detail));

  if (${JSON.stringify(frames)} === 'manual') {
    let next = 1;
    const queue = new Map();
    window.requestAnimationFrame = (callback) => { queue.set(next, callback); return next++; };
    window.cancelAnimationFrame = (id) => { queue.delete(id); };
    window.__runFrames = () => {
      const callbacks = [...queue.values()];
      queue.clear();
      for (const callback of callbacks) callback(performance.now());
    };
  }
})();`;
}

/**
 * The host's own document (buildChatHtml, so a weakened CSP there shows here too), with the
 * stub VS Code API inserted before the bundle; `csp: none` removes the policy to prove the
 * renderer safe on its own.
 */
function pageHtml(origin: string, options: PageOptions): string {
  const production = buildChatHtml({
    cspSource: origin,
    scriptUri: `${origin}/dist/webview.js`,
    styleUri: `${origin}/media/chat.css`,
    surface: options.surface ?? 'sidebar',
    nonce,
  });
  const bundleTag = `<script nonce="${nonce}" src=`;
  const localized = production
    .replace('<html lang="en">', `<html lang="${escapeAttribute(options.lang ?? 'en')}">`)
    .replace('<div id="chat-root" ', options.strings ? `<div id="chat-root" ${webviewStringsAttribute}="${escapeAttribute(JSON.stringify(options.strings))}" ` : '<div id="chat-root" ');
  const withStub = localized.replace(bundleTag, `<script nonce="${nonce}">${stubScript(options.frames ?? 'browser')}</script>\n${bundleTag}`);
  return options.csp === 'none' ? withStub.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n?/, '') : withStub;
}

/** Serves the test page and the two files the host would serve from the extension. */
export class PageServer {
  private constructor(
    private readonly server: http.Server,
    readonly origin: string,
    private readonly localized: Map<string, Pick<PageOptions, 'strings' | 'lang'>>,
  ) {}

  static async start(): Promise<PageServer> {
    assertBundleIsFresh();
    const localized = new Map<string, Pick<PageOptions, 'strings' | 'lang'>>();
    const server = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const origin = `http://${request.headers.host ?? ''}`;
      if (url.pathname === '/chat.html') {
        const options: PageOptions = {
          csp: url.searchParams.get('csp') === 'none' ? 'none' : 'production',
          frames: url.searchParams.get('frames') === 'manual' ? 'manual' : 'browser',
          surface: url.searchParams.get('surface') === 'panel' ? 'panel' : 'sidebar',
          ...localized.get(url.searchParams.get('instance') ?? ''),
        };
        response.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          // Cross-origin isolation gives performance.now() microsecond resolution for the cost tests.
          'cross-origin-opener-policy': 'same-origin',
          'cross-origin-embedder-policy': 'require-corp',
        });
        response.end(pageHtml(origin, options));
      } else if (url.pathname === '/dist/webview.js') {
        response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        response.end(readFileSync(bundlePath));
      } else if (url.pathname === '/media/chat.css') {
        response.writeHead(200, { 'content-type': 'text/css; charset=utf-8' });
        response.end(readFileSync(cssPath));
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new PageServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, localized);
  }

  private instances = 0;

  /** A new webview instance each call: its own saved state, kept across reloads of the page. */
  url(options: PageOptions): string {
    const { csp = 'production', frames = 'browser', surface = 'sidebar' } = options;
    const instance = String(++this.instances);
    // Too long for a URL: the page's strings wait here for the request that names the instance.
    if (options.strings || options.lang) {
      this.localized.set(instance, { ...(options.strings ? { strings: options.strings } : {}), ...(options.lang ? { lang: options.lang } : {}) });
    }
    return `${this.origin}/chat.html?csp=${csp}&frames=${frames}&surface=${surface}&instance=${instance}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback "attacker" server: any request reaching it means the webview leaked. */
export class LeakServer {
  private constructor(
    private readonly server: http.Server,
    readonly origin: string,
    readonly requests: readonly string[],
  ) {}

  static async start(): Promise<LeakServer> {
    const requests: string[] = [];
    const server = http.createServer((request, response) => {
      requests.push(`${request.method ?? ''} ${request.url ?? ''}`);
      response.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new LeakServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Debian's Chromium with the same quiet flags the VS Code harness uses. */
export function launchBrowser(): Promise<Browser> {
  return launchChromium();
}

/**
 * One browser page reused by every test: opening a page costs a renderer process (a second or
 * more on a busy machine), navigating an existing one much less. Each `open` starts a fresh
 * webview instance, with no saved state.
 */
export class ChatSession {
  private constructor(
    readonly context: BrowserContext,
    private readonly page: Page,
    private readonly server: PageServer,
  ) {}

  static async start(browser: Browser, server: PageServer): Promise<ChatSession> {
    const context = await browser.newContext({ colorScheme: 'dark' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    return new ChatSession(context, await context.newPage(), server);
  }

  async open(options: PageOptions = {}): Promise<ChatPage> {
    await this.page.setViewportSize({ width: options.width ?? 480, height: options.height ?? 720 });
    const chat = new ChatPage(this.context, this.page);
    await this.page.goto(this.server.url(options));
    await this.page.waitForFunction(() => (globalThis as unknown as PageGlobals).__posted.length > 0, undefined, { polling: 20 });
    return chat;
  }
}

/** One webview instance; `close` detaches the test's listeners (the page is reused). */
export class ChatPage {
  readonly errors: string[] = [];
  readonly dialogs: string[] = [];
  private readonly onError = (error: Error) => this.errors.push(String(error));
  private readonly onDialog = (dialog: Dialog) => {
    this.dialogs.push(dialog.message());
    void dialog.dismiss();
  };

  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('pageerror', this.onError);
    page.on('dialog', this.onDialog);
  }

  /** Delivers host messages synchronously, in order, in one task (as a burst from the host). */
  async send(...messages: readonly unknown[]): Promise<void> {
    await this.page.evaluate((list) => {
      const page = globalThis as unknown as PageGlobals;
      for (const data of list) {
        page.dispatchEvent(new page.MessageEvent('message', { data }));
      }
    }, messages as unknown[]);
  }

  async sendHost(...messages: readonly HostToWebviewMessage[]): Promise<void> {
    await this.send(...messages);
  }

  posted(): Promise<WebviewToHostMessage[]> {
    return this.page.evaluate(() => (globalThis as unknown as PageGlobals).__posted.slice());
  }

  async clearPosted(): Promise<void> {
    await this.page.evaluate(() => {
      (globalThis as unknown as PageGlobals).__posted.length = 0;
    });
  }

  /** Waits until an answer's paint covers at least `length` characters. */
  async waitForPainted(messageId: string, length: number): Promise<void> {
    await this.page.waitForFunction(
      ([id, minimum]) => {
        const last = (globalThis as unknown as PageGlobals).__lastPainted[id];
        return last !== undefined && last.length >= minimum;
      },
      [messageId, length] as const,
      // Interval polling: pages with manual frames never run the default requestAnimationFrame polling.
      { polling: 20 },
    );
  }

  /** Runs queued animation frames (pages opened with `frames: 'manual'`). */
  async runFrames(): Promise<void> {
    await this.page.evaluate(() => (globalThis as unknown as PageGlobals).__runFrames());
  }

  close(): void {
    this.page.off('pageerror', this.onError);
    this.page.off('dialog', this.onDialog);
  }
}

export function connectionReady(label = 'Signed in as ada@contoso.com via VS Code', deployment = 'gpt-4o') {
  return { state: 'ready', label, deployment } as const;
}

type Snapshot = Extract<HostToWebviewMessage, { type: 'snapshot' }>;

export function snapshot(
  messages: Snapshot['messages'] = [],
  options: { busy?: boolean; connection?: Snapshot['connection'] } = {},
): Snapshot {
  return { type: 'snapshot', messages, connection: options.connection ?? connectionReady(), busy: options.busy ?? false };
}

/** The tests run the bundle the build produced; a stale one would test old code. */
function assertBundleIsFresh(): void {
  if (!existsSync(bundlePath)) {
    throw new Error(`${bundlePath} is missing: run "node esbuild.mjs" (or npm run build) first.`);
  }
  const built = statSync(bundlePath).mtimeMs;
  const sources = [
    ...readdirSync(path.join(repoRoot, 'webview'))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => path.join(repoRoot, 'webview', name)),
    path.join(repoRoot, 'src', 'common', 'protocol.ts'),
  ];
  const newer = sources.filter((file) => statSync(file).mtimeMs > built);
  if (newer.length > 0) {
    throw new Error(`dist/webview.js is older than ${newer.map((f) => path.relative(repoRoot, f)).join(', ')}: rebuild it.`);
  }
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'webview'))) {
      return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`no repository root above ${start}`);
    }
  }
}
