/**
 * Accessibility of the chat webview in the real bundle: axe-core over a busy screen, what screen
 * readers hear (the finished answer once, progress politely, never the stream chunk by chunk),
 * where focus lands after each action, keyboard-only moves between answers and code blocks, and
 * the accessibility help (Alt+F1). Run: node --test out/test/webview/accessibility.test.js
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HostToWebviewMessage } from '../../src/common/protocol';
import { describeViolations, runAxe, seriousOrCritical } from '../support/axe';
import { type ChatPage, snapshot } from './chatPage';
import { answer, chatPagesForThisFile, user } from './pageFixture';

const pages = chatPagesForThisFile();
const withPage = pages.withPage;

interface FocusGlobals {
  readonly document: {
    readonly activeElement: { id: string; className: string; tagName: string; closest(s: string): { dataset: Record<string, string> } | null } | null;
    querySelectorAll(selectors: string): ArrayLike<{ textContent: string | null; contains(other: unknown): boolean; getAttribute(name: string): string | null }>;
    querySelector(selectors: string): unknown;
  };
}

/** What has the keyboard: `#id`, or `tag.class` for elements without an id. */
function focused(chat: ChatPage): Promise<string> {
  return chat.page.evaluate(() => {
    const active = (globalThis as unknown as FocusGlobals).document.activeElement;
    if (!active) {
      return 'nothing';
    }
    return active.id ? `#${active.id}` : `${active.tagName.toLowerCase()}.${active.className.split(/\s+/).join('.')}`;
  });
}

const codeAnswer = 'Here is the code:\n\n```js\nconst answer = 42;\nconsole.log(answer);\n```\n\nAnd a second block:\n\n```py\nprint("hi")\n```\n';

/** A screen with everything at once: answers, code, a problem card, a streaming answer, the history. */
async function busyScreen(chat: ChatPage): Promise<void> {
  await chat.sendHost(
    snapshot(
      [
        user('u1', 'Show me some code'),
        answer('a1', codeAnswer),
        user('u2', 'And now?'),
        {
          id: 'a2',
          role: 'assistant',
          text: 'Partial',
          status: 'error',
          problem: { title: 'The connection dropped.', detail: 'Run `az login` and try again.', actions: ['retry', 'showLog'] },
        },
        user('u3', 'Third'),
        answer('a3', 'Streaming *now*', 'streaming'),
      ],
      { busy: true },
    ),
    { type: 'conversation', id: 'c1', title: 'Show me some code' },
    { type: 'usage', messageId: 'a1', usage: { inputTokens: 1200, outputTokens: 300, reasoningTokens: 0, contextWindow: 128000 } },
  );
  await chat.page.locator('#show-history').click();
  await chat.sendHost({
    type: 'history',
    query: '',
    items: [
      { id: 'c1', title: 'Show me some code', updated: Date.now() },
      { id: 'c2', title: 'Older one', updated: Date.now() - 3 * 86_400_000 },
    ],
  });
  await chat.page.locator('#history-list .history-item').nth(1).waitFor();
}

describe('axe-core on the chat webview', () => {
  for (const surface of ['sidebar', 'panel'] as const) {
    test(`no serious or critical violations with answers, code, a problem, a stream and the history (${surface})`, async () => {
      await withPage({ surface }, async (chat) => {
        await busyScreen(chat);
        const all = await runAxe(chat.page);
        const serious = seriousOrCritical(all);
        assert.equal(serious.length, 0, `axe found:\n${describeViolations(serious)}`);
        // Moderate and minor ones too: none is known, so a new one is a regression to look at.
        assert.equal(all.length, 0, `axe found:\n${describeViolations(all)}`);
      });
    });
  }
});

