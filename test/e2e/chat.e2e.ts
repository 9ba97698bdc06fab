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
import type { Frame, Page } from 'playwright-core';
import { defaultAnswer } from '../standin/scenario';
import { VSCODE_APP_ID } from '../standin/tokens';
import { copyFixtureWorkspace } from '../harness/workspaceCopy';
import { launchChromium, newPage } from '../harness/browser';
import { packageMsAuthStandIn } from '../harness/msAuthStandIn';
import { repoRoot } from '../harness/paths';
import { startStandIns, type StandIns } from '../harness/standIns';
import { VSCodeServer } from '../harness/vscodeServer';
import {
  answerTextIncluding,
  ask,
  assert,
  type JourneyResult,
  type JourneyStep,
  journeySummary,
  required,
  runCommandFromPalette,
  runJourney,
  screenshot,
  waitFor,
  waitForChatFrame,
  waitForStatus,
} from './workbenchDriver';

const artifacts = path.join(repoRoot, 'test', 'e2e', 'artifacts');
const workspace = copyFixtureWorkspace('basic');
const CHAT_COMMAND = 'Chat with Azure OpenAI';
const ACCOUNT = 'ada@contoso.test';

interface Options {
  vsix: string;
  stepTimeoutMs: number;
}

/** What the steps share. */
interface World {
  page: Page;
  /** Closes the window and opens the workspace again in a new one (a reload, with fresh webviews). */
  readonly reopen: () => Promise<Page>;
  readonly standIns: StandIns;
  readonly timeoutMs: number;
  readonly artifacts: string;
  panel?: Frame;
  sidebar?: Frame;
  /** The questions of the first conversation, as the panel showed them. */
  firstQuestions?: string[];
}

