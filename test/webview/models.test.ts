/**
 * Models in the chat webview, in real Chromium: the collapsed Thinking section above an answer
 * (live, collapsible, text only), usage under an answer, the context fill, the line where
 * sending starts, and the reasoning effort control (keyboard reachable, only for models that
 * take an effort).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChatMessageView, HostToWebviewMessage } from '../../src/common/protocol';
import { type ChatPage, snapshot } from './chatPage';
import { chatPagesForThisFile, user } from './pageFixture';

const pages = chatPagesForThisFile();

const withPage = (body: (chat: ChatPage) => Promise<void>) => pages.withPage({}, body);

const streaming = (id: string): ChatMessageView => ({ id, role: 'assistant', text: '', status: 'streaming' });

describe('models in the chat webview', () => {
  test('the reasoning summary streams into a collapsed Thinking section above the answer, as safe markdown', async () => {
    await withPage(async (chat) => {
      await chat.sendHost(snapshot([]), { type: 'messageAdded', message: user('u1', 'Why?') }, { type: 'messageAdded', message: streaming('a1') });
      const messages: HostToWebviewMessage[] = [
        { type: 'reasoningDelta', messageId: 'a1', text: '**Weighing options**\n\nFirst <img src=x onerror=alert(1)> ' },
        { type: 'reasoningDelta', messageId: 'a1', text: 'then decide.' },
        { type: 'delta', messageId: 'a1', text: 'Because **it is**.' },
        { type: 'usage', messageId: 'a1', usage: { inputTokens: 1200, outputTokens: 345, reasoningTokens: 64, contextWindow: 400_000 } },
        { type: 'messageFinished', messageId: 'a1', status: 'done' },
      ];
      await chat.sendHost(...messages);
      const answer = chat.page.locator('.message.assistant[data-id="a1"]');
      const thinking = answer.locator('details.reasoning');
      await thinking.waitFor();
      assert.equal(await thinking.getAttribute('open'), null, 'collapsed');
      assert.equal(await thinking.locator('summary').textContent(), 'Thinking: Weighing options');
      assert.equal(await answer.locator('img').count(), 0, 'the summary is never markup');
      assert.equal(await answer.evaluate((el) => el.firstElementChild?.className), 'reasoning', 'above the answer');
      assert.doesNotMatch((await answer.locator('.message-body').textContent()) ?? '', /Weighing/);

      // Keyboard: focus the summary and press Enter to expand, again to collapse.
      await thinking.locator('summary').focus();
      await chat.page.keyboard.press('Enter');
      assert.notEqual(await thinking.getAttribute('open'), null);
      // The body renders on opening, in the next frame or so: a busy machine may take longer.
      const body = thinking.locator('.reasoning-body');
      for (let waited = 0; waited < 5000 && !/then decide/.test((await body.textContent()) ?? ''); waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.match((await body.textContent()) ?? '', /First <img src=x onerror=alert\(1\)> then decide\./);
      // Its bold heading reads as a heading, not as asterisks.
      assert.equal(await thinking.locator('.reasoning-body strong').textContent(), 'Weighing options');
      assert.doesNotMatch((await thinking.locator('.reasoning-body').textContent()) ?? '', /\*\*/);
      await chat.page.keyboard.press('Enter');
      assert.equal(await thinking.getAttribute('open'), null);

      assert.equal(await answer.locator('.usage').textContent(), 'Tokens: 1,200 in · 345 out · 64 reasoning');
      assert.equal(await chat.page.locator('#context-fill').textContent(), 'Context 0%');
      assert.match((await chat.page.locator('#context-fill').getAttribute('title')) ?? '', /1,545 of the model's 400,000 tokens/);
    });
  });

  test('a snapshot restores thinking and usage; the line where sending starts sits before that message', async () => {
    await withPage(async (chat) => {
      await chat.sendHost(
        snapshot([
          user('u1', 'old question'),
          { id: 'a1', role: 'assistant', text: 'old answer', status: 'done' },
          user('u2', 'new question'),
          { id: 'a2', role: 'assistant', text: 'new answer', status: 'done', reasoning: 'Thought about it.', usage: { inputTokens: 900, outputTokens: 100, reasoningTokens: 0, contextWindow: 2000 } },
        ]),
        { type: 'sendingStartsAt', messageId: 'u2' },
      );
      const marker = chat.page.locator('#sending-starts');
      await marker.waitFor();
      assert.equal(await marker.evaluate((el) => el.nextElementSibling?.getAttribute('data-id')), 'u2');
      assert.match((await marker.textContent()) ?? '', /not sent/);
      assert.equal(await chat.page.locator('[data-id="a2"] details.reasoning summary').textContent(), 'Thinking');
      assert.equal(await chat.page.locator('#context-fill').textContent(), 'Context 50%');
      await chat.sendHost({ type: 'sendingStartsAt' });
      assert.equal(await marker.count(), 0);
    });
  });

  test('the effort control shows only the efforts the model takes, and posts the choice', async () => {
    await withPage(async (chat) => {
      await chat.sendHost(snapshot([]), { type: 'modelState', state: { model: 'gpt-4o-mini', efforts: [] } });
      assert.equal(await chat.page.locator('#reasoning-effort').isVisible(), false);
      await chat.sendHost({ type: 'modelState', state: { model: 'gpt-5-codex', efforts: ['low', 'medium', 'high'], effort: 'medium' } });
      const select = chat.page.locator('#reasoning-effort');
      assert.equal(await select.isVisible(), true);
      assert.deepEqual(await select.locator('option').allTextContents(), ['Default', 'Low', 'Medium', 'High']);
      assert.equal(await select.inputValue(), 'medium');
      await chat.clearPosted();
      await select.selectOption('high');
      assert.deepEqual(await chat.posted(), [{ type: 'setReasoningEffort', effort: 'high' }]);
      assert.equal(await chat.page.getByLabel('Effort').count(), 1, 'labelled for screen readers');
    });
  });
});
