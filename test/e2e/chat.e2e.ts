// End to end, as a user would: the product VSIX installed into a real VS Code (1.139's server and
// web workbench, offline), driven in Debian's Chromium through the workbench UI. The stand-ins
// play Azure OpenAI and Microsoft sign-in; no other credential exists, so the first run starts
// signed out. Screenshots of every step go to test/e2e/artifacts/.
//
//   node out/test/e2e/chat.e2e.js [--vsix dist/azure-openai-chat.vsix] [--step-timeout SECONDS]
//
// Prints `e2e: N passed, N failed`; a failed step stops the run (later steps need its state).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { defaultAnswer } from '../standin/scenario';
import { VSCODE_APP_ID } from '../standin/tokens';
import { launchChromium, newPage } from '../harness/browser';
import { packageMsAuthStandIn } from '../harness/msAuthStandIn';
import { repoRoot } from '../harness/paths';
import { startStandIns, type StandIns } from '../harness/standIns';
import { VSCodeServer } from '../harness/vscodeServer';

const artifacts = path.join(repoRoot, 'test', 'e2e', 'artifacts');
const workspace = path.join(repoRoot, 'test', 'fixtures', 'workspaces', 'basic');
const CHAT_COMMAND = 'Chat with Azure OpenAI';
const ACCOUNT = 'ada@contoso.test';

interface Options {
  vsix: string;
  stepTimeoutMs: number;
}

/** What the steps share. */
interface World {
  readonly page: Page;
  readonly standIns: StandIns;
  readonly timeoutMs: number;
  panel?: Frame;
  sidebar?: Frame;
}

interface Step {
  readonly name: string;
  run(world: World): Promise<void>;
}

