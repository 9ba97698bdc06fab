// Today's Azure models through the extension's real stack and the real `openai` SDK: the v1 API,
// chat completions and the Responses API chosen per model, adapting once to what a model
// refuses, reasoning summaries, usage, reasoning effort, and trimming to the context window.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { SecretName } from '../../src/config/settingKeys';
import type { ModelEvent } from '../../src/azure/modelRequest';
import { AzureOpenAIStandIn } from '../standin/azureOpenAIStandIn';
import { createChatStack, MemorySecrets } from './chatStack';

const apiKey = 'standin-key-0123456789abcdef0123456789';
let standIn: AzureOpenAIStandIn;

before(async () => {
  standIn = await AzureOpenAIStandIn.start({
    apiKey,
    deployments: [
      'gpt-4o-mini',
      { name: 'gpt-5-mini', model: 'gpt-5-mini-2025-08-07' },
      { name: 'gpt-5-codex', model: 'gpt-5-codex-2025-09-15' },
      // Deployment names that say nothing about the model behind them.
      { name: 'prod-coder', model: 'gpt-5-codex-2025-09-15' },
      { name: 'prod-thinker', model: 'gpt-5-mini-2025-08-07' },
      { name: 'old-reasoner', model: 'o1-mini-2024-09-12' },
      { name: 'small-window', model: 'gpt-4o-mini-2024-07-18', contextWindow: 1500 },
    ],
  });
});
after(() => standIn.close());
beforeEach(() => standIn.reset());

function stack(deployment: string, overrides: Record<string, unknown> = {}, extra: Parameters<typeof createChatStack>[0] extends infer O ? Partial<O> : never = {}) {
  const secrets = new MemorySecrets();
  secrets.values.set(SecretName.apiKey, apiKey);
  return createChatStack({
    settings: { endpoint: standIn.endpoint, deployment, auth: 'apiKey', systemPrompt: 'Be brief.', ...overrides },
    secrets,
    ...extra,
  });
}

interface RequestBody {
  messages?: Array<{ role: string; content: string }>;
  input?: Array<{ role: string; content: string }>;
  instructions?: string;
  store?: boolean;
  reasoning?: { effort?: string; summary?: string };
  reasoning_effort?: string;
  max_completion_tokens?: number;
  max_tokens?: number;
  max_output_tokens?: number;
  stream_options?: { include_usage?: boolean };
  temperature?: number;
}

const bodyOf = (index: number) => standIn.requests[index]?.body as RequestBody;

describe('the same chat on three generations of models, only the deployment changed', () => {
  test('gpt-4o-mini answers on v1 chat completions, with usage', async () => {
    const chat = stack('gpt-4o-mini');
    const answer = await chat.ask('What is Azure?');
    assert.equal(answer?.status, 'done');
    assert.match(answer?.text ?? '', /You asked: What is Azure\?/);
    const [request] = standIn.requests;
    assert.equal(request?.path, '/openai/v1/chat/completions');
    assert.deepEqual(request?.query, {});
    const body = bodyOf(0);
    assert.deepEqual(body.messages?.[0], { role: 'system', content: 'Be brief.' });
    assert.equal(body.stream_options?.include_usage, true);
    assert.equal(body.reasoning_effort, undefined);
    assert.ok((body.max_completion_tokens ?? 0) > 0 && body.max_tokens === undefined);
    assert.ok((answer?.usage?.inputTokens ?? 0) > 0 && (answer?.usage?.outputTokens ?? 0) > 0);
    assert.equal(answer?.usage?.reasoningTokens, 0);
    assert.equal(answer?.usage?.contextWindow, 128_000);
    assert.equal(answer?.reasoning, undefined);
  });

  for (const deployment of ['gpt-5-mini', 'gpt-5-codex']) {
    test(`${deployment} answers on the v1 Responses API; its reasoning summary is kept apart from the answer`, async () => {
      const chat = stack(deployment);
      const reasoning: string[] = [];
      chat.session.onDidChange((event) => event.type === 'reasoningDelta' && reasoning.push(event.text));
      const answer = await chat.ask('Explain streaming');
      assert.equal(answer?.status, 'done');
      assert.equal(standIn.requests.length, 1, 'no refusal to adapt to: the name says which model it is');
      assert.equal(standIn.requests[0]?.path, '/openai/v1/responses');
      const body = bodyOf(0);
      assert.equal(body.store, false);
      assert.equal(body.instructions, 'Be brief.');
      assert.deepEqual(body.input, [{ role: 'user', content: 'Explain streaming' }]);
      assert.equal(body.reasoning?.summary, 'auto');
      assert.match(answer?.reasoning ?? '', /Reading the question/);
      assert.ok(reasoning.length > 1, 'the summary streams in pieces');
      assert.doesNotMatch(answer?.text ?? '', /Reading the question/);
      assert.ok((answer?.usage?.reasoningTokens ?? 0) > 0);
      assert.equal(answer?.usage?.contextWindow, 400_000);

      // The next question sends the answer back, never the reasoning.
      await chat.ask('And then?');
      const second = bodyOf(1);
      assert.deepEqual(
        second.input?.map((item) => item.role),
        ['user', 'assistant', 'user'],
      );
      assert.ok(second.input?.every((item) => !item.content.includes('Reading the question')));
    });
  }
});

