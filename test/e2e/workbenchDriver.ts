// Driving the real workbench from Playwright: the command palette, the chat webview's frame,
// quick picks and notifications. Shared by the E2E journeys.
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';

export interface Driver {
  readonly page: Page;
  readonly timeoutMs: number;
  readonly artifacts: string;
}

/**
 * Control+Shift+P, the title, Enter. Enter runs the focused row, and the palette filters (and may
 * re-sort recently used commands) after the text is typed, so this waits until the focused row is
 * the command; a click on a row found earlier can land on another command that the list
 * re-rendered into the same place. Right after load the palette may not list the extension's
 * commands yet: it is reopened until it does.
 */
export async function runCommandFromPalette(driver: Pick<Driver, 'page' | 'timeoutMs'>, title: string): Promise<void> {
  const { page } = driver;
  const deadline = Date.now() + driver.timeoutMs;
  for (;;) {
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: driver.timeoutMs });
    await input.fill(`>${title}`);
    const focusedLabel = page.locator('.quick-input-list .monaco-list-row.focused .label-name').first();
    const readyBy = Date.now() + 3_000;
    let focused = '';
    while (Date.now() < readyBy) {
      focused = (await focusedLabel.innerText({ timeout: 500 }).catch(() => '')).trim();
      // The label carries the command's category when it has one ("Azure OpenAI: Chat with Azure OpenAI").
      if ((focused === title || focused.endsWith(`: ${title}`)) && (await input.inputValue()) === `>${title}`) {
        await input.press('Enter');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await page.keyboard.press('Escape');
    if (Date.now() > deadline) {
      throw new Error(`"${title}" never became the command palette's first choice (it showed "${focused}")`);
    }
  }
}

/** The inner frame of a webview that renders the chat (#chat-root), other than `except`. */
export async function waitForChatFrame(driver: Pick<Driver, 'page' | 'timeoutMs'>, except?: Frame): Promise<Frame> {
  let found: Frame | undefined;
  await waitFor(
    async () => {
      for (const frame of driver.page.frames()) {
        if (frame !== except && !frame.isDetached() && (await frame.locator('#chat-root').count().catch(() => 0)) > 0) {
          found = frame;
          return true;
        }
      }
      return false;
    },
    driver.timeoutMs,
    async () => 'no webview frame with #chat-root appeared',
  );
  return required(found);
}

/** Types a question, presses Enter, and returns the answer it started. */
export async function ask(frame: Frame, question: string): Promise<Locator> {
  const answers = frame.locator('.message.assistant');
  const before = await answers.count();
  await frame.locator('textarea#question').fill(question);
  await frame.locator('textarea#question').press('Enter');
  const answer = answers.nth(before);
  await answer.waitFor({ timeout: 10_000 });
  return answer;
}

export async function waitForStatus(answer: Locator, status: string, timeoutMs: number): Promise<void> {
  await waitFor(async () => (await answer.getAttribute('data-status')) === status, timeoutMs,
    async () => `the answer's status is ${await answer.getAttribute('data-status')}, expected ${status}: ${await answer.innerText()}`);
}

/**
 * A finished answer's text as shown, once it includes `expected`. Read, not waited for, it can
 * miss text that is in the DOM: messages off screen skip layout (content-visibility), and a short
 * answer can arrive, finish and be scrolled into view across two frames.
 */
export async function answerTextIncluding(answer: Locator, expected: string, timeoutMs: number): Promise<string> {
  let text = '';
  await waitFor(async () => (text = await answer.innerText()).includes(expected), timeoutMs, async () => `unexpected answer: ${text}`);
  return text;
}

/** The open quick pick's text (rows and separators), once `expected` appears in it. */
export async function quickPickText(driver: Driver, expected: string): Promise<string> {
  const list = driver.page.locator('.quick-input-widget .quick-input-list');
  let text = '';
  await waitFor(async () => {
    text = (await list.innerText().catch(() => '')) ?? '';
    return text.includes(expected);
  }, driver.timeoutMs, async () => {
    // Rows only: the list also holds a <style> element whose text would bury them.
    const rows = await driver.page.locator('.quick-input-list .monaco-list-row').allInnerTexts().catch(() => []);
    const title = await driver.page.locator('.quick-input-widget .quick-input-title').innerText().catch(() => '');
    return `the quick pick "${title}" shows: ${rows.join(' | ')}`;
  });
  return text;
}

/** Filters the open quick pick and accepts the row whose label is exactly `label`. */
export async function pickQuickPickRow(driver: Driver, filter: string, label: string): Promise<void> {
  const input = driver.page.locator('.quick-input-widget input');
  await input.fill(filter);
  const row = driver.page.locator('.quick-input-list .monaco-list-row', { has: driver.page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
  await row.waitFor({ timeout: driver.timeoutMs });
  await row.click();
}

/** Clicks a button of a notification toast whose message matches. */
export async function clickNotificationButton(driver: Driver, message: RegExp, button: string): Promise<void> {
  const toast = driver.page.locator('.notification-toast', { hasText: message }).first();
  await toast.waitFor({ timeout: driver.timeoutMs });
  await toast.locator('.monaco-button', { hasText: button }).first().click();
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, describe: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`after ${timeoutMs / 1000} s: ${await describe()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function screenshot(driver: Driver, name: string): Promise<void> {
  await driver.page.screenshot({ path: path.join(driver.artifacts, `${name}.png`) });
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) {
    throw new Error(message);
  }
}

export function required<T>(value: T | undefined): T {
  assert(value !== undefined, 'an earlier step did not leave what this step needs');
  return value;
}

export interface JourneyStep<W> {
  readonly name: string;
  run(world: W): Promise<void>;
}

export interface JourneyResult {
  readonly passed: number;
  readonly failed: number;
  readonly notRun: number;
}

/**
 * Runs a journey's steps in order, as a user takes them. Each step builds on the ones before, so
 * the first failure ends the journey: its screenshot is saved and the later steps are not run.
 */
export async function runJourney<W extends Driver>(steps: readonly JourneyStep<W>[], world: W, logDir: string): Promise<JourneyResult> {
  let passed = 0;
  for (const [index, step] of steps.entries()) {
    const stepStart = Date.now();
    try {
      await step.run(world);
      passed++;
      console.log(`  ✔ ${step.name} (${seconds(Date.now() - stepStart)})`);
    } catch (error) {
      console.log(`  ✖ ${step.name}\n      ${error instanceof Error ? error.message : String(error)}`);
      await screenshot(world, `failure-${String(index + 1).padStart(2, '0')}`).catch(() => undefined);
      const notRun = steps.length - index - 1;
      if (notRun > 0) {
        console.log(`  (${notRun} later step(s) not run: they need this one)`);
      }
      console.log(`e2e: screenshots in ${world.artifacts}; VS Code logs in ${logDir}`);
      return { passed, failed: 1, notRun };
    }
  }
  return { passed, failed: 0, notRun: 0 };
}

/** The journey's count line, which test/run-all.sh sums: `e2e: N passed, N failed`. */
export function journeySummary(result: JourneyResult, startedAt: number): string {
  const notRun = result.notRun > 0 ? `, ${result.notRun} not run` : '';
  return `e2e: ${result.passed} passed, ${result.failed} failed${notRun} (${seconds(Date.now() - startedAt)})`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