const STEPS: readonly Step[] = [
  {
    name: 'the command palette opens the chat panel, signed out',
    async run(world) {
      await world.page.locator('.monaco-workbench').waitFor({ timeout: world.timeoutMs });
      await runCommandFromPalette(world, CHAT_COMMAND);
      world.panel = await waitForChatFrame(world);
      await world.panel.locator('#connection[data-state="signedOut"]').waitFor({ timeout: world.timeoutMs });
      await world.panel.locator('#sign-in').waitFor({ timeout: world.timeoutMs });
      await screenshot(world.page, '01-chat-panel-signed-out');
    },
  },
  {
    name: 'Sign in with Microsoft asks for consent, then the header names the account',
    async run(world) {
      const panel = required(world.panel);
      await panel.locator('#sign-in').click();
      const dialog = world.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: world.timeoutMs });
      const message = await dialog.innerText();
      assert(/wants to sign in using Microsoft \(stand-in\)/.test(message), `unexpected dialog: ${message}`);
      await screenshot(world.page, '02-consent-dialog');
      await dialog.getByRole('button', { name: 'Allow' }).click();
      const header = panel.locator('#connection[data-state="ready"]');
      await header.waitFor({ timeout: world.timeoutMs });
      await waitFor(async () => (await header.innerText()).includes(`Signed in as ${ACCOUNT} via VS Code`), world.timeoutMs,
        async () => `header says: ${await header.innerText()}`);
      await screenshot(world.page, '03-signed-in');
    },
  },
  {
    name: 'a question gets a streamed answer, sent with the VS Code token',
    async run(world) {
      const panel = required(world.panel);
      const question = 'What does the stand-in say?';
      const answer = await ask(panel, question);
      await waitForStatus(answer, 'done', world.timeoutMs);
      const text = await answer.innerText();
      assert(text.includes(`You asked: ${question}`), `unexpected answer: ${text}`);
      const request = world.standIns.aoai.requests.at(-1);
      assert(request?.auth === 'bearer', `the stand-in saw auth ${request?.auth}, expected a bearer token`);
      assert(request.token?.appid === VSCODE_APP_ID, `the token came from ${request.token?.appid}, not VS Code's sign-in`);
      await screenshot(world.page, '04-answer');
    },
  },
  {
    name: 'Stop ends a slow answer mid-stream and keeps the partial text',
    async run(world) {
      const panel = required(world.panel);
      const question = 'Tell me something slow, please.';
      const answer = await ask(panel, question);
      await waitFor(async () => (await answer.getAttribute('data-status')) === 'streaming' && (await answer.innerText()).trim().length > 0,
        world.timeoutMs, async () => `answer status ${await answer.getAttribute('data-status')}`);
      await panel.locator('#stop').click();
      await waitForStatus(answer, 'stopped', world.timeoutMs);
      // What the stand-in would have sent in full (test/standin/scenario.ts).
      const full = oneLine(defaultAnswer([{ role: 'user', content: question }], world.standIns.deployment).chunks.join(''));
      const partial = oneLine((await answer.innerText()).replace(/\s*Stopped\s*$/, ''));
      assert(partial.length > 0, 'the partial answer is gone');
      assert(full.startsWith(partial), `the kept text is not the start of the answer: ${partial}`);
      assert(partial.length < full.length, 'the answer ran to its end although Stop was pressed');
      const request = world.standIns.aoai.requests.at(-1);
      assert(request, 'the stand-in saw no request');
      await Promise.race([request.completed, delay(5_000)]);
      assert(request.closedEarly, 'Stop did not close the HTTP request');
      await screenshot(world.page, '05-stopped');
    },
  },
  {
    name: 'the sidebar chat shows the same conversation',
    async run(world) {
      const panel = required(world.panel);
      const questions = await panel.locator('.message.user').allInnerTexts();
      await world.page.locator('.activitybar').getByRole('tab', { name: /Azure OpenAI/ }).click();
      const sidebar = await waitForChatFrame(world, panel);
      world.sidebar = sidebar;
      await waitFor(async () => (await sidebar.locator('.message.user').count()) === questions.length, world.timeoutMs,
        async () => `the sidebar shows ${await sidebar.locator('.message.user').count()} of ${questions.length} questions`);
      assert(JSON.stringify(await sidebar.locator('.message.user').allInnerTexts()) === JSON.stringify(questions),
        'the sidebar shows other questions than the panel');
      await screenshot(world.page, '06-sidebar');
    },
  },
  // Models (issue 10): one chat, three model generations, only the deployment changed.
  {
    name: 'the gpt-4o-mini answer came over v1 chat completions and shows its usage',
    async run(world) {
      const panel = required(world.panel);
      const chat = world.standIns.aoai.requests.find((request) => request.status === 200 && request.deployment === 'gpt-4o-mini');
      assert(chat?.path === '/openai/v1/chat/completions', `gpt-4o-mini was asked at ${chat?.path}`);
      const usage = panel.locator('.message.assistant .usage').first();
      await usage.waitFor({ timeout: world.timeoutMs });
      assert(/^Tokens: [\d,]+ in · [\d,]+ out$/.test(await usage.innerText()), `usage reads: ${await usage.innerText()}`);
      assert(!(await panel.locator('#reasoning-effort').isVisible()), 'gpt-4o-mini offers a reasoning effort');
    },
  },
  ...['gpt-5-mini', 'gpt-5-codex'].map(
    (deployment, index): Step => ({
      name: `the same chat answers on ${deployment}: Thinking shows collapsed and opens, usage counts reasoning`,
      async run(world) {
        const panel = await useDeployment(world, deployment);
        const answer = await ask(panel, `Which model answers? (${deployment})`);
        await waitForStatus(answer, 'done', world.timeoutMs);
        const request = world.standIns.aoai.requests.at(-1);
        assert(request?.path === '/openai/v1/responses' && request.deployment === deployment, `asked ${request?.deployment} at ${request?.path}`);
        const thinking = answer.locator('details.reasoning');
        await thinking.waitFor({ timeout: world.timeoutMs });
        assert((await thinking.getAttribute('open')) === null, 'the Thinking section is not collapsed');
        await thinking.locator('summary').click();
        await waitFor(async () => (await thinking.getAttribute('open')) !== null, world.timeoutMs, async () => 'Thinking did not open');
        assert(/Reading the question/.test(await thinking.innerText()), `Thinking shows: ${await thinking.innerText()}`);
        await screenshot(world.page, `${String(7 + index).padStart(2, '0')}-thinking-${deployment}`);
        await thinking.locator('summary').click();
        await waitFor(async () => (await thinking.getAttribute('open')) === null, world.timeoutMs, async () => 'Thinking did not collapse');
        assert(!(await answer.locator('.message-body').innerText()).includes('Reading the question'), 'the summary leaked into the answer');
        const usage = await answer.locator('.usage').innerText();
        assert(/reasoning$/.test(usage), `usage reads: ${usage}`);
        const effort = panel.locator('#reasoning-effort');
        assert(await effort.isVisible(), `${deployment} offers no reasoning effort`);
        await effort.selectOption('high');
        const next = await ask(panel, 'Think hard about it.');
        await waitForStatus(next, 'done', world.timeoutMs);
        const body = world.standIns.aoai.requests.at(-1)?.body as { reasoning?: { effort?: string } } | undefined;
        assert(body?.reasoning?.effort === 'high', `sent effort ${JSON.stringify(body?.reasoning)}`);
      },
    }),
  ),
  {
    name: 'a conversation longer than the context window keeps answering, and shows where sending starts',
    async run(world) {
      const panel = await useDeployment(world, 'gpt-4o-mini-small');
      await runCommandFromPalette(world, 'Azure OpenAI: New Chat');
      await waitFor(async () => (await panel.locator('.message').count()) === 0, world.timeoutMs, async () => 'New chat left messages');
      const paragraph = 'Azure OpenAI streams answers token by token into the chat in VS Code. '.repeat(12);
      for (let i = 1; i <= 4; i++) {
        const answer = await ask(panel, `Question ${i}: ${paragraph}`);
        await waitForStatus(answer, 'done', world.timeoutMs);
      }
      const marker = panel.locator('#sending-starts');
      await marker.waitFor({ timeout: world.timeoutMs });
      const fill = await panel.locator('#context-fill').innerText();
      assert(/^Context \d+%$/.test(fill), `context fill reads: ${fill}`);
      await screenshot(world.page, '09-trimmed');
    },
  },
];

