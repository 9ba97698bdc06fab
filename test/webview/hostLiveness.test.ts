/**
 * The chat webview when its extension host goes away (issue 23): nothing tells it, so while an
 * answer is in flight it asks `ping` after a silence, and a host that answers nothing is gone.
 * Real timing (2 s of silence, then 5 s without an answer), so these tests take seconds.
 *
 * Needs dist/webview.js (node esbuild.mjs) and Debian's Chromium. Run: node --test out/test/webview/
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChatMessageView, HostToWebviewMessage } from '../../src/common/protocol';
import { snapshot } from './chatPage';
import { answer, chatPagesForThisFile, user } from './pageFixture';

const { withPage } = chatPagesForThisFile();

const streaming: ChatMessageView = answer('a1', 'The first half', 'streaming');

describe('an extension host that went away', () => {
  test('a silent host during an answer is asked, then the answer is marked interrupted and the question kept', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'Tell me'), streaming], { busy: true }));
      await chat.clearPosted();
      // A host that streams is not asked.
      for (let i = 0; i < 6; i++) {
        await chat.page.waitForTimeout(400);
        await chat.sendHost({ type: 'delta', messageId: 'a1', text: '.' });
      }
      assert.deepEqual(await chat.posted(), [], 'a talking host was pinged');
      // Silence: a ping after about 2 s.
      await chat.page.waitForFunction(() => (globalThis as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ping'), undefined, { timeout: 4_000, polling: 100 });
      assert.equal(await chat.page.locator('#host-status').isVisible(), false, 'lost before the host had time to answer');
      // No answer: lost about 5 s later.
      await chat.page.locator('#host-status').waitFor({ state: 'visible', timeout: 8_000 });
      const reply = chat.page.locator('.message.assistant');
      assert.equal(await reply.getAttribute('data-status'), 'stopped');
      assert.match(await reply.locator('.problem').innerText(), /interrupted/);
      assert.match(await reply.locator('.message-body').innerText(), /^The first half\.+$/);
      assert.equal(await chat.page.locator('#stop').isVisible(), false);
      // A question typed now stays in the box, and says why.
      await chat.clearPosted();
      await chat.page.locator('#question').fill('Still there?');
      await chat.page.locator('#question').press('Enter');
      assert.equal(await chat.page.locator('#question').inputValue(), 'Still there?');
      assert.match(await chat.page.locator('.composer-warning').innerText(), /extension host stopped/);
      assert.deepEqual(await chat.posted(), [{ type: 'ping' }], 'only asked whether the host is back');
    });
  });

  test('a question sent to a host that never answers comes back into the box', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'Hello'), answer('a1', 'Hi')]));
      await chat.page.locator('#question').fill('Are you there?');
      await chat.page.locator('#question').press('Enter');
      assert.equal(await chat.page.locator('#question').inputValue(), '');
      await chat.page.locator('#host-status').waitFor({ state: 'visible', timeout: 10_000 });
      assert.equal(await chat.page.locator('#question').inputValue(), 'Are you there?');
    });
  });

  test('a host that answers again gets ready and sends the conversation as it is', async () => {
    await withPage({}, async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'Tell me'), streaming], { busy: true }));
      await chat.page.locator('#host-status').waitFor({ state: 'visible', timeout: 10_000 });
      await chat.clearPosted();
      const pong: HostToWebviewMessage = { type: 'pong' };
      await chat.sendHost(pong);
      assert.deepEqual(await chat.posted(), [{ type: 'ready' }]);
      assert.equal(await chat.page.locator('#host-status').isVisible(), false);
      await chat.sendHost(snapshot([user('u1', 'Tell me'), answer('a1', 'The whole answer')]));
      assert.equal(await chat.page.locator('.message.assistant').getAttribute('data-status'), 'done');
      await chat.page.locator('#question').fill('Next');
      await chat.page.locator('#question').press('Enter');
      assert.deepEqual((await chat.posted()).at(-1), { type: 'send', text: 'Next' });
    });
  });
});
