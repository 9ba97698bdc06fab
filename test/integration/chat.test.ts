// A chat in a real VS Code against the loopback Azure OpenAI stand-in: what streams in, what
// the service receives, Stop, a rate limit, New Chat. Driven through the extension's API (the
// same session the panel and sidebar show); the browser E2E test covers the webview itself.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AzureOpenAIChatApi } from '../../src/extension';
import { defaultApiVersion, defaultSystemPrompt } from '../../src/config/settingKeys';
import { chatApi, connectionWhere, lastMessage, waitFor } from './chatExtension';
import { standIn } from './standIn';

interface ChatRequestBody {
  stream?: boolean;
  messages?: Array<{ role: string; content: string }>;
}

suite('Chat against the Azure OpenAI stand-in', () => {
  let api: AzureOpenAIChatApi;

  suiteSetup(async () => {
    api = await chatApi();
  });

  setup(async () => {
    await standIn.reset();
    await vscode.commands.executeCommand('azureOpenAIChat.newChat');
    // The default credential here: the managed identity stand-in (or the fake az) via the chain.
    await connectionWhere(api, 'a ready connection', (view) => view.state === 'ready');
  });

  teardown(async () => {
    await api.stop();
    await vscode.commands.executeCommand('azureOpenAIChat.newChat');
    await standIn.reset();
  });

  test('chunks arrive in order, and the service gets the system prompt and the whole conversation', async () => {
    const chunks = ['Alpha', ' beta', ' gamma', ' delta', '.'];
    await standIn.enqueue({ chunks, delayMs: 80 });
    assert.equal(await api.send('First question'), true);

    // Watch the answer grow: every state seen must extend the one before.
    const seen: string[] = [];
    for (;;) {
      const answer = await lastMessage(api);
      if (answer.role === 'assistant' && answer.text !== seen.at(-1)) {
        seen.push(answer.text);
      }
      if (answer.role === 'assistant' && answer.status !== 'streaming') {
        assert.equal(answer.status, 'done');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const full = chunks.join('');
    assert.equal(seen.at(-1), full);
    for (let i = 1; i < seen.length; i++) {
      assert.ok(seen[i].startsWith(seen[i - 1]), `"${seen[i]}" does not extend "${seen[i - 1]}"`);
    }
    assert.ok(seen.some((text) => text !== '' && text !== full), `the answer did not stream in pieces: ${JSON.stringify(seen)}`);

    await standIn.enqueue({ chunks: ['Second', ' answer'] });
    assert.equal(await api.send('Second question'), true);
    await api.whenIdle();

    const [first, second] = await standIn.requests({ count: 2 });
    for (const request of [first, second]) {
      assert.equal(request.method, 'POST');
      // The default apiVersion is v1: the versionless path, the deployment as `model` in the body.
      assert.equal(defaultApiVersion, 'v1');
      assert.equal(request.path, '/openai/v1/chat/completions');
      assert.deepEqual(request.query, {});
      assert.equal((request.body as { model?: string }).model, standIn.deployment);
      assert.equal(request.status, 200);
      assert.equal(request.closedEarly, false);
      assert.equal((request.body as ChatRequestBody).stream, true);
    }
    const sent = ((second.body as ChatRequestBody).messages ?? []).map(({ role, content }) => ({ role, content }));
    assert.deepEqual(sent, [
      { role: 'system', content: defaultSystemPrompt },
      { role: 'user', content: 'First question' },
      { role: 'assistant', content: full },
      { role: 'user', content: 'Second question' },
    ]);
    assert.deepEqual(
      (await api.messages()).map(({ role, text, status }) => ({ role, text, status })),
      [
        { role: 'user', text: 'First question', status: 'done' },
        { role: 'assistant', text: full, status: 'done' },
        { role: 'user', text: 'Second question', status: 'done' },
        { role: 'assistant', text: 'Second answer', status: 'done' },
      ],
    );
  });

  test('Stop keeps the partial answer and closes the HTTP request', async () => {
    const chunks = Array.from({ length: 30 }, (_, i) => `piece${i} `);
    await standIn.enqueue({ chunks, delayMs: 150 });
    assert.equal(await api.send('Answer slowly, please'), true);
    await waitFor('the first chunks of the answer', async () => ((await lastMessage(api)).text ? true : undefined));

    await api.stop();

    const [question, answer] = await api.messages();
    assert.deepEqual({ role: question.role, text: question.text }, { role: 'user', text: 'Answer slowly, please' });
    assert.equal(answer.status, 'stopped');
    const full = chunks.join('');
    assert.ok(answer.text.length > 0 && answer.text.length < full.length, `kept ${answer.text.length} of ${full.length} characters`);
    assert.ok(full.startsWith(answer.text), 'the kept text is not what was streamed');
    const [request] = await standIn.requests({ count: 1 });
    assert.equal(request.closedEarly, true, 'the stand-in did not see the connection close early');
  });

  test('a 429 with retry-after is waited out and the answer arrives', async () => {
    await standIn.enqueue({ rateLimit: { retryAfterSeconds: 1, retryAfterMs: 300 } }, { chunks: ['After ', 'the wait.'] });
    const started = Date.now();
    assert.equal(await api.send('Busy service?'), true);
    await api.whenIdle();

    const answer = await lastMessage(api);
    assert.deepEqual({ text: answer.text, status: answer.status, problem: answer.problem }, { text: 'After the wait.', status: 'done', problem: undefined });
    const requests = await standIn.requests({ count: 2 });
    assert.deepEqual(requests.map((r) => r.status), [429, 200]);
    assert.ok(Date.now() - started >= 300, 'the retry did not wait for retry-after-ms');
    assert.equal((await api.messages()).length, 2, 'the failed attempt left something in the conversation');
  });

  test('New Chat empties the conversation and the next question goes without history', async () => {
    await standIn.enqueue({ chunks: ['Old ', 'answer'] });
    await api.send('Old question');
    await api.whenIdle();
    assert.equal((await api.messages()).length, 2);

    await vscode.commands.executeCommand('azureOpenAIChat.newChat');
    assert.deepEqual(await api.messages(), []);

    await standIn.enqueue({ chunks: ['Fresh'] });
    await api.send('Fresh question');
    await api.whenIdle();
    const [, fresh] = await standIn.requests({ count: 2 });
    assert.deepEqual(
      ((fresh.body as ChatRequestBody).messages ?? []).map((m) => m.role + ':' + m.content),
      [`system:${defaultSystemPrompt}`, 'user:Fresh question'],
    );
  });

  test('New Chat while an answer streams stops it first', async () => {
    await standIn.enqueue({ chunks: Array.from({ length: 20 }, () => 'slow '), delayMs: 150 });
    await api.send('Long answer');
    await waitFor('the answer to start', async () => ((await lastMessage(api)).text ? true : undefined));

    await vscode.commands.executeCommand('azureOpenAIChat.newChat');

    assert.deepEqual(await api.messages(), []);
    const [request] = await standIn.requests({ count: 1 });
    assert.equal(request.closedEarly, true);
  });
});