/**
 * Changes the deployment in the Settings editor, as a user would, and returns the sidebar chat
 * (it stays in view while the Settings editor takes the editor area) once its header shows it.
 */
async function useDeployment(world: World, deployment: string): Promise<Frame> {
  const { page } = world;
  const chat = required(world.sidebar);
  await runCommandFromPalette(world, 'Preferences: Open User Settings');
  const editor = page.locator('.settings-editor');
  await editor.waitFor({ timeout: world.timeoutMs });
  // The editor keeps its last search: replace it.
  await page.keyboard.press('Control+A');
  await page.keyboard.type('azureOpenAIChat.deployment');
  await editor.getByText('1 Setting Found').waitFor({ timeout: world.timeoutMs });
  const input = editor.locator('.setting-item-contents input').first();
  await input.waitFor({ timeout: world.timeoutMs });
  await input.fill(deployment);
  await input.press('Tab');
  await waitFor(async () => (await input.inputValue()) === deployment, world.timeoutMs, async () => `the setting reads ${await input.inputValue()}`);
  await screenshot(page, `settings-${deployment}`);
  // The editor writes the value after a short debounce: wait until the chat saw it, then close.
  const shown = chat.locator('#connection .connection-deployment');
  await waitFor(async () => (await shown.innerText().catch(() => '')) === deployment, world.timeoutMs, async () => `the header shows ${await shown.innerText()}`);
  // VS Code 1.139 shows Settings as a modal editor: close it so the chat takes clicks again.
  const modal = page.locator('.monaco-modal-editor-block');
  await waitFor(async () => {
    if ((await modal.count()) === 0 && (await editor.count()) === 0) {
      return true;
    }
    await page.keyboard.press('Escape');
    return false;
  }, world.timeoutMs, async () => 'the Settings editor did not close');
  return chat;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(options.vsix)) {
    throw new Error(`${options.vsix} is missing: run npm run package first`);
  }
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  const started = Date.now();
  const standIns = await startStandIns({ msAuthMode: 'signedOut' });
  // Models: beside the default gpt-4o-mini, a gpt-5-mini, a gpt-5-codex, and a gpt-4o-mini whose
  // context window is small enough for a short conversation to outgrow it.
  standIns.aoai.configure({
    deployments: [
      standIns.deployment,
      { name: 'gpt-5-mini', model: 'gpt-5-mini-2025-08-07' },
      { name: 'gpt-5-codex', model: 'gpt-5-codex-2025-09-15' },
      { name: 'gpt-4o-mini-small', model: 'gpt-4o-mini-2024-07-18', contextWindow: 1500 },
    ],
  });
  // Nothing but the Microsoft sign-in may yield a credential, so the chat starts signed out.
  standIns.managedIdentity.mode = 'unavailable';
  let server: VSCodeServer | undefined;
  let passed = 0;
  let failed = 0;
  const browser = await launchChromium();
  try {
    server = await VSCodeServer.start({
      label: 'e2e',
      settings: standIns.settings,
      env: standIns.env({ FAKE_AZ_MODE: 'loggedOut' }),
      extensions: [options.vsix, packageMsAuthStandIn()],
      testDriver: false,
    });
    const page = await newPage(browser, path.join(server.logDir, 'browser.log'));
    await page.goto(server.workbenchUrl(workspace));
    const world: World = { page, standIns, timeoutMs: options.stepTimeoutMs };
    for (const [index, step] of STEPS.entries()) {
      const stepStart = Date.now();
      try {
        await step.run(world);
        passed++;
        console.log(`  ✔ ${step.name} (${seconds(Date.now() - stepStart)})`);
      } catch (error) {
        failed++;
        console.log(`  ✖ ${step.name}\n      ${error instanceof Error ? error.message : String(error)}`);
        await screenshot(page, `failure-${String(index + 1).padStart(2, '0')}`).catch(() => undefined);
        const notRun = STEPS.length - index - 1;
        if (notRun > 0) {
          console.log(`  (${notRun} later step(s) not run: they need this one)`);
        }
        console.log(`e2e: screenshots in ${artifacts}; VS Code logs in ${server.logDir}`);
        break;
      }
    }
    await page.context().close();
  } finally {
    await browser.close();
    await server?.stop();
    await standIns.close();
  }
  console.log(`e2e: ${passed} passed, ${failed} failed (${seconds(Date.now() - started)})`);
  return failed === 0 && passed === STEPS.length ? 0 : 1;
}