describe('what a screen reader hears', () => {
  test('the streaming answer is in no live region; its end is announced once, with its text', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q')], { busy: true }));
      await chat.page.evaluate(() => {
        // Every text a live region gets, in order.
        const page = globalThis as unknown as {
          __spoken: string[];
          MutationObserver: new (cb: (records: { target: { parentElement: unknown } & Record<string, unknown> }[]) => void) => { observe(t: unknown, o: unknown): void };
          document: { body: unknown };
        };
        page.__spoken = [];
        const live = (node: unknown): { textContent: string } | undefined => {
          for (let el = node as { closest?: (s: string) => unknown; parentElement?: unknown } | null; el; el = el.parentElement as typeof el) {
            if (el.closest) {
              return (el.closest('[aria-live]:not([aria-live="off"]), [role="log"], [role="status"], [role="alert"]') ?? undefined) as { textContent: string } | undefined;
            }
          }
          return undefined;
        };
        new page.MutationObserver((records) => {
          for (const record of records) {
            const region = live(record.target);
            if (region && region.textContent.trim()) {
              page.__spoken.push(region.textContent.trim());
            }
          }
        }).observe(page.document.body, { childList: true, subtree: true, characterData: true });
      });
      const add: HostToWebviewMessage = { type: 'messageAdded', message: answer('a1', '', 'streaming') };
      await chat.sendHost(add);
      for (const piece of ['Chunk one ', 'chunk two ', 'and **three**.']) {
        await chat.sendHost({ type: 'delta', messageId: 'a1', text: piece });
        await chat.page.waitForTimeout(40);
      }
      await chat.sendHost({ type: 'messageFinished', messageId: 'a1', status: 'done' }, { type: 'busy', busy: false });
      await chat.page.waitForTimeout(200);
      const spoken = await chat.page.evaluate(() => (globalThis as unknown as { __spoken: string[] }).__spoken);
      const chunks = spoken.filter((text) => /Chunk one/.test(text));
      assert.ok(spoken.some((text) => /answering/i.test(text)), `progress was not announced: ${JSON.stringify(spoken)}`);
      assert.equal(chunks.length, 1, `the answer was spoken ${chunks.length} times: ${JSON.stringify(spoken)}`);
      assert.match(chunks[0] ?? '', /Chunk one chunk two and three\./);
      const regions = await chat.page.locator('[role="log"], [aria-live="polite"] .message, [aria-live="assertive"] .message').count();
      assert.equal(regions, 0, 'the conversation itself is a live region');
      assert.equal(await chat.page.locator('#messages').getAttribute('role'), 'list');
      assert.equal(await chat.page.locator('#messages > .message[role="listitem"]').count(), 2);
    });
  });
});

describe('focus after each action', () => {
  test('Send and Stop leave the keyboard in the question box; New chat puts it there', async () => {
    await withPage({ surface: 'panel' }, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q'), answer('a1', 'a')]));
      await chat.page.locator('textarea#question').fill('by the button');
      await chat.page.locator('#send').click();
      await chat.sendHost({ type: 'busy', busy: true });
      assert.equal(await focused(chat), '#question', 'after Send');
      await chat.page.locator('#stop').focus();
      await chat.page.keyboard.press('Enter');
      await chat.sendHost({ type: 'busy', busy: false });
      assert.equal(await focused(chat), '#question', 'after Stop');
      await chat.page.locator('#new-chat').focus();
      await chat.page.keyboard.press('Enter');
      await chat.sendHost(snapshot([]));
      assert.equal(await focused(chat), '#question', 'after New chat');
    });
  });

  test('History: Escape gives focus back to the History button', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q')]));
      await chat.page.locator('#show-history').focus();
      await chat.page.keyboard.press('Enter');
      assert.equal(await focused(chat), '#history-search');
      await chat.page.keyboard.press('Escape');
      assert.equal(await focused(chat), '#show-history');

      // Opened by the title bar's button or a command, with the keyboard nowhere in the view:
      // closing it leaves the keyboard in the question box, not on <body>.
      await chat.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { blur(): void } } }).document.activeElement.blur());
      await chat.sendHost({ type: 'showHistory' });
      assert.equal(await focused(chat), '#history-search');
      await chat.page.keyboard.press('Escape');
      assert.equal(await focused(chat), '#question');
    });
  });
});

