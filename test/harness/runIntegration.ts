// Runs the extension's mocha suite (out/test/integration/index.js) inside a real VS Code, offline:
// VS Code 1.139's server on Node 24 with the extension loaded from the repository
// (extensionDevelopmentPath), its web workbench in Debian's Chromium, the stand-ins in this
// process. Prints `integration: N passed, N failed`; exits non-zero when anything failed.
// With VSCODE_SERVER=min the same suite runs in VS Code 1.138, the engines.vscode minimum, and
// the line starts with `integration-min:` (test/run-all.sh's integration-min layer).
//
//   node out/test/harness/runIntegration.js [--suite default|restricted] [--grep TEXT]
//        [--timeout SECONDS] [--extension-development-path DIR]
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, newPage } from './browser';
import { packageFixture } from './fixtureVsix';
import { packageMsAuthStandIn } from './msAuthStandIn';
import { integrationLayer, logsRoot, repoRoot } from './paths';
import { startStandIns, type StandIns } from './standIns';
import { REPORT_LINE_PREFIX, type SuiteResult } from './suiteResult';
import { VSCodeServer } from './vscodeServer';

interface Suite {
  readonly name: 'default' | 'restricted';
  /** The fixture workspace the window opens. */
  readonly folder: string;
  /** Workspace trust on: the folder opens in Restricted Mode. */
  readonly workspaceTrust: boolean;
}

const workspaces = path.join(repoRoot, 'test', 'fixtures', 'workspaces');
const SUITES: readonly Suite[] = [
  { name: 'default', folder: path.join(workspaces, 'basic'), workspaceTrust: false },
  { name: 'restricted', folder: path.join(workspaces, 'untrusted'), workspaceTrust: true },
];

interface Options {
  suites: Suite[];
  grep?: string;
  timeoutMs: number;
  extensionDevelopmentPath: string;
}

interface Outcome {
  readonly suite: string;
  readonly passed: number;
  readonly failed: number;
  /** Why the run itself failed (timeout, crash), beyond failing tests. */
  readonly problem?: string;
  readonly logDir: string;
}

const testsDir = path.join(repoRoot, 'out', 'test', 'integration');

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const indexJs = path.join(testsDir, 'index.js');
  if (!fs.existsSync(indexJs)) {
    throw new Error(`${indexJs} is missing: build first (node esbuild.mjs)`);
  }
  const started = Date.now();
  // The stand-in Microsoft sign-in, and another extension that uses our language models.
  const vsixes = [packageMsAuthStandIn(), packageFixture('lm-consumer')];
  const standIns = await startStandIns();
  const browser = await launchChromium();
  const outcomes: Outcome[] = [];
  try {
    for (const suite of options.suites) {
      outcomes.push(await runSuite(suite, options, standIns, browser, vsixes, indexJs));
    }
  } finally {
    await browser.close();
    await standIns.close();
  }
  const passed = outcomes.reduce((n, o) => n + o.passed, 0);
  const failed = outcomes.reduce((n, o) => n + o.failed + (o.problem ? 1 : 0), 0);
  for (const outcome of outcomes.filter((o) => o.problem || o.failed)) {
    console.log(`${integrationLayer} (${outcome.suite}): ${outcome.problem ?? `${outcome.failed} failed`}; VS Code logs: ${outcome.logDir}`);
  }
  console.log(`${integrationLayer}: ${passed} passed, ${failed} failed (${seconds(Date.now() - started)})`);
  return failed === 0 ? 0 : 1;
}

