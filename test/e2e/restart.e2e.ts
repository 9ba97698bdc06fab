// End to end, issue 23: the chat goes on when its extension host restarts, without a window
// reload. The VSIX in the real workbench (VS Code 1.139's server and web workbench, offline),
// signed in through the loopback managed identity so the sign-in survives a new extension host.
// The host is ended mid-answer three ways (the web workbench has no Developer: Restart Extension
// Host; it restarts a remote host that ended, twice in five minutes, then asks): killed with the
// chat in the editor panel, ended with SIGTERM with the chat in the side bar, and a host that
// first stops answering (SIGSTOP) and then dies, restarted from VS Code's notification.
//
//   node out/test/e2e/restart.e2e.js [--vsix dist/azure-openai-chat.vsix] [--step-timeout SECONDS]
//
// Prints `e2e: N passed, N failed`; a failed step stops the run (later steps need its state).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { defaultAnswer } from '../standin/scenario';
import { copyFixtureWorkspace } from '../harness/workspaceCopy';
import { launchChromium, newPage } from '../harness/browser';
import { repoRoot } from '../harness/paths';
import { startStandIns, type StandIns } from '../harness/standIns';
import { VSCodeServer } from '../harness/vscodeServer';
import {
  answerTextIncluding,
  ask,
  assert,
  clickNotificationButton,
  type Driver,
  type JourneyResult,
  type JourneyStep,
  journeySummary,
  required,
  runCommandFromPalette,
  runJourney,
  screenshot,
  waitFor,
  waitForStatus,
} from './workbenchDriver';

const artifacts = path.join(repoRoot, 'test', 'e2e', 'artifacts', 'restart');
const workspace = copyFixtureWorkspace('basic');
const SLOW = 'Tell me something slow, please.';

interface World extends Driver {
  page: Driver['page'];
  readonly standIns: StandIns;
  readonly server: VSCodeServer;
}

type Surface = 'panel' | 'sidebar';

const STEPS: readonly JourneyStep<World>[] = [
  {
    name: 'the chat panel opens signed in and answers',
    async run(world) {
      await world.page.locator('.monaco-workbench').waitFor({ timeout: world.timeoutMs });
      await runCommandFromPalette(world, 'Chat with Azure OpenAI');
      const panel = await chatOf(world, 'panel');
      await panel.locator('#connection[data-state="ready"]').waitFor({ timeout: world.timeoutMs });
      const answer = await ask(panel, 'Are you there?');
      await waitForStatus(answer, 'done', world.timeoutMs);
      await screenshot(world, '01-panel');
    },
  },
  {
    name: 'the extension host is killed mid-answer and VS Code restarts it: the panel marks the answer interrupted, and Stop, the history and the next question work',
    async run(world) {
      await interruptAndGoOn(world, 'panel', async () => {
        process.kill(extensionHostPid(world.server), 'SIGKILL');
      });
      await screenshot(world, '02-panel-after-crash');
    },
  },
  {
    name: 'the same in the side bar, with a host that ends on SIGTERM',
    async run(world) {
      await world.page.locator('.activitybar').getByRole('tab', { name: /Azure OpenAI/ }).click();
      const sidebar = await chatOf(world, 'sidebar');
      await sidebar.locator('#connection[data-state="ready"]').waitFor({ timeout: world.timeoutMs });
      await interruptAndGoOn(world, 'sidebar', async () => {
        process.kill(extensionHostPid(world.server), 'SIGTERM');
      });
      await screenshot(world, '03-sidebar-after-crash');
    },
  },
  {
    name: 'a host that stops answering: the panel says so and marks the answer interrupted; it goes on once the host is back, after Restart Remote Extension Host',
    async run(world) {
      const host = extensionHostPid(world.server);
      await interruptAndGoOn(world, 'panel', async () => {
        process.kill(host, 'SIGSTOP');
        try {
          // Still the old webview: nothing on the host side answers it any more.
          const panel = await chatOf(world, 'panel');
          await panel.locator('#host-status').waitFor({ state: 'visible', timeout: world.timeoutMs });
          const answer = panel.locator('.message.assistant').last();
          await waitForStatus(answer, 'stopped', world.timeoutMs);
          assert(/interrupted/i.test(await answer.locator('.problem').innerText()), 'the answer is not marked interrupted');
          assert(!(await panel.locator('#stop').isVisible()), 'Stop still shows while nothing can stop the answer');
          await screenshot(world, '04-host-stopped');
        } finally {
          process.kill(host, 'SIGKILL');
        }
        // The third crash in five minutes: VS Code asks before restarting the host again.
        await clickNotificationButton(world, /terminated unexpectedly/i, 'Restart Remote Extension Host');
      });
      await screenshot(world, '05-after-restart');
    },
  },
  {
    // A reload revives the panel through the serializer; it must not be taken for one left behind.
    name: 'after a window reload the panel is revived, and not taken for one left behind',
    async run(world) {
      const before = await chatOf(world, 'panel');
      const questions = await before.locator('.message.user .message-body').allInnerTexts();
      const context = world.page.context();
      await world.page.close({ runBeforeUnload: true });
      world.page = await context.newPage();
      await world.page.goto(world.server.workbenchUrl(workspace));
      await world.page.locator('.monaco-workbench').waitFor({ timeout: world.timeoutMs });
      const panel = await chatOf(world, 'panel');
      await waitFor(async () => JSON.stringify(await panel.locator('.message.user .message-body').allInnerTexts()) === JSON.stringify(questions),
        world.timeoutMs, async () => `the revived panel shows ${JSON.stringify(await panel.locator('.message.user .message-body').allInnerTexts())}`);
      // Longer than a left-behind panel is given before it is replaced; a replaced one's frame goes.
      await delay(5_000);
      assert(!panel.isDetached() && (await chatOf(world, 'panel')) === panel, 'the revived panel was replaced');
      const answer = await ask(panel, 'And after the reload?');
      await waitForStatus(answer, 'done', world.timeoutMs);
      await screenshot(world, '06-after-reload');
    },
  },
];

