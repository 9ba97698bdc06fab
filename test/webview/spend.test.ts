/**
 * Spend in the chat webview, in real Chromium: the usage line with cached tokens and cost, the
 * spend line, a filter notice whose service-written citation stays text (never a link or
 * markup), a 429 card's switch button, and the budget warning's Send anyway.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChatMessageView } from '../../src/common/protocol';
import { type ChatPage, snapshot } from './chatPage';
import { chatPagesForThisFile, user } from './pageFixture';

const pages = chatPagesForThisFile();
const withPage = (body: (chat: ChatPage) => Promise<void>) => pages.withPage({}, body);
const streaming = (id: string): ChatMessageView => ({ id, role: 'assistant', text: '', status: 'streaming' });

describe('spend in the chat webview', () => {
  test('usage with cached tokens and cost; the spend line with totals, budget, other extensions and quota', async () => {
    await withPage(async (chat) => {
      await chat.sendHost(snapshot([]), { type: 'messageAdded', message: user('u1', 'q') }, { type: 'messageAdded', message: streaming('a1') });
      await chat.sendHost(
        { type: 'delta', messageId: 'a1', text: 'Answer.' },
        { type: 'usage', messageId: 'a1', usage: { inputTokens: 2048, cachedInputTokens: 1024, outputTokens: 300, reasoningTokens: 0, cost: 0.00512 } },
        { type: 'messageFinished', messageId: 'a1', status: 'done' },
        {
          type: 'spend',
          spend: {
            conversation: { inputTokens: 2048, cachedInputTokens: 1024, outputTokens: 300, reasoningTokens: 0, answers: 1, cost: 0.00512 },
            deployment: 'gpt-4o',
            today: { inputTokens: 9000, cachedInputTokens: 1024, outputTokens: 900, reasoningTokens: 0, answers: 4, cost: 1.5 },
            otherExtensionsToday: { inputTokens: 100, cachedInputTokens: 0, outputTokens: 10, reasoningTokens: 0, answers: 2 },
            currency: 'USD',
            budget: 5,
            quota: { remainingRequests: 40, remainingTokens: 12_000 },
          },
        },
      );
      const usage = chat.page.locator('.message.assistant[data-id="a1"] .usage');
      await usage.waitFor();
      assert.equal(await usage.textContent(), 'Tokens: 2,048 in · 1,024 cached · 300 out · ≈ $0.0051');
      const spend = chat.page.locator('#spend');
      assert.equal(await spend.locator('.spend-conversation').textContent(), 'This chat: 2,048 in · 1,024 cached · 300 out · ≈ $0.0051');
      assert.equal(await spend.locator('.spend-today').textContent(), 'gpt-4o today: 9,000 in · 1,024 cached · 900 out · ≈ $1.50 of $5.00 budget');
      assert.equal(await spend.locator('.spend-other-extensions').textContent(), 'Other extensions today: 2 requests · 100 in · 10 out');
      assert.equal(await spend.locator('.spend-quota').textContent(), 'Left this minute: 40 requests, 12,000 tokens');
    });
  });

  test("a citation is text: a hostile URL or license never becomes a link or markup", async () => {
    await withPage(async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q'), { id: 'a1', role: 'assistant', text: 'code', status: 'done' }]), {
        type: 'filterNotice',
        messageId: 'a1',
        filter: {
          source: 'completion',
          findings: [{ category: 'protected_material_code', detected: true, filtered: false, citation: { url: 'javascript:alert(1)', license: '<img src=x onerror=alert(1)>' } }],
        },
      });
      const notice = chat.page.locator('.filter-notice');
      await notice.waitFor();
      assert.equal(await notice.locator('a, img').count(), 0);
      assert.equal(await notice.locator('.citation-url').textContent(), 'javascript:alert(1)');
      assert.equal(await notice.locator('.citation-license').textContent(), '<img src=x onerror=alert(1)>');
      assert.match((await notice.locator('.filter-finding').textContent()) ?? '', /^Protected code: detected, annotated only/);
    });
  });

  test("a 429 card offers a switch; the budget warning's Send anyway sends the held question", async () => {
    await withPage(async (chat) => {
      await chat.sendHost(snapshot([user('u1', 'q'), { id: 'a1', role: 'assistant', text: '', status: 'streaming' }]), {
        type: 'messageFinished',
        messageId: 'a1',
        status: 'error',
        problem: {
          title: 'Azure OpenAI is rate-limiting deployment "gpt-4o": it reached its tokens-per-minute limit (TPM).',
          detail: 'It asks to wait 30 seconds.',
          actions: ['retry'],
          rateLimit: { limit: 'tokens', waitSeconds: 30, alternatives: [{ endpoint: 'https://b.openai.azure.com', deployment: 'gpt-4o-global', sku: 'Global Standard', capacity: 450 }] },
        },
      });
      const offer = chat.page.locator('button.switch-deployment');
      await offer.waitFor();
      assert.equal(await offer.textContent(), 'Use gpt-4o-global (Global Standard, capacity 450K TPM)');
      await chat.clearPosted();
      await offer.click();
      await chat.sendHost({ type: 'budgetWarning', text: 'held question', spent: 4.9, budget: 5, estimate: 0.2, currency: 'USD' });
      const warning = chat.page.locator('#budget-warning');
      await warning.waitFor();
      assert.match((await warning.textContent()) ?? '', /\$4\.90 spent of \$5\.00, and it costs about \$0\.200/);
      await chat.page.locator('#send-over-budget').click();
      assert.deepEqual(await chat.posted(), [
        { type: 'switchDeployment', endpoint: 'https://b.openai.azure.com', deployment: 'gpt-4o-global' },
        { type: 'sendOverBudget', text: 'held question' },
      ]);
      assert.equal(await warning.isVisible(), false);
    });
  });
});
