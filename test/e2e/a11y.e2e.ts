// Accessibility end to end (issue 22): the product VSIX in the real workbench, driven in Debian's
// Chromium with the keyboard alone. First axe-core checks the chat webview in the light, dark and
// high contrast themes with a code block, an error card, an answer still streaming and the
// history on screen; then the same chat is used without a mouse: stop, copy a code block, insert
// it, start another conversation, switch back through the history. Not one mouse event may
// reach the workbench or the webview. Screenshots go to test/e2e/artifacts/a11y/.
//
//   npm run package && node out/test/e2e/a11y.e2e.js [--vsix dist/azure-openai-chat.vsix] [--step-timeout SECONDS]
//
// Prints the axe counts per theme and `e2e: N passed, N failed`; a failed step stops the run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { launchChromium, newPage } from '../harness/browser';
import { packageMsAuthStandIn } from '../harness/msAuthStandIn';
import { repoRoot } from '../harness/paths';
import { startStandIns, type StandIns } from '../harness/standIns';
import { VSCodeServer } from '../harness/vscodeServer';
import { copyFixtureWorkspace } from '../harness/workspaceCopy';
import { type AxeViolation, describeViolations, runAxe, seriousOrCritical } from '../support/axe';
import {
  answerTextIncluding,
  assert,
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

const artifacts = path.join(repoRoot, 'test', 'e2e', 'artifacts', 'a11y');
const workspace = copyFixtureWorkspace('basic');
const THEMES = ['Default Light Modern', 'Default Dark Modern', 'Default High Contrast'] as const;
const CODE = 'const inserted = 42;';
const FIRST_QUESTION = 'Give me a line of code.';
const SECOND_QUESTION = 'A second conversation, about tea.';

interface World {
  readonly page: Page;
  readonly standIns: StandIns;
  readonly server: VSCodeServer;
  readonly timeoutMs: number;
  readonly artifacts: string;
  chat?: Frame;
  axe?: Record<string, AxeViolation[]>;
}

/** Counts pointer input in every frame (workbench and webviews): this journey uses none. */
const mouseTripwire = `(() => {
  const counted = ['mousedown', 'mouseup', 'pointerdown', 'pointerup', 'click', 'auxclick', 'contextmenu', 'wheel', 'dblclick'];
  window.__mouseEvents = [];
  for (const type of counted) {
    window.addEventListener(type, (event) => {
      // A click the keyboard made (Enter or Space on a button) has detail 0 and no pointer.
      if (!event.isTrusted || ((type === 'click') && event.detail === 0)) return;
      window.__mouseEvents.push(type + ' on ' + (event.target && event.target.tagName));
    }, true);
  }
})();`;

async function mouseEvents(page: Page): Promise<string[]> {
  const all: string[] = [];
  for (const frame of page.frames()) {
    if (!frame.isDetached()) {
      all.push(...(await frame.evaluate(() => (globalThis as unknown as { __mouseEvents?: string[] }).__mouseEvents ?? []).catch(() => [])));
    }
  }
  return all;
}

/** The side bar chat's frame. */
async function sidebarFrame(world: World): Promise<Frame> {
  let found: Frame | undefined;
  await waitFor(async () => {
    for (const frame of world.page.frames()) {
      if (!frame.isDetached() && (await frame.locator('#chat-root[data-surface="sidebar"]').count().catch(() => 0)) > 0) {
        found = frame;
        return true;
      }
    }
    return false;
  }, world.timeoutMs, async () => 'no side bar chat webview appeared');
  return required(found);
}

async function activeElementId(frame: Frame): Promise<string> {
  return frame.evaluate(() => {
    const page = globalThis as unknown as { document: { hasFocus(): boolean; activeElement: { id: string; className: string } | null } };
    const active = page.document.activeElement;
    return `${page.document.hasFocus() ? '' : '(unfocused) '}${active?.id ? `#${active.id}` : `.${active?.className ?? ''}`}`;
  });
}

async function waitForFocus(world: World, frame: Frame, expected: RegExp, what: string): Promise<void> {
  let seen = '';
  await waitFor(async () => expected.test((seen = await activeElementId(frame))), world.timeoutMs, async () => `${what}: focus is on ${seen}`);
}

/** Types a question into the focused question box and sends it with Enter; returns its answer. */
async function askByKeyboard(world: World, question: string) {
  const chat = required(world.chat);
  await waitForFocus(world, chat, /^#question$/, 'before typing a question');
  const answers = chat.locator('.message.assistant');
  const before = await answers.count();
  await world.page.keyboard.type(question);
  await world.page.keyboard.press('Enter');
  const answer = answers.nth(before);
  await answer.waitFor({ timeout: world.timeoutMs });
  return answer;
}

async function runCommand(world: World, title: string): Promise<void> {
  await runCommandFromPalette(world, title);
}

const STEPS: readonly JourneyStep<World>[] = [
  {
    name: 'Ctrl+P opens README.md, and Ctrl+Shift+Alt+A opens the chat with the keyboard in its question box',
    async run(world) {
      const { page } = world;
      await page.locator('.monaco-workbench').waitFor({ timeout: world.timeoutMs });
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: world.timeoutMs });
      await page.keyboard.type('README.md');
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'README.md' }).waitFor({ timeout: world.timeoutMs });
      await page.keyboard.press('Enter');
      await page.locator('.tabs-container .tab.active[aria-label*="README.md"]').waitFor({ timeout: world.timeoutMs });
      await page.keyboard.press('Control+End');
      await page.keyboard.press('Control+Shift+Alt+A');
      world.chat = await sidebarFrame(world);
      await world.chat.locator('#connection[data-state="ready"]').waitFor({ timeout: world.timeoutMs });
      await waitForFocus(world, world.chat, /^#question$/, 'after Ctrl+Shift+Alt+A');
      await screenshot(world, '01-chat-open');
    },
  },
  {
    name: 'a code block, an error card, an answer still streaming and the history are on screen',
    async run(world) {
      const chat = required(world.chat);
      world.standIns.aoai.enqueue(
        { chunks: ['Here it is:\n\n', '```js\n', `${CODE}\n`, '```\n'] },
        { text: 'This answer will break off somewhere in the middle of its text.', dropAfterChunks: 3 },
        { text: 'This answer streams a few words and then waits for a long time.', stallAfterChunks: 4 },
      );
      await waitForStatus(await askByKeyboard(world, FIRST_QUESTION), 'done', world.timeoutMs);
      const failed = await askByKeyboard(world, 'Break off, please.');
      await waitForStatus(failed, 'error', world.timeoutMs);
      await failed.locator('.problem').waitFor({ timeout: world.timeoutMs });
      const streaming = await askByKeyboard(world, 'Stream slowly, please.');
      await waitFor(async () => (await streaming.getAttribute('data-status')) === 'streaming' && (await streaming.innerText()).includes('streams'), world.timeoutMs,
        async () => `the answer is ${await streaming.getAttribute('data-status')}: ${await streaming.innerText()}`);
      await runCommand(world, 'Azure OpenAI: Show Conversation History');
      await chat.locator('#history-list .history-item').first().waitFor({ timeout: world.timeoutMs });
      await screenshot(world, '02-busy-screen');
    },
  },
  {
    name: 'axe-core finds no serious or critical violation in the light, dark and high contrast themes',
    async run(world) {
      const chat = required(world.chat);
      const results: Record<string, AxeViolation[]> = {};
      const bodyClass = { 'Default Light Modern': 'vscode-light', 'Default Dark Modern': 'vscode-dark', 'Default High Contrast': 'vscode-high-contrast' } as const;
      for (const theme of THEMES) {
        await setColorTheme(world, theme);
        await waitFor(async () => (await chat.locator(`body.${bodyClass[theme]}`).count()) === 1, world.timeoutMs,
          async () => `the webview did not take the theme ${theme}: ${await chat.locator('body').getAttribute('class')}`);
        await chat.waitForTimeout(500);
        await screenshot(world, `03-axe-${bodyClass[theme]}`);
        results[theme] = await runAxe(chat);
        const counts = countByImpact(results[theme]);
        console.log(`    axe ${theme}: ${counts}`);
        fs.writeFileSync(path.join(world.artifacts, `axe-${bodyClass[theme]}.json`), JSON.stringify(results[theme], undefined, 2));
      }
      world.axe = results;
      const serious = THEMES.flatMap((theme) => seriousOrCritical(results[theme] ?? []).map((v) => ({ ...v, id: `${theme}: ${v.id}` })));
      assert(serious.length === 0, `axe found:\n${describeViolations(serious)}`);
    },
  },
  {
    name: 'Escape closes the history, Escape again stops the answer; the keyboard stays in the question box',
    async run(world) {
      const { page } = world;
      const chat = required(world.chat);
      // The settings change may have taken the keyboard; the command gives it back to the chat.
      await runCommand(world, 'Azure OpenAI: Show Conversation History');
      await waitForFocus(world, chat, /^#history-search$/, 'after Show Conversation History');
      await page.keyboard.press('Escape');
      await chat.locator('#history').waitFor({ state: 'hidden', timeout: world.timeoutMs });
      const streaming = chat.locator('.message.assistant').last();
      assert((await streaming.getAttribute('data-status')) === 'streaming', 'the answer is no longer streaming');
      await page.keyboard.press('Escape');
      await waitForStatus(streaming, 'stopped', world.timeoutMs);
      await waitForFocus(world, chat, /^#question$/, 'after Stop');
      await screenshot(world, '04-stopped');
    },
  },
  {
    name: 'Ctrl+Up, Ctrl+Alt+PageUp and Tab reach the code block\'s Copy button; Enter copies the code',
    async run(world) {
      const { page } = world;
      const chat = required(world.chat);
      await page.keyboard.press('Control+ArrowUp');
      await waitForFocus(world, chat, /message/, 'after Ctrl+Up');
      await page.keyboard.press('Control+Alt+PageUp');
      await waitForFocus(world, chat, /code-block/, 'after Ctrl+Alt+PageUp');
      for (let i = 0; i < 3; i++) {
        await page.keyboard.press('Tab');
      }
      await waitForFocus(world, chat, /copy-code/, 'after three Tabs');
      await page.keyboard.press('Enter');
      await waitFor(async () => (await chat.locator('.code-block .copy-code.copied').count()) === 1, world.timeoutMs, async () => 'Copy did not say Copied');
      const copied = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText()).catch((error: unknown) => `(unreadable: ${String(error)})`);
      assert(copied.includes(CODE), `the clipboard holds: ${copied}`);
      await screenshot(world, '05-copied');
    },
  },
  {
    name: 'Shift+Tab twice reaches Insert; Enter puts the code into README.md',
    async run(world) {
      const { page } = world;
      const chat = required(world.chat);
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Shift+Tab');
      await waitForFocus(world, chat, /insert-code/, 'after two Shift+Tabs');
      await page.keyboard.press('Enter');
      const editor = page.locator('.editor-instance .monaco-editor').first();
      await waitFor(async () => (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ').includes(CODE), world.timeoutMs,
        async () => `the editor shows: ${(await editor.locator('.view-lines').innerText()).slice(-200)}`);
      await screenshot(world, '06-inserted');
    },
  },
  {
    name: 'New Chat and a question by keyboard start a second conversation',
    async run(world) {
      const chat = required(world.chat);
      await runCommand(world, 'Azure OpenAI: New Chat');
      await waitFor(async () => (await chat.locator('.message').count()) === 0, world.timeoutMs, async () => 'New Chat left messages');
      await world.page.keyboard.press('Control+Shift+Alt+A');
      const answer = await askByKeyboard(world, SECOND_QUESTION);
      await waitForStatus(answer, 'done', world.timeoutMs);
      await answerTextIncluding(answer, SECOND_QUESTION, world.timeoutMs);
    },
  },
  {
    name: 'the history opens by keyboard, Down and Enter switch back to the first conversation',
    async run(world) {
      const { page } = world;
      const chat = required(world.chat);
      await runCommand(world, 'Azure OpenAI: Show Conversation History');
      await waitForFocus(world, chat, /^#history-search$/, 'in the history');
      const rows = chat.locator('#history-list .history-item');
      await waitFor(async () => (await rows.count()) >= 2, world.timeoutMs, async () => `the history lists ${await rows.count()} conversations`);
      const titles = await rows.locator('.history-title').allInnerTexts();
      const index = titles.findIndex((title) => title === FIRST_QUESTION);
      assert(index >= 0, `the history lists ${JSON.stringify(titles)}`);
      for (let i = 0; i <= index; i++) {
        await page.keyboard.press('ArrowDown');
      }
      await waitForFocus(world, chat, /history-open/, 'on a conversation');
      await page.keyboard.press('Enter');
      await chat.locator('#history').waitFor({ state: 'hidden', timeout: world.timeoutMs });
      await waitFor(async () => (await chat.locator('.message.user .message-body').first().innerText().catch(() => '')) === FIRST_QUESTION, world.timeoutMs,
        async () => `the chat shows ${JSON.stringify(await chat.locator('.message.user .message-body').allInnerTexts())}`);
      await waitForFocus(world, chat, /^#question$/, 'after switching');
      await screenshot(world, '07-switched');
    },
  },
  {
    name: 'Alt+F1 in the chat opens its accessibility help, and Escape gives the keyboard back',
    async run(world) {
      const { page } = world;
      const chat = required(world.chat);
      await page.keyboard.press('Alt+F1');
      const help = chat.locator('#accessibility-help');
      await help.waitFor({ timeout: world.timeoutMs });
      await waitForFocus(world, chat, /^#accessibility-help$/, 'in the help');
      const text = await help.innerText();
      assert(/Ctrl\+Alt\+PageDown/.test(text) && /Ctrl\+Up/.test(text), `the help says: ${text}`);
      await screenshot(world, '08-help');
      await page.keyboard.press('Escape');
      await help.waitFor({ state: 'hidden', timeout: world.timeoutMs });
      await waitForFocus(world, chat, /^#question$/, 'after closing the help');
      // The workbench got the key too (webviews forward every keydown): it must not have opened
      // a help of its own over the chat.
      assert((await page.locator('.accessible-view').filter({ visible: true }).count()) === 0, 'the workbench opened its own accessibility help');
    },
  },
  {
    name: 'not one mouse event reached the workbench or the chat',
    async run(world) {
      const events = await mouseEvents(world.page);
      assert(events.length === 0, `mouse events: ${events.join(', ')}`);
      const installed = await required(world.chat).evaluate(() => Array.isArray((globalThis as unknown as { __mouseEvents?: unknown }).__mouseEvents));
      assert(installed, 'the tripwire is not in the chat webview');
    },
  },
];

/** Ctrl+K Ctrl+T (Preferences: Color Theme), the theme's name, Enter: as a keyboard user switches themes. */
async function setColorTheme(world: World, theme: string): Promise<void> {
  const { page } = world;
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+T');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: world.timeoutMs });
  // The picker lists themes by label; the setting names them by id.
  const label = theme.replace(/^Default High Contrast$/, 'Dark High Contrast').replace(/^Default /, '');
  await page.keyboard.type(label);
  const focused = page.locator('.quick-input-list .monaco-list-row.focused .label-name').first();
  await waitFor(async () => (await focused.innerText().catch(() => '')).trim() === label, world.timeoutMs,
    async () => `the theme picker shows ${await focused.innerText().catch(() => '?')}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: world.timeoutMs });
}

function countByImpact(violations: readonly AxeViolation[]): string {
  const counts = new Map<string, number>();
  for (const violation of violations) {
    counts.set(violation.impact, (counts.get(violation.impact) ?? 0) + 1);
  }
  const list = ['critical', 'serious', 'moderate', 'minor'].map((impact) => `${counts.get(impact) ?? 0} ${impact}`).join(', ');
  return `${list} (${violations.map((v) => v.id).join(', ') || 'none'})`;
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
  // Signed in through the managed identity stand-in: no consent dialog, which only a click answers.
  const standIns = await startStandIns({ msAuthMode: 'signedOut' });
  let server: VSCodeServer | undefined;
  let result: JourneyResult = { passed: 0, failed: 1, notRun: STEPS.length - 1 };
  const browser = await launchChromium();
  try {
    server = await VSCodeServer.start({
      label: 'e2e-a11y',
      settings: { ...standIns.settings, 'workbench.colorTheme': THEMES[0] },
      env: standIns.env({ FAKE_AZ_MODE: 'loggedOut' }),
      extensions: [options.vsix, packageMsAuthStandIn()],
      testDriver: false,
    });
    const page = await newPage(browser, path.join(server.logDir, 'browser.log'));
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.context().addInitScript(mouseTripwire);
    await page.goto(server.workbenchUrl(workspace));
    const world: World = { page, standIns, server, timeoutMs: options.stepTimeoutMs, artifacts };
    result = await runJourney(STEPS, world, server.logDir);
    await page.context().close();
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