/**
 * Asks for a slow answer in `surface`, ends the host with `end` while it streams, and checks that
 * the chat of that surface (the same webview or the one VS Code or the new host puts in its
 * place) shows the partial answer as interrupted, offers no Stop, opens the history, and answers
 * the next question.
 */
async function interruptAndGoOn(world: World, surface: Surface, end: () => Promise<void>): Promise<void> {
  const before = await chatOf(world, surface);
  const answer = await ask(before, SLOW);
  await waitFor(async () => (await answer.getAttribute('data-status')) === 'streaming' && (await answer.innerText()).trim().length > 0,
    world.timeoutMs, async () => `answer status ${await answer.getAttribute('data-status')}`);
  const questions = await before.locator('.message.user .message-body').allInnerTexts();
  await end();
  // The chat on screen shows the conversation as the store kept it: the partial answer interrupted.
  let chat: Frame | undefined;
  let seen = '';
  await waitFor(async () => {
    chat = await chatOf(world, surface, 1_000).catch(() => undefined);
    if (!chat) {
      seen = 'no chat webview';
      return false;
    }
    const last = chat.locator('.message.assistant').last();
    const status = await last.getAttribute('data-status', { timeout: 500 }).catch(() => null);
    const problem = await last.locator('.problem').innerText({ timeout: 500 }).catch(() => '');
    const shown = await chat.locator('.message.user .message-body').allInnerTexts().catch(() => []);
    const stopVisible = await chat.locator('#stop').isVisible().catch(() => true);
    const reconnecting = await chat.locator('#host-status').isVisible().catch(() => false);
    seen = `status ${status}, problem "${problem}", Stop ${stopVisible ? 'shown' : 'hidden'}, reconnecting ${reconnecting}, questions ${JSON.stringify(shown)}`;
    return status === 'stopped' && /interrupted/i.test(problem) && !stopVisible && !reconnecting && JSON.stringify(shown) === JSON.stringify(questions);
  }, world.timeoutMs * 2, async () => `the ${surface} chat did not come back: ${seen}`);
  const recovered = required(chat);
  // What arrived before the host ended (the store keeps it), the start of what the stand-in sends.
  const full = oneLine(defaultAnswer([{ role: 'user', content: SLOW }], world.standIns.deployment).chunks.join(''));
  const partial = oneLine(await recovered.locator('.message.assistant').last().locator('.message-body').innerText());
  assert(partial.length > 0 && full.startsWith(partial), `the partial answer is gone: ${partial}`);
  // The history lists the conversation.
  await recovered.locator('#show-history').click();
  await recovered.locator('#history-list .history-item').first().waitFor({ timeout: world.timeoutMs });
  await recovered.locator('#history .history-close').click();
  await recovered.locator('#history').waitFor({ state: 'hidden', timeout: world.timeoutMs });
  // The next question is sent and answered, and Stop works on it.
  const next = `After the restart (${surface}), are you there?`;
  const answered = await ask(recovered, next);
  await waitForStatus(answered, 'done', world.timeoutMs);
  await answerTextIncluding(answered, `You asked: ${next}`, world.timeoutMs);
  const stopped = await ask(recovered, SLOW);
  await waitFor(async () => (await stopped.getAttribute('data-status')) === 'streaming' && (await stopped.innerText()).trim().length > 0,
    world.timeoutMs, async () => `answer status ${await stopped.getAttribute('data-status')}`);
  await recovered.locator('#stop').click();
  await waitForStatus(stopped, 'stopped', world.timeoutMs);
}

