// The Azure deployments as VS Code language models, used by ANOTHER extension
// (test/fixtures/lm-consumer) through `vscode.lm`, as any extension or VS Code's chat would:
// select, stream, a tool call round trip, cancel, count tokens, and the error kinds.
//
// VS Code 1.139 asks for consent before another extension's sendRequest only when the model's
// information sets `requiresAuthorization` (proposed `chatProvider` API; we do not), so the
// consumer's requests go through without a dialog, exactly as they would for a user's extension.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { chatApi, connectionWhere, SettingsChanges, waitFor } from './chatExtension';
import { standIn } from './standIn';

const CONSUMER_ID = 'azure-openai-chat-tests.lm-consumer';
const selector = { vendor: 'azureOpenAIChat' };

interface ConsumerPart {
  readonly text?: string;
  readonly image?: { readonly mimeType: string; readonly base64: string };
  readonly toolCall?: { readonly callId: string; readonly name: string; readonly input: Record<string, unknown> };
  readonly toolResult?: { readonly callId: string; readonly text: string };
}
interface ConsumerMessage {
  readonly role: 'user' | 'assistant';
  readonly parts: readonly ConsumerPart[];
}
interface AskResult {
  readonly parts: ConsumerPart[];
  readonly partTimes: number[];
  readonly cancelled: boolean;
  readonly error?: { readonly name?: string; readonly code?: string; readonly message: string };
}
interface ConsumerApi {
  models(selector: vscode.LanguageModelChatSelector): Promise<Array<{ id: string; vendor: string; family: string; version: string; name: string; maxInputTokens: number }>>;
  ask(request: {
    selector: vscode.LanguageModelChatSelector;
    messages: readonly ConsumerMessage[];
    tools?: readonly vscode.LanguageModelChatTool[];
    toolMode?: 'auto' | 'required';
    cancelAfterParts?: number;
  }): Promise<AskResult>;
  countTokens(selector: vscode.LanguageModelChatSelector, input: string | ConsumerMessage): Promise<number>;
}

interface WireMessage {
  role: string;
  content?: unknown;
  tool_call_id?: string;
  tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
}
interface WireBody {
  stream?: boolean;
  messages?: WireMessage[];
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
}

const user = (text: string): ConsumerMessage => ({ role: 'user', parts: [{ text }] });
const textOf = (result: AskResult): string => result.parts.map((part) => part.text ?? '').join('');

const weatherTool: vscode.LanguageModelChatTool = {
  name: 'get_weather',
  description: 'The weather in a city now.',
  inputSchema: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] },
};