const STEPS: readonly JourneyStep<World>[] = [
  {
    name: 'the command palette opens the chat panel, signed out',
    async run(world) {
      await world.page.locator('.monaco-workbench').waitFor({ timeout: world.timeoutMs });
      await runCommandFromPalette(world, CHAT_COMMAND);
      world.panel = await waitForChatFrame(world);
      await world.panel.locator('#connection[data-state="signedOut"]').waitFor({ timeout: world.timeoutMs });
      await world.panel.locator('#sign-in').waitFor({ timeout: world.timeoutMs });
      await screenshot(world, '01-chat-panel-signed-out');
    },
  },
  {
    // Ask first, then sign in (issue 9): the question that met the sign-in card is answered
    // once the sign-in from that card worked, without being typed again, and the card is gone.
    name: 'a question asked signed out is answered after Sign in with Microsoft from its card and Allow',
    async run(world) {
      const panel = required(world.panel);
      const question = 'Asked before signing in?';
      const failed = await ask(panel, question);
      await waitForStatus(failed, 'error', world.timeoutMs);
      const card = failed.locator('.problem');
      const title = await card.locator('.problem-title').innerText();
      assert(title.includes('Sign in to chat with Azure OpenAI'), `unexpected card: ${title}`);
      await screenshot(world, '02-sign-in-card');
      await card.locator('button[data-action="signIn"]').click();
      const dialog = world.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: world.timeoutMs });
      const message = await dialog.innerText();
      assert(/wants to sign in using Microsoft \(stand-in\)/.test(message), `unexpected dialog: ${message}`);
      await screenshot(world, '03-consent-dialog');
      await dialog.getByRole('button', { name: 'Allow' }).click();
      const header = panel.locator('#connection[data-state="ready"]');
      await header.waitFor({ timeout: world.timeoutMs });
      await waitFor(async () => (await header.innerText()).includes(`Signed in as ${ACCOUNT} via VS Code`), world.timeoutMs,
        async () => `header says: ${await header.innerText()}`);
      const answered = panel.locator('.message.assistant[data-status="done"]');
      await waitFor(async () => (await answered.count()) === 1, world.timeoutMs,
        async () => `answers: ${JSON.stringify(await panel.locator('.message.assistant').evaluateAll((els) => els.map((el) => el.getAttribute('data-status'))))}`);
      await answerTextIncluding(answered, `You asked: ${question}`, world.timeoutMs);
      assert((await panel.locator('.message.user').count()) === 1, 'the question was asked twice');
      assert((await panel.locator('.message .problem').count()) === 0, 'the sign-in card is still there');
      const asked = world.standIns.aoai.requests.filter((r) => JSON.stringify(r.body).includes(question));
      assert(asked.length === 1 && asked[0]?.auth === 'bearer', `the stand-in saw the question ${asked.length} time(s)`);
      await screenshot(world, '04-signed-in-and-answered');
    },
  },
  {
    name: 'a question gets a streamed answer, sent with the VS Code token',
    async run(world) {
      const panel = required(world.panel);
      const question = 'What does the stand-in say?';
      const answer = await ask(panel, question);
      await waitForStatus(answer, 'done', world.timeoutMs);
      await answerTextIncluding(answer, `You asked: ${question}`, world.timeoutMs);
      const request = world.standIns.aoai.requests.at(-1);
      assert(request?.auth === 'bearer', `the stand-in saw auth ${request?.auth}, expected a bearer token`);
      assert(request.token?.appid === VSCODE_APP_ID, `the token came from ${request.token?.appid}, not VS Code's sign-in`);
      await screenshot(world, '05-answer');
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
      await screenshot(world, '06-stopped');
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
      world.sidebar = sidebar;
      world.firstQuestions = questions;
      await screenshot(world, '07-sidebar');
    },
  },
  // Conversations (issue 12).
  {
    name: 'New Chat in the side bar keeps the old conversation, and the history switches between them',
    async run(world) {
      const sidebar = required(world.sidebar);
      const panel = required(world.panel);
      // The panel is the view used last (its History opened and closed); the side bar's own New
      // Chat button still acts on the side bar (it once emptied the panel instead).
      await panel.locator('#show-history').click();
      await panel.locator('#history .history-close').click();
      await panel.locator('#history').waitFor({ state: 'hidden', timeout: world.timeoutMs });
      await world.page.locator('.part.sidebar').getByRole('button', { name: /^New Chat/ }).click();
      await waitFor(async () => (await sidebar.locator('.message').count()) === 0, world.timeoutMs, async () => 'New Chat did not empty the side bar');
      await waitForQuestions(world, panel, required(world.firstQuestions));
      await waitForStatus(await ask(sidebar, SECOND_QUESTION), 'done', world.timeoutMs);
      await openFromHistory(world, sidebar, FIRST_TITLE);
      await waitForQuestions(world, sidebar, required(world.firstQuestions));
      await screenshot(world, '07-history-switched');
    },
  },
  {
    name: 'Ask Azure OpenAI about Selection: the selection goes with the question',
    async run(world) {
      const sidebar = required(world.sidebar);
      await world.page.keyboard.press('Control+P');
      const input = world.page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: world.timeoutMs });
      await input.fill('README.md');
      await world.page.locator('.quick-input-list .monaco-list-row', { hasText: 'README.md' }).first().click();
      const editor = world.page.locator('.editor-instance .monaco-editor').first();
      await editor.locator('.view-lines').waitFor({ timeout: world.timeoutMs });
      await editor.locator('.view-lines').click();
      await world.page.keyboard.press('Control+A');
      await runCommandFromPalette(world, 'Ask Azure OpenAI about Selection');
      const chip = sidebar.locator('#pending-attachments .attachment-chip');
      await chip.waitFor({ timeout: world.timeoutMs });
      const label = (await chip.getAttribute('aria-label')) ?? '';
      assert(/^Selection README\.md:1-\d+, about \d+ tokens$/.test(label), `unexpected chip: ${label}`);
      await screenshot(world, '09-selection-chip');
      const before = world.standIns.aoai.requests.length;
      await waitForStatus(await ask(sidebar, 'Summarise this, please.'), 'done', world.timeoutMs);
      const request = world.standIns.aoai.requests[before];
      const sent = (request?.body as { messages?: { role: string; content: string }[] } | undefined)?.messages?.at(-1)?.content ?? '';
      assert(/^Selection from "README\.md:1-\d+" \(markdown\):\n```markdown\n# Test workspace\n/.test(sent), `the request did not carry the selection: ${sent.slice(0, 200)}`);
      assert(sent.endsWith('Summarise this, please.'), 'the question is not last');
      assert((await sidebar.locator('.message.user').last().locator('.attachment-chip').count()) === 1, 'the question shows no chip');
    },
  },
  {
    name: 'Insert at Cursor puts the code of an answer into the open file',
    async run(world) {
      const sidebar = required(world.sidebar);
      world.standIns.aoai.enqueue({ chunks: ['Here it is:\n\n', '```js\n', 'const inserted = 42;\n', '```\n'] });
      const answer = await ask(sidebar, 'Give me a line of code.');
      await waitForStatus(answer, 'done', world.timeoutMs);
      const editor = world.page.locator('.editor-instance .monaco-editor').first();
      await editor.locator('.view-lines').click();
      await world.page.keyboard.press('Control+End');
      await answer.locator('.code-block .insert-code').click();
      // Monaco draws spaces as no-break spaces.
      await waitFor(async () => (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ').includes('const inserted = 42;'), world.timeoutMs,
        async () => `the editor shows: ${(await editor.locator('.view-lines').innerText()).slice(-200)}`);
      const tab = world.page.locator('.tabs-container .tab.active');
      assert(/README\.md/.test((await tab.getAttribute('aria-label')) ?? ''), 'the code went to another editor than README.md');
      await screenshot(world, '10-inserted');
    },
  },
  {
    name: 'Ctrl+Shift+Alt+A focuses the chat input',
    async run(world) {
      const editor = world.page.locator('.editor-instance .monaco-editor').first();
      await editor.locator('.view-lines').click();
      await world.page.keyboard.press('Control+Shift+Alt+A');
      const sidebar = required(world.sidebar);
      await waitFor(async () => sidebar.evaluate(() => {
        const page = globalThis as unknown as { document: { hasFocus(): boolean; activeElement: { id: string } | null } };
        return page.document.hasFocus() && page.document.activeElement?.id === 'question';
      }), world.timeoutMs,
        async () => 'the question box did not get the keyboard');
    },
  },
  {
    name: 'the gpt-4o-mini answer came over v1 chat completions and shows its usage',
    async run(world) {
      // The side bar: the conversation steps before this one closed the panel.
      const panel = required(world.sidebar);
      const chat = world.standIns.aoai.requests.find((request) => request.status === 200 && request.deployment === 'gpt-4o-mini');
      assert(chat?.path === '/openai/v1/chat/completions', `gpt-4o-mini was asked at ${chat?.path}`);
      const usage = panel.locator('.message.assistant .usage').first();
      await usage.waitFor({ timeout: world.timeoutMs });
      assert(/^Tokens: [\d,]+ in · [\d,]+ out$/.test(await usage.innerText()), `usage reads: ${await usage.innerText()}`);
      assert(!(await panel.locator('#reasoning-effort').isVisible()), 'gpt-4o-mini offers a reasoning effort');
    },
  },
  ...['gpt-5-mini', 'gpt-5-codex'].map(
    (deployment, index): JourneyStep<World> => ({
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
        await screenshot(world, `${String(7 + index).padStart(2, '0')}-thinking-${deployment}`);
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
      await screenshot(world, '09-trimmed');
    },
  },
  {
    name: 'after a reload both conversations are intact',
    async run(world) {
      // Last, because the stand-in sign-in forgets its session with the extension host.
      const shown = await required(world.sidebar).locator('.message.user .message-body').allInnerTexts();
      world.page = await world.reopen();
      await world.page.locator('.monaco-workbench').waitFor({ timeout: world.timeoutMs });
      await world.page.locator('.activitybar').getByRole('tab', { name: /Azure OpenAI/ }).waitFor({ timeout: world.timeoutMs });
      const sidebar = await waitForSurface(world, 'sidebar', async () => {
        const tab = world.page.locator('.activitybar').getByRole('tab', { name: /Azure OpenAI/ });
        if ((await tab.getAttribute('aria-selected')) !== 'true') {
          await tab.click();
        }
      });
      world.sidebar = sidebar;
      // The view comes back with the conversation it showed.
      await waitForQuestions(world, sidebar, shown);
      await openFromHistory(world, sidebar, SECOND_QUESTION);
      await waitForQuestions(world, sidebar, [SECOND_QUESTION]);
      await waitForStatus(sidebar.locator('.message.assistant').first(), 'done', world.timeoutMs);
      await screenshot(world, '08-reloaded');
    },
  },
  // Models (issue 10): one chat, three model generations, only the deployment changed.
];

// The first conversation's title is its first question: the one asked before signing in.
const FIRST_TITLE = 'Asked before signing in?';
const SECOND_QUESTION = 'A second conversation, about tea.';

/** Opens the history of a chat view and picks the conversation with this title. */
async function openFromHistory(world: World, frame: Frame, title: string): Promise<void> {
  await frame.locator('#show-history').click();
  const row = frame.locator('#history-list .history-item .history-open', { hasText: title }).first();
  await row.waitFor({ timeout: world.timeoutMs });
  await row.click();
  await frame.locator('#history').waitFor({ state: 'hidden', timeout: world.timeoutMs });
}

async function waitForQuestions(world: World, frame: Frame, questions: readonly string[]): Promise<void> {
  await waitFor(async () => JSON.stringify(await frame.locator('.message.user .message-body').allInnerTexts()) === JSON.stringify(questions), world.timeoutMs,
    async () => `the view shows ${JSON.stringify(await frame.locator('.message.user .message-body').allInnerTexts())}, expected ${JSON.stringify(questions)}`);
}

/** The chat webview of one surface (`data-surface` on #chat-root); `nudge` runs while waiting. */
async function waitForSurface(world: World, surface: 'panel' | 'sidebar', nudge: () => Promise<void>): Promise<Frame> {
  let found: Frame | undefined;
  await waitFor(async () => {
    for (const frame of world.page.frames()) {
      if (!frame.isDetached() && (await frame.locator(`#chat-root[data-surface="${surface}"]`).count().catch(() => 0)) > 0) {
        found = frame;
        return true;
      }
    }
    await nudge().catch(() => undefined);
    return false;
  }, world.timeoutMs, async () => `no ${surface} chat webview appeared`);
  return required(found);
}

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
  await screenshot(world, `settings-${deployment}`);
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
  let result: JourneyResult = { passed: 0, failed: 1, notRun: STEPS.length - 1 };
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
    const running = server;
    const world: World = {
      page,
      standIns,
      timeoutMs: options.stepTimeoutMs,
      artifacts,
      // page.reload() leaves this harness's webviews loading forever; a new window does not.
      reopen: async () => {
        // The same browser profile, as a reload: VS Code keeps its window and extension state there.
        const context = world.page.context();
        await world.page.close({ runBeforeUnload: true });
        const reopened = await context.newPage();
        await reopened.goto(running.workbenchUrl(workspace));
        return reopened;
      },
    };
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




function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
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
