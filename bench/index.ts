/**
 * `npm run bench`: the figures of issue 5, each printed beside its target with PASS or MISS.
 *
 * The machines this runs on are small and noisy, so every figure is measured side by side with
 * its baseline in the same run (and repeated where it is cheap); absolute times are context.
 * It is not a test: a missed target is printed, not failed. The exit status is non-zero only
 * when the bench itself broke (a figure threw), so a broken measurement is never a silent PASS.
 *
 * Everything talks to 127.0.0.1 only: the Azure OpenAI stand-in, a managed identity stand-in
 * that every @azure/identity in this process and its children is pointed at, a fake `az`
 * first on PATH, and Chromium loading the webview from a loopback page server.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { ManagedIdentityStandIn } from '../test/standin/managedIdentityStandIn';
import { applyToProcessEnv, isolatedAzureEnvironment } from '../test/standin/testEnvironment';
import { repoRoot } from '../test/webview/chatPage';
import type { BenchContext } from './context';
import { measureConversation } from './conversation';
import { measureConversations } from './conversations';
import { snapshotBuild } from './buildSnapshot';
import { BenchStandIn } from './hostStack';
import { measureLatency } from './latency';
import { measureLinkifyCost } from './linkifyCost';
import { measureFlatCost } from './renderCost';
import { measureFirstToken } from './firstToken';
import { measureSecretScan } from './secretScanRepo';
import { type FigureResult, printFigure, printSection, printTable, writeResults } from './report';
import { measureStartup } from './startup';
import { measureSoak, measureStoreScale } from './storeScale';
import { measureThroughput } from './throughput';
import { measureTokens } from './tokens';
import { measureTools } from './tools';
import { BenchBrowser } from './webviewBridge';
import { measureNativeChat } from './workbench/nativeChatFigure';
import { measureSideBar } from './workbench/sideBarFigure';
import { WorkbenchSession } from './workbench/workbenchSession';

/** The whole run must end by itself even if something hangs. */
const watchdogMs = 15 * 60_000;

interface Figure {
  readonly title: string;
  /** Names the rows it produces, so an error still shows in the table. */
  readonly rows: readonly string[];
  readonly run: (ctx: BenchContext) => Promise<FigureResult[]>;
}

const figures: readonly Figure[] = [
  { title: '1. Added latency (stand-in write → painted in Chromium)', rows: ['1. added latency'], run: measureLatency },
  { title: '2. Throughput (100k-character answer, raw SDK vs painted in Chromium; chat completions and Responses)', rows: ['2. throughput', '2. throughput (Responses)'], run: measureThroughput },
  { title: '2. Flat cost (render cost per chunk, last 10% vs first 10%)', rows: ['2. flat cost'], run: measureFlatCost },
  { title: '3. Long conversation (500 restored messages)', rows: ['3. 500 messages to first paint'], run: measureConversation },
  { title: '4. Activation and size', rows: ['4. activation and size'], run: measureStartup },
  { title: '5. Tokens (50 requests within a token lifetime)', rows: ['5. tokens'], run: measureTokens },
  // Issue 9, item 7: bare URLs found in linear time (before/after in the same run).
  { title: '6. Linkify (URL runs and minified JSON, N and 4N characters)', rows: ['6. linkify'], run: measureLinkifyCost },
  {
    title: '7. Conversations (switch to 500 messages, history of 1,000, search)',
    rows: ['7. switch to 500 messages', '7. history of 1,000 opens', '7. history search'],
    run: measureConversations,
  },
  // Issue 18, item 9: Enter → first token painted beside the raw SDK's first byte, both wire APIs.
  {
    title: '10. Time to first token (Enter → first token painted vs raw SDK first byte; host stack + webview in Chromium)',
    rows: ['10. first token, chat completions', '10. first token, Responses', '10. first token, chat completions, 100 ms think time', '10. first token, Responses, 100 ms think time'],
    run: measureFirstToken,
  },
  // Issue 21: the secret scan over this repository's own files (false positives).
  { title: '11. Secret scan over the tracked files', rows: ['11. secret scan false positives (repository files)'], run: measureSecretScan },
  // Issue 20: the tool loop's own host time per step, and a conversation of 200 tool calls opening.
  {
    title: '12. Tools (host time per tool step over a 20-step loop; a 200-tool-call conversation opens)',
    rows: ['12. host time per tool step p95', '12. 200-tool-call conversation opens'],
    run: measureTools,
  },
  // In the real workbench (VS Code 1.139's server and web workbench, offline).
  { title: '8. In the workbench (100k answer in the side bar vs raw SDK)', rows: ['8. workbench side bar'], run: measureSideBar },
  { title: '9. VS Code chat view beside ours (10k and 100k answers)', rows: ['9. VS Code chat view'], run: measureNativeChat },
  // Issue 19: the store at scale (AOAI_BENCH_STORE_MB, default 1024) and the two-window soak.
  {
    title: '12. Conversations at scale (10,000 conversations, 1 GB of journals; host side)',
    rows: ['12. open the history', '12. search all text', '12. heap after opening the history', '12. switch to 500 messages'],
    run: measureStoreScale,
  },
  { title: '13. Soak (two windows, 1,000 questions, faults, deletes, renames, a kill)', rows: ['13. soak: lost, doubled or out of order'], run: measureSoak },
];