describe('keyboard only', () => {
  test('Ctrl+Up reaches the last answer, arrows move between messages, Ctrl+Alt+PageDown between code blocks, Ctrl+Down goes back', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'first'), answer('a1', codeAnswer), user('u2', 'second'), answer('a2', 'Plain answer.')]));
      await chat.page.locator('textarea#question').focus();
      await chat.page.keyboard.press('Control+ArrowUp');
      const current = () => chat.page.evaluate(() => (globalThis as unknown as FocusGlobals).document.activeElement?.closest('.message')?.dataset.id ?? 'none');
      assert.equal(await current(), 'a2');
      await chat.page.keyboard.press('ArrowUp');
      assert.equal(await current(), 'u2');
      await chat.page.keyboard.press('ArrowUp');
      assert.equal(await current(), 'a1');
      await chat.page.keyboard.press('Control+Alt+PageDown');
      assert.match(await focused(chat), /code-block/);
      assert.equal(await current(), 'a1');
      await chat.page.keyboard.press('Control+Alt+PageDown');
      const second = await chat.page.evaluate(() => {
        const page = globalThis as unknown as FocusGlobals;
        const blocks = page.document.querySelectorAll('.code-block');
        return blocks[1]?.contains(page.document.activeElement) ?? false;
      });
      assert.equal(second, true, 'the second code block has focus');
      // Tab reaches the block's buttons; Enter copies.
      await chat.page.keyboard.press('Tab');
      assert.match(await focused(chat), /insert-code/);
      await chat.page.keyboard.press('Control+Alt+PageUp');
      await chat.page.keyboard.press('Control+ArrowDown');
      assert.equal(await focused(chat), '#question');
    });
  });

  test('Alt+F1 opens the accessibility help; it names the keys, and Escape closes it where focus was', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q'), answer('a1', 'a')]));
      await chat.page.locator('textarea#question').focus();
      // What VS Code's webview script would forward to the workbench: keydowns reaching the window.
      await chat.page.evaluate(() => {
        const page = globalThis as unknown as { __forwarded: string[]; addEventListener(type: string, cb: (e: { key: string }) => void): void };
        page.__forwarded = [];
        page.addEventListener('keydown', (event) => page.__forwarded.push(event.key));
      });
      await chat.page.keyboard.press('Alt+F1');
      assert.deepEqual(await chat.page.evaluate(() => (globalThis as unknown as { __forwarded: string[] }).__forwarded.filter((key) => key === 'F1')), [], 'the workbench would open its own help too');
      const help = chat.page.locator('#accessibility-help');
      await help.waitFor();
      assert.equal(await help.getAttribute('role'), 'dialog');
      const text = (await help.innerText()).replace(/\s+/g, ' ');
      for (const key of ['Ctrl+Up', 'Ctrl+Alt+PageDown', 'Escape', 'Enter']) {
        assert.ok(text.includes(key), `the help does not mention ${key}: ${text}`);
      }
      assert.match(await focused(chat), /accessibility-help|help/);
      await chat.page.keyboard.press('Escape');
      assert.equal(await help.isHidden(), true);
      assert.equal(await focused(chat), '#question');
      const serious = seriousOrCritical(await runAxe(chat.page));
      assert.equal(serious.length, 0, describeViolations(serious));
    });
  });
});

describe('themes and motion', () => {
  test('reduced motion (the OS or VS Code) stops the streaming pulse; high contrast draws edges', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q'), answer('a1', '', 'streaming')], { busy: true }));
      const pulse = () =>
        chat.page.evaluate(() => {
          const page = globalThis as unknown as { document: { querySelector(s: string): unknown }; getComputedStyle(el: unknown, pseudo?: string): { animationName: string } };
          return page.getComputedStyle(page.document.querySelector('.message.assistant .message-body'), '::after').animationName;
        });
      assert.equal(await pulse(), 'pulse');
      await chat.page.emulateMedia({ reducedMotion: 'reduce' });
      assert.equal(await pulse(), 'none');
      await chat.page.emulateMedia({ reducedMotion: 'no-preference' });
      await chat.page.evaluate(() => (globalThis as unknown as { document: { body: { classList: { add(c: string): void } } } }).document.body.classList.add('vscode-reduce-motion'));
      assert.equal(await pulse(), 'none');

      await chat.page.evaluate(() => {
        const page = globalThis as unknown as { document: { body: { classList: { replace(a: string, b: string): void } }; documentElement: { style: { setProperty(n: string, v: string): void } } } };
        page.document.body.classList.replace('vscode-dark', 'vscode-high-contrast');
        page.document.documentElement.style.setProperty('--vscode-contrastBorder', '#6fc3df');
      });
      const border = await chat.page.locator('.message.user').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { borderTopColor: string; borderTopStyle: string } }).getComputedStyle(el));
      assert.equal(border.borderTopStyle, 'solid');
      assert.equal(border.borderTopColor, 'rgb(111, 195, 223)');
    });
  });
});

describe('zoom', () => {
  test('at 200% zoom of a narrow side bar (240 CSS pixels) nothing needs scrolling sideways and every control stays in view', async () => {
    await withPage({ width: 240, height: 480, surface: 'panel' }, async (chat) => {
      await busyScreen(chat);
      await chat.page.keyboard.press('Escape');
      const overflow = await chat.page.evaluate(() => {
        interface Box {
          readonly id: string;
          readonly className: string;
          getBoundingClientRect(): { left: number; right: number; width: number };
        }
        const page = globalThis as unknown as {
          innerWidth: number;
          document: { documentElement: { scrollWidth: number; clientWidth: number }; querySelectorAll(s: string): ArrayLike<Box> };
        };
        const controls = Array.from(page.document.querySelectorAll('.top-bar button, .top-bar select, .composer button, #question'));
        const outside = controls
          .filter((el) => {
            const box = el.getBoundingClientRect();
            return box.width > 0 && (box.left < 0 || box.right > page.innerWidth + 0.5);
          })
          .map((el) => el.id || el.className);
        return { scroll: page.document.documentElement.scrollWidth - page.document.documentElement.clientWidth, outside };
      });
      assert.equal(overflow.scroll, 0, 'the page scrolls sideways');
      assert.deepEqual(overflow.outside, [], 'controls outside the view');
    });
  });
});