/** Control+Shift+P (F1 does not reach the palette in headless Chromium), the title, Enter. */
async function runCommandFromPalette(world: World, title: string): Promise<void> {
  const { page } = world;
  const deadline = Date.now() + world.timeoutMs;
  // Right after load the palette may not list the extension's commands yet: reopen it until it does.
  for (;;) {
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: world.timeoutMs });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ timeout: 3_000 });
      await row.click();
      return;
    } catch (error) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) {
        throw new Error(`"${title}" never showed up in the command palette`, { cause: error });
      }
    }
  }
}

/** The inner frame of a webview that renders the chat (#chat-root), other than `except`. */
async function waitForChatFrame(world: World, except?: Frame): Promise<Frame> {
  let found: Frame | undefined;
  await waitFor(async () => {
    for (const frame of world.page.frames()) {
      if (frame !== except && !frame.isDetached() && (await frame.locator('#chat-root').count().catch(() => 0)) > 0) {
        found = frame;
        return true;
      }
    }
    return false;
  }, world.timeoutMs, async () => 'no webview frame with #chat-root appeared');
  return required(found);
}

/** Types a question, presses Enter, and returns the answer it started. */
async function ask(frame: Frame, question: string): Promise<Locator> {
  const answers = frame.locator('.message.assistant');
  const before = await answers.count();
  await frame.locator('textarea#question').fill(question);
  await frame.locator('textarea#question').press('Enter');
  const answer = answers.nth(before);
  await answer.waitFor({ timeout: 10_000 });
  return answer;
}

async function waitForStatus(answer: Locator, status: string, timeoutMs: number): Promise<void> {
  await waitFor(async () => (await answer.getAttribute('data-status')) === status, timeoutMs,
    async () => `the answer's status is ${await answer.getAttribute('data-status')}, expected ${status}: ${await answer.innerText()}`);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, describe: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`after ${timeoutMs / 1000} s: ${await describe()}`);
    }
    await delay(200);
  }
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`) });
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) {
    throw new Error(message);
  }
}

function required<T>(value: T | undefined): T {
  assert(value !== undefined, 'an earlier step did not leave what this step needs');
  return value;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
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
