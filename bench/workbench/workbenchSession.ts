/**
 * The real workbench for figures 8 and 9: VS Code 1.139's own server (the offline harness in
 * test/harness) with this repository's production build and the bench-only chat participant
 * (bench/native-chat-participant) loaded as development extensions, its web workbench in Debian's
 * Chromium at 1400×900, and the harness stand-ins (Azure OpenAI, Microsoft sign-in signed in,
 * managed identity). Everything is loopback; the page refuses any other host.
 *
 * One session serves both figures, so the side bar, VS Code's own chat view and the raw SDK take
 * turns in the same workbench, extension host and machine state.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium, newPage } from '../../test/harness/browser';
import { packageFixture } from '../../test/harness/fixtureVsix';
import { packageMsAuthStandIn } from '../../test/harness/msAuthStandIn';
import { startStandIns, type StandIns } from '../../test/harness/standIns';
import { VSCodeServer } from '../../test/harness/vscodeServer';
import { runCommandFromPalette } from '../../test/e2e/workbenchDriver';
import type { ChunkWrittenHook } from '../hostStack';

function packageNativeParticipant(repoRoot: string): string {
  const dir = path.join(repoRoot, 'bench', 'native-chat-participant');
  return packageFixture('native-chat-bench-participant', dir);
}

export class WorkbenchSession {
  private constructor(
    readonly standIns: StandIns,
    readonly server: VSCodeServer,
    private readonly browser: Browser,
    readonly page: Page,
    private readonly hook: { current?: ChunkWrittenHook },
    /** Where the bench participant writes what it timed inside the extension host. */
    private readonly resultsFile: string,
  ) {}

  static async start(repoRoot: string): Promise<WorkbenchSession> {
    const hook: { current?: ChunkWrittenHook } = {};
    const resultsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-workbench-')), 'extension-host.jsonl');
    fs.writeFileSync(resultsFile, '');
    const standIns = await startStandIns({
      msAuthMode: 'signedIn',
      aoai: { onChunkWritten: (index, text, timeMs) => hook.current?.(index, text, timeMs) },
    });
    let server: VSCodeServer | undefined;
    let browser: Browser | undefined;
    try {
      server = await VSCodeServer.start({
        label: 'bench-workbench',
        settings: {
          ...standIns.settings,
          // VS Code's own chat view needs its AI features on (the quiet test settings turn them
          // off); on is also what users have by default, for both figures.
          'chat.disableAIFeatures': false,
        },
        env: standIns.env({ AOAI_BENCH_OPENAI_MODULE: require.resolve('openai', { paths: [repoRoot] }), AOAI_BENCH_RESULTS_FILE: resultsFile }),
        extensions: [packageMsAuthStandIn(), packageNativeParticipant(repoRoot)],
      });
      browser = await launchChromium();
      const page = await newPage(browser, path.join(server.logDir, 'browser.log'));
      // The workbench loads one development extension (a second payload entry is ignored), so this
      // repository's build is that one and the bench participant is installed as a VSIX.
      const payload = [['extensionDevelopmentPath', server.remoteUri(repoRoot)]] as const;
      // Generous: on a busy machine the workbench's first load has taken over 30 s.
      await page.goto(server.workbenchUrl(path.join(repoRoot, 'test', 'fixtures', 'workspaces', 'basic'), payload), { timeout: 180_000 });
      await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
      return new WorkbenchSession(standIns, server, browser, page, hook, resultsFile);
    } catch (error) {
      await browser?.close();
      await server?.stop();
      await standIns.close();
      throw error;
    }
  }

  set onChunkWritten(hook: ChunkWrittenHook | undefined) {
    this.hook.current = hook;
  }

  private sideBar: Frame | undefined;

  /** Opens our chat in the side bar once (clicking its tab again would close it) and waits until it is signed in. */
  async openSideBarChat(timeoutMs = 60_000): Promise<Frame> {
    if (this.sideBar && !this.sideBar.isDetached()) {
      return this.sideBar;
    }
    await this.page.locator('.activitybar').getByRole('tab', { name: /Azure OpenAI/ }).click();
    const frame = await this.waitForFrame((f) => f.locator('#chat-root').count(), timeoutMs);
    await frame.locator('#connection[data-state="ready"]').waitFor({ timeout: timeoutMs });
    this.sideBar = frame;
    return frame;
  }

  /** Runs a command by its title from the palette, as the E2E journeys do. */
  async runCommand(title: string, timeoutMs = 60_000): Promise<void> {
    await runCommandFromPalette({ page: this.page, timeoutMs }, title);
  }

  /**
   * The raw SDK consuming the next queued answer inside the extension host (the bench
   * participant's command), timed there: request → last delta, in ms.
   */
  async rawInExtensionHost(expectedChars: number, timeoutMs = 120_000): Promise<number> {
    const before = fs.readFileSync(this.resultsFile, 'utf8').length;
    await this.runCommand("Stream the stand-in's answer with the raw SDK in the extension host");
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = fs.readFileSync(this.resultsFile, 'utf8').slice(before).split('\n')[0];
      if (line) {
        const { elapsedMs, received } = JSON.parse(line) as { elapsedMs: number; received: number };
        if (received !== expectedChars) {
          throw new Error(`the raw SDK in the extension host received ${received} characters, expected ${expectedChars}`);
        }
        return elapsedMs;
      }
      if (Date.now() > deadline) {
        throw new Error(`the extension host did not report its raw stream within ${timeoutMs / 1000} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async waitForFrame(hasIt: (frame: Frame) => Promise<number>, timeoutMs: number): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const frame of this.page.frames()) {
        if (!frame.isDetached() && (await hasIt(frame).catch(() => 0)) > 0) {
          return frame;
        }
      }
      if (Date.now() > deadline) {
        throw new Error(`no such frame within ${timeoutMs / 1000} s; logs in ${this.server.logDir}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async screenshot(file: string): Promise<void> {
    await this.page.screenshot({ path: file });
  }

  async close(): Promise<void> {
    await this.page.context().close().catch(() => undefined);
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
    await this.standIns.close();
    fs.rmSync(path.dirname(this.resultsFile), { recursive: true, force: true });
  }
}
