/**
 * The conversations feature in the real webview bundle: history list, context chips, code block
 * Insert/Open, turn actions and keyboard (Up recalls, Escape closes). Run: node --test out/test/webview/
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { snapshot } from './chatPage';
import { answer, chatPagesForThisFile, user } from './pageFixture';

const pages = chatPagesForThisFile();

const withPage = pages.withPage;


describe('conversation history in the webview', () => {
  test('History opens by keyboard, lists titles and dates, searches through the host, opens and deletes with Undo', async () => {
    await withPage({ surface: 'sidebar' }, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q')]), { type: 'conversation', id: 'c1', title: 'First question' });
      assert.equal(await chat.page.locator('#conversation-title').textContent(), 'First question');
      await chat.clearPosted();
      await chat.page.locator('#show-history').focus();
      await chat.page.keyboard.press('Enter');
      assert.deepEqual(await chat.posted(), [{ type: 'listConversations', query: '' }]);
      assert.equal(await chat.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id), 'history-search');
      const now = Date.now();
      await chat.sendHost({
        type: 'history',
        query: '',
        items: [
          { id: 'c1', title: 'First question', updated: now },
          { id: 'c2', title: 'Older one', updated: now - 3 * 86_400_000 },
        ],
      });
      const rows = chat.page.locator('#history-list .history-item');
      assert.equal(await rows.count(), 2);
      // Named by its visible text (title, date), with a comma between them only a screen reader hears.
      assert.match((await rows.nth(0).locator('.history-open').textContent()) ?? '', /^First question, Today /);
      assert.equal(await rows.nth(0).locator('.history-open').getAttribute('aria-label'), null);
      assert.equal(await rows.nth(1).locator('button.delete').getAttribute('aria-label'), 'Delete “Older one”');

      await chat.clearPosted();
      await chat.page.keyboard.type('old');
      assert.deepEqual((await chat.posted()).at(-1), { type: 'listConversations', query: 'old' });
      await chat.sendHost({ type: 'history', query: 'ol', items: [] }); // an older answer: ignored
      assert.equal(await rows.count(), 2);
      await chat.sendHost({ type: 'history', query: 'old', items: [{ id: 'c2', title: 'Older one', updated: now - 3 * 86_400_000 }] });
      assert.equal(await rows.count(), 1);

      // Down from the search box reaches the list; Enter opens and closes the history.
      await chat.clearPosted();
      await chat.page.keyboard.press('ArrowDown');
      await chat.page.keyboard.press('Enter');
      assert.deepEqual(await chat.posted(), [{ type: 'openConversation', id: 'c2' }]);
      assert.equal(await chat.page.locator('#history').isHidden(), true);
      // Opened to be continued: the question box has focus, not <body>.
      assert.equal(await chat.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id), 'question');

      await chat.page.locator('#show-history').click();
      await chat.sendHost({ type: 'history', query: 'old', items: [{ id: 'c2', title: 'Older one', updated: now }] });
      await chat.clearPosted();
      await rows.nth(0).locator('button.delete').click();
      await chat.sendHost({ type: 'conversationDeleted', id: 'c2', title: 'Older one' });
      assert.match((await chat.page.locator('.history-undo').textContent()) ?? '', /Deleted “Older one”/);
      await chat.page.locator('#history-undo').click();
      assert.deepEqual(await chat.posted(), [
        { type: 'deleteConversation', id: 'c2' },
        { type: 'undoDelete', id: 'c2' },
      ]);
      await chat.page.keyboard.press('Escape');
      assert.equal(await chat.page.locator('#history').isHidden(), true);
    });
  });
});

describe('context, code and turns', () => {
  test('chips show name and tokens, can be removed, and appear on the question they went with', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([]), {
        type: 'attachments',
        items: [{ id: 'a1', kind: 'file', name: 'src/big.ts', language: 'typescript', tokens: 10000, truncated: true, note: 'Cut: only the first 400 of 1,000 lines were attached.' }],
      });
      const chip = chat.page.locator('#pending-attachments .attachment-chip');
      assert.equal(await chip.getAttribute('aria-label'), 'File src/big.ts, about 10,000 tokens, cut');
      assert.match((await chip.textContent()) ?? '', /Cut: only the first 400 of 1,000 lines/);
      await chat.clearPosted();
      await chip.locator('.chip-remove').click();
      await chat.page.locator('#attach-active-file').click();
      await chat.page.locator('#attach-files').click();
      assert.deepEqual(await chat.posted(), [{ type: 'removeAttachment', id: 'a1' }, { type: 'attachActiveFile' }, { type: 'attachFiles' }]);
      await chat.sendHost({
        type: 'messageAdded',
        message: user('u1', 'Explain this', { attachments: [{ id: 's1', kind: 'selection', name: 'src/a.ts:3-9', language: 'typescript', tokens: 42, truncated: false }] }),
      });
      assert.equal(await chat.page.locator('.message.user .attachment-chip').getAttribute('aria-label'), 'Selection src/a.ts:3-9, about 42 tokens');
      assert.equal((await chat.page.locator('.message.user .message-body').textContent())?.trim(), 'Explain this');
    });
  });

  test('code blocks offer Insert and Open with their language', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q'), answer('a1', 'Here:\n\n```python\nprint(1)\n```\n')]));
      await chat.clearPosted();
      await chat.page.locator('.code-block .insert-code').click();
      await chat.page.locator('.code-block .open-code').focus();
      await chat.page.keyboard.press('Enter');
      assert.deepEqual(await chat.posted(), [
        { type: 'insertCode', code: 'print(1)\n', language: 'python' },
        { type: 'openCode', code: 'print(1)\n', language: 'python' },
      ]);
      assert.equal(await chat.page.locator('.code-block .insert-code').getAttribute('aria-label'), 'Insert code at cursor');
    });
  });

  test('Up in an empty box recalls the last question; Edit resends the last question in its place', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'first'), answer('a1', 'one'), user('u2', 'second'), answer('a2', 'two')]));
      const input = chat.page.locator('textarea#question');
      await input.focus();
      await chat.page.keyboard.press('ArrowUp');
      assert.equal(await input.inputValue(), 'second');
      await input.fill('');
      // Only the last turn can be edited or regenerated.
      assert.equal(await chat.page.locator('.message[data-id="u1"] .edit-question').isVisible(), false);
      assert.equal(await chat.page.locator('.message[data-id="a1"] .regenerate').isVisible(), false);
      await chat.clearPosted();
      await chat.page.locator('.message[data-id="u2"] .edit-question').click();
      assert.equal(await input.inputValue(), 'second');
      await input.fill('second, better');
      await chat.page.keyboard.press('Enter');
      await chat.page.locator('.message[data-id="a2"] .regenerate').click();
      await chat.page.locator('.message[data-id="a1"] .copy-answer').click();
      assert.deepEqual(await chat.posted(), [
        { type: 'resend', messageId: 'u2', text: 'second, better' },
        { type: 'retry', messageId: 'a2' },
        { type: 'copyAnswer', messageId: 'a1' },
      ]);
      assert.match((await chat.page.locator('.message[data-id="a2"] .regenerate').getAttribute('aria-label')) ?? '', /kept/);
    });
  });

  test('focusInput from the host puts the keyboard in the question box', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([]));
      await chat.page.locator('#attach-files').focus();
      await chat.sendHost({ type: 'focusInput' });
      assert.equal(await chat.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id), 'question');
    });
  });
});
