// The usage ledger: per deployment per day, the chat's answers apart from other extensions',
// kept in a store across reloads; prices from the user's table only; the cost of cached input at
// its own price; budgets; and, end to end through the real SDK and the stand-in, every answer
// recorded with its cached tokens and cost.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  budgetFor,
  conversationTotals,
  estimateCost,
  estimateQuestionCost,
  type LedgerStore,
  parseBudgets,
  parsePriceTable,
  priceFor,
  UsageLedger,
} from '../../src/chat/usageLedger';
import { SecretName } from '../../src/config/settingKeys';
import { AzureOpenAIStandIn } from '../standin/azureOpenAIStandIn';
import { createChatStack, MemorySecrets } from './chatStack';
import { createChatCore } from '../../src/chatCore';

function memoryStore(): LedgerStore & { value: unknown } {
  const store = { value: undefined as unknown, get: () => store.value, set: (next: unknown) => void (store.value = JSON.parse(JSON.stringify(next))) };
  return store;
}

const usage = { inputTokens: 2000, cachedInputTokens: 1024, outputTokens: 500, reasoningTokens: 100 };

describe('usage ledger', () => {
  test('prices come only from the user, per model or deployment; a versioned model takes its base entry', () => {
    const table = parsePriceTable({ 'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 }, 'GPT-4o': { input: 2.5, output: 10 }, broken: { input: -1, output: 2 }, odd: 'x' });
    assert.deepEqual(Object.keys(table).sort(), ['gpt-4o', 'gpt-4o-mini']);
    assert.equal(priceFor(table, 'gpt-4o-mini-2024-07-18', 'my-deployment'), table['gpt-4o-mini'], 'the longest base name wins over gpt-4o');
    assert.equal(priceFor(table, 'gpt-4o-2024-11-20', 'x'), table['gpt-4o']);
    assert.equal(priceFor(table, 'o3-mini', 'x'), undefined, 'no entry, no cost');
    assert.equal(priceFor(parsePriceTable({ 'team-gpt': { input: 1, output: 1 } }), 'gpt-4o', 'team-gpt')?.input, 1, 'a deployment entry wins');
  });

  test('cached input is billed at its own price, reasoning as output', () => {
    const price = { input: 2, cachedInput: 1, output: 8 };
    // 976 uncached * 2 + 1024 cached * 1 + 500 output * 8, per million.
    assert.equal(estimateCost(usage, price), (976 * 2 + 1024 * 1 + 500 * 8) / 1e6);
    assert.equal(estimateCost(usage, { input: 2, output: 8 }), (2000 * 2 + 500 * 8) / 1e6, 'no cached price: the input price');
  });

  test('per deployment per day, the chat apart from other extensions, kept across a reload', () => {
    const store = memoryStore();
    let now = new Date(2026, 11, 8, 10);
    const ledger = new UsageLedger(store, () => now);
    ledger.record({ endpoint: 'https://a.openai.azure.com/', deployment: 'gpt-4o', consumer: 'chat', usage, cost: 0.01 });
    ledger.record({ endpoint: 'https://a.openai.azure.com', deployment: 'gpt-4o', consumer: 'otherExtensions', usage, cost: 0.01 });
    ledger.record({ endpoint: 'https://a.openai.azure.com', deployment: 'mini', consumer: 'otherExtensions', usage });
    const reloaded = new UsageLedger(store, () => now);
    const today = reloaded.deploymentToday('https://a.openai.azure.com', 'gpt-4o');
    assert.deepEqual(today, { inputTokens: 4000, cachedInputTokens: 2048, outputTokens: 1000, reasoningTokens: 200, answers: 2, cost: 0.02 });
    assert.equal(reloaded.deploymentToday('https://a.openai.azure.com', 'gpt-4o', 'chat').answers, 1);
    const others = reloaded.allToday('otherExtensions');
    assert.equal(others.answers, 2);
    assert.equal(others.cost, 0.01, 'an answer without a price adds tokens, not cost');
    now = new Date(2026, 11, 9, 9);
    assert.equal(reloaded.deploymentToday('https://a.openai.azure.com', 'gpt-4o').answers, 0, 'a new day starts at zero');
    assert.deepEqual(reloaded.history('https://a.openai.azure.com', 'gpt-4o').map((entry) => entry.day), ['2026-12-08']);
  });

  test('a malformed store is read as far as it is valid, never trusted', () => {
    const store = memoryStore();
    store.value = { version: 1, days: { '2026-12-08': { 'x gpt': { chat: { inputTokens: -5 }, otherExtensions: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, reasoningTokens: 0, answers: 1 } } }, nonsense: 3 } };
    const ledger = new UsageLedger(store, () => new Date(2026, 11, 8));
    assert.equal(ledger.deploymentToday('x', 'gpt').answers, 1);
  });

  test('conversation totals come from the answers\' saved usage; budgets and a question\'s estimate', () => {
    const totals = conversationTotals([{ usage: { ...usage, cost: 0.5 } }, {}, { usage: { inputTokens: 10, outputTokens: 5, reasoningTokens: 0 } }]);
    assert.deepEqual(totals, { inputTokens: 2010, cachedInputTokens: 1024, outputTokens: 505, reasoningTokens: 100, answers: 2, cost: 0.5 });
    const budgets = parseBudgets({ 'GPT-4o': 5, '*': 1, bad: -2 });
    assert.equal(budgetFor(budgets, 'gpt-4o'), 5);
    assert.equal(budgetFor(budgets, 'other'), 1);
    const estimate = estimateQuestionCost({ input: 1_000_000, output: 1_000_000 }, [{ text: 'x'.repeat(396) }, { text: 'y', usage: { inputTokens: 1, outputTokens: 40, reasoningTokens: 0 } }], 'abc');
    assert.equal(estimate, 100 + 40, '400 characters are about 100 tokens in, the average answer 40 out');
  });
});

describe('usage ledger through the real SDK and the stand-in', () => {
  const apiKey = 'ledger-key-0123456789abcdef0123456789';
  let standIn: AzureOpenAIStandIn;
  before(async () => {
    standIn = await AzureOpenAIStandIn.start({ apiKey });
  });
  after(() => standIn.close());

  test('every chat answer is recorded with its cached tokens and cost; other extensions\' requests apart', async () => {
    const secrets = new MemorySecrets();
    secrets.values.set(SecretName.apiKey, apiKey);
    const settings = { endpoint: standIn.endpoint, deployment: 'gpt-4o-mini', auth: 'apiKey', trustedHosts: ['127.0.0.1'] };
    const stack = createChatStack({ settings, secrets });
    standIn.enqueue({ text: 'one', cachedTokens: 4 });
    const answer = await stack.ask('first');
    assert.equal(answer?.usage?.cachedInputTokens, 4);
    assert.equal(answer?.usage?.cost, undefined, 'no price set: no cost');

    const store = memoryStore();
    const priced = createChatCore({
      microsoft: { getSessionSilently: async () => undefined },
      secrets,
      readSettings: () => settings,
      log: stack.log,
      env: process.env,
      usageStore: store,
      readPrices: () => ({ 'gpt-4o-mini': { input: 1, cachedInput: 0.5, output: 4 } }),
    });
    standIn.enqueue({ text: 'two words', cachedTokens: 8 });
    let cost: number | undefined;
    await priced.source.streamAnswer([{ role: 'user', content: 'second' }], new AbortController().signal, () => undefined, (detail) => {
      if (detail.type === 'usage') {
        cost = detail.cost;
      }
    });
    const today = priced.spend.ledger.deploymentToday(standIn.endpoint, 'gpt-4o-mini', 'chat');
    assert.equal(today.answers, 1);
    assert.equal(today.cachedInputTokens, 8);
    assert.ok(cost !== undefined && cost > 0 && Math.abs((today.cost ?? 0) - cost) < 1e-12, `cost ${cost} recorded as ${today.cost}`);

    // The language model provider's client counts as another extension's request.
    standIn.enqueue({ text: 'three' });
    await priced.createClient(() => priced.connections.current(undefined)).stream({ messages: [{ role: 'user', content: 'x' }] }, new AbortController().signal, () => undefined);
    assert.equal(priced.spend.ledger.allToday('otherExtensions').answers, 1);
    assert.equal(priced.spend.ledger.deploymentToday(standIn.endpoint, 'gpt-4o-mini', 'chat').answers, 1);
    assert.ok(store.value, 'kept in the injected store');
  });
});
