// The spend feature between a chat session and its view: the budget warning holds a question
// back (and "send anyway" sends it), the spend line follows every answer, filter findings reach
// the answer, a cut answer says where and why, the 429 card's switch takes only a discovered
// deployment, and the webview's new messages are validated like every other.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StreamEnd } from '../../src/azure/chatStream';
import type { AnswerDetail, AnswerSource } from '../../src/chat/answerSource';
import { ChatSession } from '../../src/chat/chatSession';
import type { ConnectionView, SpendHostMessage } from '../../src/common/protocol';
import { Emitter } from '../../src/common/events';
import type { ConnectionTarget } from '../../src/config/connectionTarget';
import type { ConnectionChange } from '../../src/connection/connectionManager';
import type { SpendBinding } from '../../src/webviewHost/chatWebviewBinding';
import { parseWebviewMessage } from '../../src/webviewHost/messageValidation';
import { sameModelOffers } from '../../src/discovery/deploymentOffers';
import type { DiscoveredDeployment } from '../../src/discovery/deploymentDiscovery';
import { FakeSurface } from './fakeSurface';
import { bindChat } from '../support/chatBinding';

const connectionView: ConnectionView = { state: 'ready', label: 'API key', deployment: 'gpt-4o' };
const nextTurn = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
const citation = { url: 'https://github.com/contoso/x/blob/main/a.c', license: 'MIT' };

/** Answers with text, filter findings and usage; or cuts the answer as the filter does. */
class FilteringSource implements AnswerSource {
  cut = false;
  async streamAnswer(_turns: unknown, _signal: AbortSignal, onText: (text: string) => void, onDetail?: (detail: AnswerDetail) => void): Promise<StreamEnd> {
    onDetail?.({ type: 'quota', quota: { remainingRequests: 5, remainingTokens: 900 } });
    onText('int main() {}');
    if (this.cut) {
      onDetail?.({ type: 'contentFilter', source: 'completion', findings: [{ category: 'violence', severity: 'high', filtered: true }] });
      return { kind: 'contentFiltered' };
    }
    onDetail?.({ type: 'contentFilter', source: 'completion', findings: [{ category: 'protected_material_code', detected: true, filtered: false, citation }] });
    onDetail?.({ type: 'usage', usage: { inputTokens: 100, cachedInputTokens: 64, outputTokens: 10, reasoningTokens: 0 }, cost: 0.002 });
    return { kind: 'finished', finishReason: 'stop' };
  }
}

function setup(overBudget: boolean) {
  const surface = new FakeSurface();
  const source = new FilteringSource();
  const session = new ChatSession(source);
  const switched: ConnectionTarget[] = [];
  const changes = new Emitter<void>();
  const spend: SpendBinding = {
    view: async (viewed) => ({ type: 'spend', spend: { conversation: { inputTokens: viewed.messages.length, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0, answers: 0 }, ...(viewed.quota ? { quota: viewed.quota } : {}) } }),
    budgetWarning: async (_session, text) => (overBudget ? { type: 'budgetWarning', text, spent: 4.9, budget: 5, estimate: 0.2, currency: 'USD' } : undefined),
    switchDeployment: (_session, target) => switched.push(target),
    onDidChange: changes.event,
  };
  bindChat(surface, session, {
    connection: async () => connectionView,
    onDidChangeConnection: new Emitter<ConnectionChange>().event,
    spend,
  });
  surface.fromWebview({ type: 'ready' });
  return { surface, session, source, switched, changes };
}