/** The chat webview of one surface (`data-surface` on #chat-root), the newest if two are loaded. */
async function chatOf(world: World, surface: Surface, timeoutMs = world.timeoutMs): Promise<Frame> {
  let found: Frame | undefined;
  await waitFor(async () => {
    found = undefined;
    for (const frame of world.page.frames()) {
      if (!frame.isDetached() && (await frame.locator(`#chat-root[data-surface="${surface}"]`).count().catch(() => 0)) > 0) {
        found = frame;
      }
    }
    return found !== undefined;
  }, timeoutMs, async () => `no ${surface} chat webview`);
  return required(found);
}

/** The one extension host process of the server's process group (one window is open). */
function extensionHostPid(server: VSCodeServer): number {
  const group = required(server.pid);
  const table = execFileSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' });
  const hosts = table
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null && Number(match[2]) === group && /--type=extensionHost/.test(match[3] ?? ''))
    .map((match) => Number(match[1]));
  assert(hosts.length === 1, `expected one extension host in process group ${group}, found ${hosts.length}`);
  return required(hosts[0]);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

interface Options {
  vsix: string;
  stepTimeoutMs: number;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(options.vsix)) {
    throw new Error(`${options.vsix} is missing: run npm run package first`);
  }
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  const started = Date.now();
  // Managed identity (the loopback stand-in) signs the chat in with no dialog, in every host.
  const standIns = await startStandIns({ msAuthMode: 'signedOut' });
  let server: VSCodeServer | undefined;
  let result: JourneyResult = { passed: 0, failed: 1, notRun: STEPS.length - 1 };
  const browser = await launchChromium();
  try {
    server = await VSCodeServer.start({
      label: 'e2e-restart',
      settings: standIns.settings,
      env: standIns.env({ FAKE_AZ_MODE: 'loggedOut' }),
      extensions: [options.vsix],
      testDriver: false,
    });
    const page = await newPage(browser, path.join(server.logDir, 'browser.log'));
    await page.goto(server.workbenchUrl(workspace));
    const world: World = { page, standIns, server, timeoutMs: options.stepTimeoutMs, artifacts };
    result = await runJourney(STEPS, world, server.logDir);
    await world.page.context().close();
  } finally {
    await browser.close();
    await server?.stop();
    await standIns.close();
  }
  console.log(journeySummary(result, started));
  return result.passed === STEPS.length ? 0 : 1;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { vsix: path.join(repoRoot, 'dist', 'azure-openai-chat.vsix'), stepTimeoutMs: 30_000 };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (value === undefined) {
      throw new Error(`${argv[i]} needs a value`);
    }
    if (argv[i] === '--vsix') {
      options.vsix = path.resolve(value);
    } else if (argv[i] === '--step-timeout') {
      options.stepTimeoutMs = Number(value) * 1000;
    } else {
      throw new Error(`unknown argument ${argv[i]}`);
    }
    i++;
  }
  return options;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`e2e: ${error instanceof Error ? error.message : String(error)}`);
    console.log('e2e: 0 passed, 1 failed');
    process.exit(1);
  },
);