async function main(): Promise<number> {
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${watchdogMs / 60_000} minutes; giving up`);
    process.exit(2);
  }, watchdogMs);
  watchdog.unref();

  const started = Date.now();
  // Whatever started is stopped again, even when a later start fails, so the process can exit.
  const cleanup: (() => Promise<void> | void)[] = [];
  const results: FigureResult[] = [];
  let broken = false;
  let machine: Record<string, unknown> = {};
  try {
    const build = snapshotBuild(repoRoot);
    cleanup.push(() => build.dispose());
    if (!build.production) {
      console.log('WARNING: dist/ holds a development build; sizes and activation are only meaningful after `npm run bench` (it builds with --production)');
    }
    const managedIdentity = await ManagedIdentityStandIn.start({ mode: 'ok' });
    cleanup.push(() => managedIdentity.close());
    const restoreEnv = applyToProcessEnv(isolatedAzureEnvironment({ managedIdentityHost: managedIdentity.endpoint }));
    cleanup.push(restoreEnv);
    const standIn = await BenchStandIn.start();
    cleanup.push(() => standIn.close());
    const browser = await BenchBrowser.start();
    cleanup.push(() => browser.close());
    machine = {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
      node: process.version,
      chromium: browser.version,
      platform: `${os.platform()} ${os.release()}`,
    };
    console.log(`Azure OpenAI Chat benchmark: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${machine.memoryGiB} GiB, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log(`Node ${process.version}, Chromium ${browser.version}; stand-in ${standIn.server.endpoint}`);

    // `node out/bench/index.js 1 3` runs only figures 1 and 3 (for working on one of them).
    const only = process.argv.slice(2);
    const selected = figures.filter((figure) => only.length === 0 || only.some((n) => figure.title.startsWith(`${n}.`)));
    let workbench: Promise<WorkbenchSession> | undefined;
    const startWorkbench = () => {
      if (!workbench) {
        workbench = WorkbenchSession.start(repoRoot);
        cleanup.push(() => workbench?.then((session) => session.close()).catch(() => undefined));
      }
      return workbench;
    };
    for (const figure of selected) {
      const lines: string[] = [];
      const ctx: BenchContext = { standIn, browser, managedIdentity, repoRoot, build, workbench: startWorkbench, log: (line) => lines.push(line) };
      const figureStarted = Date.now();
      let figureResults: FigureResult[];
      try {
        figureResults = await figure.run(ctx);
      } catch (error) {
        broken = true;
        lines.push(`ERROR: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        figureResults = figure.rows.map((row) => ({ figure: row, measured: 'error', target: '', verdict: 'ERROR', value: Number.NaN, limit: Number.NaN }));
      }
      printSection(`${figure.title}  [${((Date.now() - figureStarted) / 1000).toFixed(1)} s]`, lines);
      figureResults.forEach(printFigure);
      results.push(...figureResults);
    }
  } finally {
    for (const step of cleanup.reverse()) {
      await Promise.resolve()
        .then(step)
        .catch((error: unknown) => console.error(`bench: cleanup failed: ${String(error)}`));
    }
  }

  printTable(results);
  const file = path.join(repoRoot, 'out', 'bench', 'results.json');
  writeResults(file, results, { ...machine, durationSeconds: Math.round((Date.now() - started) / 1000) });
  console.log(`\n${results.filter((r) => r.verdict === 'PASS').length}/${results.filter((r) => r.verdict !== 'INFO').length} targets met in ${Math.round((Date.now() - started) / 1000)} s; written to ${path.relative(repoRoot, file)}`);
  return broken ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('bench: crashed:', error);
    process.exitCode = 1;
  },
);