describe('spend in the chat view', () => {
  test('a question that would pass the budget is held back with a warning; "send anyway" sends it', async () => {
    const { surface, session } = setup(true);
    await nextTurn();
    surface.fromWebview({ type: 'send', text: 'expensive question' });
    await nextTurn();
    const warning = surface.last('budgetWarning');
    assert.deepEqual(warning, { type: 'budgetWarning', text: 'expensive question', spent: 4.9, budget: 5, estimate: 0.2, currency: 'USD' });
    assert.equal(surface.last('restoreDraft')?.text, 'expensive question', 'the question stays in the box');
    assert.equal(session.messages.length, 0, 'nothing was sent');
    surface.fromWebview({ type: 'sendOverBudget', text: 'expensive question' });
    await session.whenIdle();
    assert.equal(session.messages[0]?.text, 'expensive question');
  });

  test('after an answer: its usage with cached tokens and cost, the filter notice with the citation, and the spend line with the quota left', async () => {
    const { surface, session } = setup(false);
    await nextTurn();
    surface.fromWebview({ type: 'send', text: 'write main' });
    await nextTurn();
    await session.whenIdle();
    await nextTurn();
    assert.deepEqual(surface.last('usage')?.usage, { inputTokens: 100, cachedInputTokens: 64, outputTokens: 10, reasoningTokens: 0, cost: 0.002 });
    assert.deepEqual(surface.last('filterNotice')?.filter, { source: 'completion', findings: [{ category: 'protected_material_code', detected: true, filtered: false, citation }] });
    const spend = surface.last('spend') as Extract<SpendHostMessage, { type: 'spend' }> | undefined;
    assert.deepEqual(spend?.spend.quota, { remainingRequests: 5, remainingTokens: 900 });
    assert.equal(spend?.spend.conversation.inputTokens, 2, 'the spend line follows the answer');
  });

  test('an answer cut by the filter keeps its text and says after how much, and why', async () => {
    const { surface, session, source } = setup(false);
    source.cut = true;
    await nextTurn();
    surface.fromWebview({ type: 'send', text: 'q' });
    await nextTurn();
    await session.whenIdle();
    const answer = session.messages.at(-1);
    assert.equal(answer?.text, 'int main() {}');
    assert.match(answer?.problem?.title ?? '', /withheld the rest of this answer, after 13 characters/);
    assert.match(answer?.problem?.detail ?? '', /Flagged: violence \(high\)/);
    assert.deepEqual(surface.last('messageFinished')?.problem?.filter, { source: 'completion', findings: [{ category: 'violence', severity: 'high', filtered: true }], cutAt: 13 });
  });

  test('the 429 card\'s switch goes through the spend binding; the webview\'s messages are validated', async () => {
    const { surface, switched } = setup(false);
    await nextTurn();
    surface.fromWebview({ type: 'switchDeployment', endpoint: 'https://b.openai.azure.com', deployment: 'gpt-4o-eu' });
    assert.deepEqual(switched, [{ endpoint: 'https://b.openai.azure.com', deployment: 'gpt-4o-eu' }]);
    assert.equal(parseWebviewMessage({ type: 'switchDeployment', endpoint: 'javascript:alert(1)', deployment: 'x' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'switchDeployment', endpoint: 'https://b', deployment: 'a b' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'switchDeployment', endpoint: 'https://b', deployment: 'ok', extra: 1 }), undefined);
    assert.equal(parseWebviewMessage({ type: 'sendOverBudget', text: '' }), undefined);
  });

  test('offers after a 429: the same model elsewhere, largest capacity first, never the refused one or a model that cannot chat', () => {
    const deployment = (name: string, endpoint: string, model: string, sku: string, capacity: number | undefined, capabilities: Record<string, string> = { chatCompletion: 'true' }): DiscoveredDeployment => ({
      subscriptionId: 's',
      subscriptionName: 'S',
      accountId: 'a',
      accountName: 'acct',
      accountKind: 'OpenAI',
      location: 'eastus',
      endpoint,
      deployment: name,
      model,
      modelVersion: '2024-11-20',
      sku,
      capacity,
      capabilities,
    });
    const known = [
      deployment('gpt-4o', 'https://a.openai.azure.com', 'gpt-4o', 'Standard', 30),
      deployment('gpt-4o-global', 'https://a.openai.azure.com', 'gpt-4o', 'GlobalStandard', 450),
      deployment('gpt-4o-eu', 'https://b.openai.azure.com', 'gpt-4o', 'DataZoneStandard', 100),
      deployment('gpt-4o-empty', 'https://b.openai.azure.com', 'gpt-4o', 'Standard', 0),
      deployment('mini', 'https://b.openai.azure.com', 'gpt-4o-mini', 'Standard', 1000),
      deployment('ptu', 'https://c.openai.azure.com', 'gpt-4o', 'ProvisionedManaged', 50, { embeddings: 'true', chatCompletion: 'false' }),
    ];
    assert.deepEqual(sameModelOffers(known, 'https://a.openai.azure.com/', 'gpt-4o', undefined), [
      { endpoint: 'https://a.openai.azure.com', deployment: 'gpt-4o-global', sku: 'Global Standard', capacity: 450 },
      { endpoint: 'https://b.openai.azure.com', deployment: 'gpt-4o-eu', sku: 'Data Zone Standard', capacity: 100 },
    ]);
    assert.deepEqual(sameModelOffers(known, 'https://z.example', 'unknown', 'gpt-4o-2024-11-20').length, 3, 'the reported model, versioned, finds its base (at most three offers)');
  });
});