describe('adapting to what a deployment refuses, once, and remembering it', () => {
  test('a codex model behind an unhelpful name: OperationNotSupported once, then Responses for good', async () => {
    const chat = stack('prod-coder');
    const first = await chat.ask('hi');
    assert.equal(first?.status, 'done');
    assert.deepEqual(
      standIn.requests.map((r) => [r.path, r.status]),
      [
        ['/openai/v1/chat/completions', 400],
        ['/openai/v1/responses', 200],
      ],
    );
    await chat.ask('again');
    assert.equal(standIn.requests.length, 3);
    assert.equal(standIn.requests[2]?.path, '/openai/v1/responses');
    assert.ok(chat.log.lines.some((line) => /prod-coder refused part of the request/.test(line)));
  });

  test('a model hint (discovery) avoids even the first refusal', async () => {
    const chat = stack('prod-coder', {}, { modelHint: (_endpoint, deployment) => (deployment === 'prod-coder' ? 'gpt-5-codex' : undefined) });
    await chat.ask('hi');
    assert.deepEqual(
      standIn.requests.map((r) => r.path),
      ['/openai/v1/responses'],
    );
  });

  test('the model the service reports decides the next request: a gpt-5-mini behind an unknown name moves to Responses', async () => {
    const chat = stack('prod-thinker');
    await chat.ask('first');
    assert.equal(standIn.requests[0]?.path, '/openai/v1/chat/completions');
    assert.equal((await chat.client.deploymentInfo())?.profile.model, 'gpt-5-mini-2025-08-07');
    const second = await chat.ask('second');
    assert.equal(standIn.requests[1]?.path, '/openai/v1/responses');
    assert.ok(second?.reasoning);
  });

  test('developer vs system role: an o1-mini refuses both, and gets the instructions as user words', async () => {
    const chat = stack('old-reasoner');
    const answer = await chat.ask('hi');
    assert.equal(answer?.status, 'done');
    assert.deepEqual(
      standIn.requests.map((r) => r.status),
      [400, 400, 200],
    );
    assert.deepEqual(
      standIn.requests.map((r) => (r.body as RequestBody).messages?.[0]?.role),
      ['system', 'developer', 'user'],
    );
    await chat.ask('again');
    assert.equal(standIn.requests.at(-1)?.status, 200);
    assert.equal(standIn.requests.length, 4, 'remembered: no second round of refusals');
  });

  test('temperature refused by a reasoning model is dropped once; max_tokens refused becomes max_completion_tokens', async () => {
    const chat = stack('prod-thinker');
    const events: ModelEvent[] = [];
    await chat.client.stream(
      { messages: [{ role: 'user', content: 'hi' }], temperature: 0.2, maxOutputTokens: 500 },
      new AbortController().signal,
      (event) => events.push(event),
    );
    assert.deepEqual(
      standIn.requests.map((r) => r.status),
      [400, 200],
    );
    assert.equal(bodyOf(0).temperature, 0.2);
    assert.equal(bodyOf(1).temperature, undefined);
    assert.equal(bodyOf(1).max_completion_tokens, 500);
    assert.ok(events.some((event) => event.type === 'text'));

    // A learned max_tokens preference that the model refuses is corrected the same way.
    chat.memory.set(`${standIn.endpoint.toLowerCase()}|old-reasoner`, { learned: { maxTokensParameter: 'max_tokens', instructionsRole: 'user' } });
    const other = stack('old-reasoner', {}, { memory: chat.memory });
    standIn.reset();
    await other.client.stream({ messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 300 }, new AbortController().signal, () => undefined);
    assert.deepEqual(
      standIn.requests.map((r) => [r.status, bodyOf(standIn.requests.indexOf(r)).max_tokens, bodyOf(standIn.requests.indexOf(r)).max_completion_tokens]),
      [
        [400, 300, undefined],
        [200, undefined, 300],
      ],
    );
  });
});