async function runSuite(
  suite: Suite,
  options: Options,
  standIns: StandIns,
  browser: Browser,
  vsixes: readonly string[],
  indexJs: string,
): Promise<Outcome> {
  const label = `${integrationLayer}-${suite.name}`;
  const resultFile = path.join(logsRoot, label, 'results.json');
  const serverStart = Date.now();
  const server = await VSCodeServer.start({
    label,
    settings: standIns.settings,
    env: standIns.env({
      INTEGRATION_SUITE: suite.name,
      INTEGRATION_RESULT_FILE: resultFile,
      INTEGRATION_GREP: options.grep,
    }),
    extensions: vsixes,
    workspaceTrust: suite.workspaceTrust,
  });
  const serverMs = Date.now() - serverStart;
  const logDir = server.logDir;
  const page = await newPage(browser, path.join(logDir, 'browser.log'));
  const workbenchLog = fs.createWriteStream(path.join(logDir, 'workbench.log'));
  let problem: string | undefined;
  try {
    const exited = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number, logs?: Array<{ relativePath: string; contents: string }>) => {
        saveWorkbenchLogs(logDir, logs);
        resolve(code);
      });
    });
    // The workbench's log, which in a test run includes the extension host's console.
    await page.exposeFunction('codeAutomationLog', (level: string, message: unknown) => {
      const text = String(message);
      workbenchLog.write(`[${level}] ${text}\n`);
      if (text.startsWith(REPORT_LINE_PREFIX)) {
        process.stdout.write(`${text.slice(REPORT_LINE_PREFIX.length)}\n`);
      }
    });
    const payload: Array<[string, string]> = [
      ['extensionDevelopmentPath', server.remoteUri(options.extensionDevelopmentPath)],
      ['extensionTestsPath', server.remoteUri(indexJs)],
      ['skipWelcome', 'true'],
    ];
    const suiteStart = Date.now();
    await page.goto(server.workbenchUrl(suite.folder, payload));
    const code = await Promise.race([exited, delay(options.timeoutMs).then(() => 'timeout' as const)]);
    const suiteMs = Date.now() - suiteStart;
    console.log(
      `${integrationLayer} (${suite.name}): VS Code server ready in ${seconds(serverMs)}, workbench and suite took ${seconds(suiteMs)}`,
    );
    if (code === 'timeout') {
      const running = readResult(resultFile)?.running;
      problem = running
        ? `timed out after ${options.timeoutMs / 1000} s; still running: "${running}"`
        : `timed out after ${options.timeoutMs / 1000} s waiting for the suite (did the extension host start?)`;
    } else if (code !== 0 && !readResult(resultFile)?.finished) {
      problem = `VS Code ended the test run with code ${code} before the suite reported (the test module failed to load or the extension host crashed)`;
    }
    if (problem || code !== 0) {
      await page.screenshot({ path: path.join(logDir, 'failure.png') }).catch(() => undefined);
    }
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
    await page.screenshot({ path: path.join(logDir, 'failure.png') }).catch(() => undefined);
  } finally {
    workbenchLog.end();
    await page.context().close();
    await server.stop();
  }
  const result = readResult(resultFile);
  return { suite: suite.name, passed: result?.passed ?? 0, failed: result?.failed ?? 0, problem, logDir };
}

function saveWorkbenchLogs(logDir: string, logs: Array<{ relativePath: string; contents: string }> = []): void {
  for (const { relativePath, contents } of logs) {
    const file = path.join(logDir, 'workbench', relativePath);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, contents);
  }
}

function readResult(file: string): SuiteResult | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SuiteResult;
  } catch {
    return undefined;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    suites: SUITES.filter((s) => s.name === 'default' || hasRestrictedTests()),
    timeoutMs: 300_000,
    extensionDevelopmentPath: repoRoot,
  };
  for (let i = 0; i < argv.length; i++) {
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) {
        throw new Error(`${argv[i - 1]} needs a value`);
      }
      return next;
    };
    switch (argv[i]) {
      case '--suite': {
        const name = value();
        options.suites = SUITES.filter((s) => s.name === name);
        break;
      }
      case '--grep':
        options.grep = value();
        break;
      case '--timeout':
        options.timeoutMs = Number(value()) * 1000;
        break;
      case '--extension-development-path':
        options.extensionDevelopmentPath = path.resolve(value());
        break;
      default:
        throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return options;
}

function hasRestrictedTests(): boolean {
  return fs.readdirSync(testsDir, { recursive: true, encoding: 'utf8' }).some((f) => f.endsWith('.restricted.test.js'));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`${integrationLayer}: ${error instanceof Error ? error.message : String(error)}`);
    console.log(`${integrationLayer}: 0 passed, 1 failed`);
    process.exit(1);
  },
);