suite('Azure deployments as language models, used by another extension', () => {
  let consumer: ConsumerApi;

  suiteSetup(async () => {
    const api = await chatApi();
    await connectionWhere(api, 'a ready connection', (view) => view.state === 'ready');
    const extension = vscode.extensions.getExtension<ConsumerApi>(CONSUMER_ID);
    assert.ok(extension, `${CONSUMER_ID} is not installed`);
    consumer = await extension.activate();
    // The first request loads the SDK and gets a token; later ones show how answers stream.
    await consumer.ask({ selector, messages: [user('Warm up')] });
  });

  setup(() => standIn.reset());
  teardown(() => standIn.reset());

  test('selectChatModels({ vendor }) offers the configured deployment with its family and limits', async () => {
    const models = await consumer.models(selector);
    const model = models.find((m) => m.name === standIn.deployment);
    assert.ok(model, `no model named ${standIn.deployment} in ${JSON.stringify(models)}`);
    assert.equal(model.vendor, selector.vendor);
    assert.equal(model.family, 'gpt-4o-mini');
    assert.ok(model.maxInputTokens > 100_000 && model.maxInputTokens < 128_000, `maxInputTokens ${model.maxInputTokens}`);
    // Selecting by family, as extensions do, finds the same model.
    assert.ok((await consumer.models({ ...selector, family: 'gpt-4o-mini' })).some((m) => m.id === model.id));
  });

  test('an answer streams to the other extension in pieces, in order, and the service gets the conversation', async () => {
    const chunks = ['Alpha', ' beta', ' gamma', ' delta', '.'];
    await standIn.enqueue({ chunks, delayMs: 200 });
    const result = await consumer.ask({
      selector,
      messages: [user('First question'), { role: 'assistant', parts: [{ text: 'First answer' }] }, user('Second question')],
    });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.equal(textOf(result), chunks.join(''));
    assert.ok(result.parts.length >= 3, `the answer arrived in ${result.parts.length} part(s), not streamed`);
    // 800 ms from the first piece to the last at the service; allow a busy machine to bunch some.
    assert.ok(result.partTimes.at(-1)! - result.partTimes[0] >= 400, `parts arrived together: ${JSON.stringify(result.partTimes)}`);

    const [request] = await standIn.requests({ count: 1 });
    assert.match(request.path, /\/chat\/completions$/);
    assert.equal(request.status, 200);
    const body = request.body as WireBody;
    assert.equal(body.stream, true);
    const sent = (body.messages ?? []).filter((m) => m.role !== 'system' && m.role !== 'developer').map(({ role, content }) => ({ role, content }));
    assert.deepEqual(sent, [
      { role: 'user', content: 'First question' },
      { role: 'assistant', content: 'First answer' },
      { role: 'user', content: 'Second question' },
    ]);
  });

  test('a tool call round trip: the call streams in pieces, the result goes back, the answer uses it', async () => {
    const args = '{"city":"Paris","unit":"celsius"}';
    await standIn.enqueue({ text: 'Let me check. ', toolCalls: [{ name: 'get_weather', arguments: args }] }, { chunks: ['It is ', '18 °C ', 'in Paris.'] });
    const question = user('What is the weather in Paris?');
    const first = await consumer.ask({ selector, messages: [question], tools: [weatherTool] });
    assert.equal(first.error, undefined, JSON.stringify(first.error));
    assert.equal(textOf(first), 'Let me check. ');
    const calls = first.parts.filter((part) => part.toolCall).map((part) => part.toolCall!);
    assert.equal(calls.length, 1, JSON.stringify(first.parts));
    const [call] = calls;
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(call.input, { city: 'Paris', unit: 'celsius' });
    assert.ok(call.callId, 'the call has an id');

    const second = await consumer.ask({
      selector,
      tools: [weatherTool],
      messages: [question, { role: 'assistant', parts: [{ text: 'Let me check. ' }, { toolCall: call }] }, { role: 'user', parts: [{ toolResult: { callId: call.callId, text: '18 °C, sunny' } }] }],
    });
    assert.equal(second.error, undefined, JSON.stringify(second.error));
    assert.equal(textOf(second), 'It is 18 °C in Paris.');

    const [firstRequest, secondRequest] = await standIn.requests({ count: 2 });
    const offered = (firstRequest.body as WireBody).tools ?? [];
    assert.deepEqual(
      offered.map((tool) => ({ type: tool.type, name: tool.function.name, description: tool.function.description, parameters: tool.function.parameters })),
      [{ type: 'function', name: 'get_weather', description: weatherTool.description, parameters: weatherTool.inputSchema }],
    );
    const history = ((secondRequest.body as WireBody).messages ?? []).filter((m) => m.role !== 'system' && m.role !== 'developer');
    assert.deepEqual(history.map((m) => m.role), ['user', 'assistant', 'tool']);
    const [, assistant, tool] = history;
    assert.equal(assistant.content, 'Let me check. ');
    assert.deepEqual(
      assistant.tool_calls?.map((c) => ({ id: c.id, type: c.type, name: c.function.name, input: JSON.parse(c.function.arguments) as unknown })),
      [{ id: call.callId, type: 'function', name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } }],
    );
    assert.equal(tool.tool_call_id, call.callId);
    assert.equal(tool.content, '18 °C, sunny');
  });

  test('on a Responses-only deployment the same round trip goes over the Responses API', async () => {
    const settings = new SettingsChanges();
    await standIn.configure({ deployments: [standIn.deployment, { name: 'gpt-5-codex', model: 'gpt-5-codex' }] });
    try {
      await settings.set({ deployment: 'gpt-5-codex' });
      const codex = { ...selector, family: 'gpt-5-codex' };
      await waitFor('the gpt-5-codex model', async () => ((await consumer.models(codex)).length > 0 ? true : undefined), 10_000, 200);
      const args = '{"city":"Oslo"}';
      await standIn.enqueue({ text: 'Looking. ', toolCalls: [{ name: 'get_weather', arguments: args }], toolArgumentsChunkSize: 4 }, { chunks: ['Cold ', 'in Oslo.'] });
      const question = user('Weather in Oslo?');
      const first = await consumer.ask({ selector: codex, messages: [question], tools: [weatherTool] });
      assert.equal(first.error, undefined, JSON.stringify(first.error));
      const call = first.parts.find((part) => part.toolCall)?.toolCall;
      assert.ok(call, JSON.stringify(first.parts));
      assert.deepEqual(call.input, { city: 'Oslo' });
      const second = await consumer.ask({
        selector: codex,
        tools: [weatherTool],
        messages: [question, { role: 'assistant', parts: [{ text: 'Looking. ' }, { toolCall: call }] }, { role: 'user', parts: [{ toolResult: { callId: call.callId, text: '-3 °C' } }] }],
      });
      assert.equal(second.error, undefined, JSON.stringify(second.error));
      assert.equal(textOf(second), 'Cold in Oslo.');

      const [firstRequest, secondRequest] = await standIn.requests({ count: 2 });
      assert.match(firstRequest.path, /\/openai\/v1\/responses$/);
      const input = (secondRequest.body as { input?: Array<Record<string, unknown>> }).input ?? [];
      assert.deepEqual(
        input.filter((item) => item.type === 'function_call' || item.type === 'function_call_output').map(({ type, call_id, name, arguments: a, output }) => ({ type, call_id, name, arguments: a, output })),
        [
          { type: 'function_call', call_id: call.callId, name: 'get_weather', arguments: args, output: undefined },
          { type: 'function_call_output', call_id: call.callId, name: undefined, arguments: undefined, output: '-3 °C' },
        ],
      );
    } finally {
      await settings.restore();
      await standIn.configure({ deployments: [standIn.deployment] });
    }
  });

  test('an image goes to the deployment inline with the question', async () => {
    const models = await consumer.models(selector);
    assert.ok(models.length > 0);
    // A 1x1 PNG.
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    await standIn.enqueue({ text: 'A single pixel.' });
    const result = await consumer.ask({ selector, messages: [{ role: 'user', parts: [{ text: 'What is this?' }, { image: { mimeType: 'image/png', base64: png } }] }] });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.equal(textOf(result), 'A single pixel.');
    const [request] = await standIn.requests({ count: 1 });
    const question = ((request.body as WireBody).messages ?? []).find((m) => m.role === 'user');
    assert.deepEqual(question?.content, [
      { type: 'text', text: 'What is this?' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
    ]);
  });

  test('cancelling a request closes its HTTP request at the service', async () => {
    await standIn.enqueue({ chunks: Array.from({ length: 40 }, (_, i) => `piece ${i} `), delayMs: 150 });
    const result = await consumer.ask({ selector, messages: [user('Tell me a long story')], cancelAfterParts: 1 });
    assert.equal(result.cancelled, true);
    const [request] = await standIn.requests({ count: 1, timeoutMs: 10_000 });
    assert.equal(request.closedEarly, true, 'the stand-in saw the whole answer go out: the request was not closed');
    assert.ok(textOf(result).length < 40 * 8, 'the whole answer arrived anyway');
  });

  test('countTokens counts with the chat tokenizer: more text, more tokens; messages too', async () => {
    const short = await consumer.countTokens(selector, 'Hello world');
    const long = await consumer.countTokens(selector, 'Hello world. '.repeat(100));
    assert.ok(short >= 2 && short <= 4, `"Hello world" is ${short} tokens`);
    assert.ok(long >= 250 && long <= 350, `"Hello world. " x 100 is ${long} tokens`);
    const message = await consumer.countTokens(selector, user('Hello world'));
    assert.ok(message >= short, `the message counts ${message}, its text ${short}`);
  });

  test('failures arrive as LanguageModelError kinds with the chat explanation', async () => {
    await standIn.enqueue({
      error: { status: 404, body: { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist.' } } },
    });
    const notFound = await consumer.ask({ selector, messages: [user('Hello')] });
    assert.equal(notFound.error?.code, 'NotFound', JSON.stringify(notFound.error));
    assert.match(notFound.error?.message ?? '', /no deployment named/i);

    // A long retry-after is not waited for: the caller learns at once that it is blocked.
    await standIn.enqueue({ rateLimit: { retryAfterSeconds: 3600 } });
    const limited = await consumer.ask({ selector, messages: [user('Hello')] });
    assert.equal(limited.error?.code, 'Blocked', JSON.stringify(limited.error));
    assert.match(limited.error?.message ?? '', /rate-limiting/i);

    await standIn.enqueue({ promptContentFilter: true });
    const filtered = await consumer.ask({ selector, messages: [user('Hello')] });
    assert.equal(filtered.error?.code, 'Blocked', JSON.stringify(filtered.error));
    assert.match(filtered.error?.message ?? '', /content filter/i);

    await standIn.enqueue({
      error: { status: 401, body: { error: { code: 'PermissionDenied', message: 'The principal lacks the required data action.' } } },
    });
    const denied = await consumer.ask({ selector, messages: [user('Hello')] });
    assert.equal(denied.error?.code, 'NoPermissions', JSON.stringify(denied.error));
    assert.match(denied.error?.message ?? '', /Cognitive Services OpenAI User/);
  });

  // Spend (issue 21): offering the deployments to other extensions is the user's visible choice.
  test('with offering turned off no model is listed and a request with a model taken before is refused; on again, offered again', async () => {
    const settings = new SettingsChanges();
    const [model] = await vscode.lm.selectChatModels(selector);
    assert.ok(model, 'a model is offered by default');
    try {
      await settings.set({ offerModelsToOtherExtensions: false });
      await waitFor('no model listed once offering is off', async () => ((await consumer.models(selector)).length === 0 ? true : undefined));
      // VS Code itself refuses a model that is no longer listed (NotFound); one that still is, the provider refuses (NoPermissions).
      const refused = await (async () => model.sendRequest([vscode.LanguageModelChatMessage.User('Hello')]))().then(
        () => undefined,
        (error: unknown) => error,
      );
      assert.ok(refused instanceof vscode.LanguageModelError, String(refused));
      assert.ok(refused.code === 'NotFound' || refused.code === 'NoPermissions', refused.code);
      assert.equal((await standIn.requests()).length, 0, 'nothing reached Azure');
    } finally {
      await settings.restore();
    }
    await waitFor('models listed again', async () => ((await consumer.models(selector)).length > 0 ? true : undefined));
  });
});