describe('reasoning effort', () => {
  test('is sent only to models that take it, and remembered per deployment', async () => {
    const mini = stack('gpt-5-mini');
    await mini.client.setReasoningEffort('minimal');
    await mini.ask('think a little');
    assert.deepEqual(bodyOf(0).reasoning, { effort: 'minimal', summary: 'auto' });

    // codex takes low, medium and high: a remembered 'minimal' from elsewhere is not sent.
    const codex = stack('gpt-5-codex', {}, { memory: mini.memory });
    await codex.client.setReasoningEffort('minimal');
    await codex.ask('think');
    assert.deepEqual(bodyOf(1).reasoning, { summary: 'auto' });
    await codex.client.setReasoningEffort('high');
    await codex.ask('think hard');
    assert.equal(bodyOf(2).reasoning?.effort, 'high');

    const gpt4o = stack('gpt-4o-mini', {}, { memory: mini.memory });
    await gpt4o.client.setReasoningEffort('high');
    assert.deepEqual((await gpt4o.client.deploymentInfo())?.profile.reasoningEfforts, []);
    await gpt4o.ask('no thinking here');
    assert.equal(bodyOf(3).reasoning_effort, undefined);

    // Per deployment: gpt-5-mini kept its own choice.
    assert.equal((await mini.client.deploymentInfo())?.effort, 'minimal');
  });
});

describe('dated api-versions a user saved keep working', () => {
  test('2024-10-21 on gpt-4o-mini uses the deployments path with the api-version', async () => {
    await stack('gpt-4o-mini', { apiVersion: '2024-10-21' }).ask('hi');
    assert.equal(standIn.requests[0]?.path, '/openai/deployments/gpt-4o-mini/chat/completions');
    assert.equal(standIn.requests[0]?.query['api-version'], '2024-10-21');
  });

  test('a gpt-5-mini on a dated version that predates it is explained, with v1 as the fix', async () => {
    const answer = await stack('prod-thinker', { apiVersion: '2024-10-21' }).ask('hi');
    assert.equal(answer?.status, 'error');
    assert.match(answer?.problem?.title ?? '', /needs a newer API version than 2024-10-21/);
    assert.match(answer?.problem?.detail ?? '', /Set azureOpenAIChat.apiVersion to v1/);
    assert.deepEqual(answer?.problem?.actions, ['openSettings', 'retry']);
  });

  test('a reasoning model on a dated version before Responses existed falls back to chat completions, once', async () => {
    const chat = stack('gpt-5-mini', { apiVersion: '2024-12-01-preview' });
    await chat.ask('hi');
    await chat.ask('again');
    assert.deepEqual(
      standIn.requests.map((r) => [r.path, r.status]),
      [
        ['/openai/responses', 400],
        ['/openai/deployments/gpt-5-mini/chat/completions', 200],
        ['/openai/deployments/gpt-5-mini/chat/completions', 200],
      ],
    );
  });

  test('a codex model on a dated version without Responses is explained', async () => {
    const answer = await stack('gpt-5-codex', { apiVersion: '2024-12-01-preview' }).ask('hi');
    assert.match(answer?.problem?.title ?? '', /answers only on the Responses API/);
    assert.match(answer?.problem?.detail ?? '', /v1/);
  });

  test('2025-04-01-preview serves Responses at /openai/responses with the api-version', async () => {
    const answer = await stack('gpt-5-codex', { apiVersion: '2025-04-01-preview' }).ask('hi');
    assert.equal(answer?.status, 'done');
    assert.equal(standIn.requests[0]?.path, '/openai/responses');
    assert.equal(standIn.requests[0]?.query['api-version'], '2025-04-01-preview');
    assert.equal((standIn.requests[0]?.body as { model?: string }).model, 'gpt-5-codex');
  });
});

describe('the context window', () => {
  test('a conversation longer than the window keeps answering: the oldest turns are left out, and the chat says where sending starts', async () => {
    const chat = stack('small-window', {}, { modelHint: () => 'gpt-4o-mini' });
    // The model family says 128k; the deployment's real window is 1500 tokens.
    const paragraph = 'Azure OpenAI streams answers token by token to the chat in VS Code. '.repeat(12);
    let startsAt: string | undefined;
    chat.session.onDidChange((event) => {
      if (event.type === 'sendingStartsAt') {
        startsAt = event.messageId;
      }
    });
    for (let i = 1; i <= 6; i++) {
      const answer = await chat.ask(`Question ${i}: ${paragraph}`);
      assert.equal(answer?.status, 'done', `answer ${i}: ${answer?.problem?.title ?? ''}`);
    }
    // The first long conversation hit context_length_exceeded once, learned the window, re-trimmed.
    assert.ok(standIn.requests.some((r) => r.status === 400));
    assert.equal((await chat.client.deploymentInfo())?.profile.contextWindow, 1500);
    assert.ok(startsAt, 'the chat knows where sending starts');
    assert.equal(chat.session.sendingStartsAt, startsAt);
    const last = bodyOf(standIn.requests.length - 1);
    const firstSent = chat.session.messages.find((m) => m.id === startsAt);
    assert.equal(firstSent?.role, 'user');
    assert.equal(last.messages?.[1]?.content, firstSent?.text);
    assert.ok((last.messages?.length ?? 0) < 1 + 11, 'older turns were left out');
  });

  test('context_length_exceeded that trimming cannot fix is explained with New chat as the fix', async () => {
    const chat = stack('small-window');
    const answer = await chat.ask(`One huge question: ${'many words in one question '.repeat(400)}`);
    assert.equal(answer?.status, 'error');
    assert.match(answer?.problem?.title ?? '', /no longer fits the model's context window/);
    assert.deepEqual(answer?.problem?.actions, ['newChat', 'retry']);
  });
});

describe('tool calls reach the core consumer on both APIs', () => {
  for (const deployment of ['gpt-4o-mini', 'gpt-5-codex']) {
    test(`${deployment}: start, argument pieces, end, and finish reason tool_calls; tool results are sent back`, async () => {
      const chat = stack(deployment);
      standIn.enqueue({ text: 'Let me look.', toolCalls: [{ name: 'readFile', arguments: '{"path":"src/extension.ts","lines":[1,40]}' }] });
      const events: ModelEvent[] = [];
      const tools = [{ name: 'readFile', description: 'Reads a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } }];
      const end = await chat.client.stream({ messages: [{ role: 'user', content: 'read it' }], tools }, new AbortController().signal, (event) => events.push(event));
      assert.deepEqual(end, { kind: 'finished', finishReason: 'tool_calls' });
      const start = events.find((event) => event.type === 'toolCallStart');
      const pieces = events.filter((event) => event.type === 'toolCallArguments');
      const done = events.find((event) => event.type === 'toolCallEnd');
      assert.equal(start?.type === 'toolCallStart' && start.name, 'readFile');
      assert.ok(pieces.length > 1);
      assert.ok(done?.type === 'toolCallEnd');
      assert.deepEqual(JSON.parse(done.call.arguments), { path: 'src/extension.ts', lines: [1, 40] });

      await chat.client.stream(
        {
          messages: [
            { role: 'user', content: 'read it' },
            { role: 'assistant', content: 'Let me look.', toolCalls: [done.call] },
            { role: 'tool', callId: done.call.callId, content: 'export function activate() {}' },
          ],
          tools,
        },
        new AbortController().signal,
        () => undefined,
      );
      const sent = standIn.requests[1]?.body as { messages?: unknown[]; input?: unknown[]; tools?: unknown[] };
      const items = JSON.stringify(sent.messages ?? sent.input);
      assert.ok(items.includes(done.call.callId) && items.includes('export function activate'));
      assert.equal(sent.tools?.length, 1);
    });
  }
});
