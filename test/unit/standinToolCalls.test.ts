// The stand-in's tool calls, read by the real `openai` SDK: its stream helper assembles
// `delta.tool_calls` pieces by index exactly as it does Azure's, so a piece out of shape fails here.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { AzureOpenAI, BadRequestError } from 'openai';
import { AzureOpenAIStandIn } from '../standin/azureOpenAIStandIn';

const API_KEY = 'test-api-key';
const DEPLOYMENT = 'gpt-4o-mini';
const tools = [
  {
    type: 'function' as const,
    function: { name: 'get_weather', description: 'The weather now.', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
  },
];

describe('stand-in tool calls (chat completions)', () => {
  let standIn: AzureOpenAIStandIn;
  let client: AzureOpenAI;

  before(async () => {
    standIn = await AzureOpenAIStandIn.start({ apiKey: API_KEY });
    client = new AzureOpenAI({ endpoint: standIn.endpoint, apiKey: API_KEY, apiVersion: '2024-10-21', deployment: DEPLOYMENT, maxRetries: 0 });
  });
  after(() => standIn.close());
  beforeEach(() => standIn.reset());

  test('calls stream as delta.tool_calls pieces the SDK assembles by index, ending with finish_reason tool_calls', async () => {
    const weather = '{"city":"Paris","unit":"celsius"}';
    const time = '{"zone":"Europe/Paris"}';
    standIn.enqueue({ text: 'Checking. ', toolCalls: [{ name: 'get_weather', arguments: weather, id: 'call_one' }, { name: 'get_time', arguments: time }], toolArgumentsChunkSize: 4 });
    const stream = client.chat.completions.stream({ model: DEPLOYMENT, messages: [{ role: 'user', content: 'Weather and time in Paris?' }], tools });
    const pieces: Array<{ index: number; id?: string; name?: string; arguments?: string }> = [];
    for await (const chunk of stream) {
      for (const piece of chunk.choices[0]?.delta?.tool_calls ?? []) {
        pieces.push({ index: piece.index, id: piece.id, name: piece.function?.name, arguments: piece.function?.arguments });
      }
    }
    const completion = await stream.finalChatCompletion();
    const [choice] = completion.choices;
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.content, 'Checking. ');
    const calls = (choice.message.tool_calls ?? []).map((call) => (call.type === 'function' ? { id: call.id, name: call.function.name, arguments: call.function.arguments } : undefined));
    assert.equal(calls.length, 2);
    assert.deepEqual(calls[0], { id: 'call_one', name: 'get_weather', arguments: weather });
    assert.equal(calls[1]?.name, 'get_time');
    assert.equal(calls[1]?.arguments, time);
    assert.match(calls[1]?.id ?? '', /^call_/);
    // Only the first piece of each call names it; the arguments come in several pieces.
    assert.deepEqual(pieces.filter((p) => p.id).map((p) => p.index), [0, 1]);
    assert.ok(pieces.filter((p) => p.index === 0 && !p.id).length >= Math.ceil(weather.length / 4));
  });

  test("a call with no text first carries role and content: null in its first delta, as Azure's does", async () => {
    standIn.enqueue({ toolCalls: [{ name: 'get_weather', arguments: '{}' }] });
    const stream = await client.chat.completions.create({ model: DEPLOYMENT, messages: [{ role: 'user', content: 'Weather?' }], tools, stream: true });
    const deltas: unknown[] = [];
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta?.tool_calls) {
        deltas.push(chunk.choices[0].delta);
      }
    }
    assert.deepEqual(Object.keys(deltas[0] as object).sort(), ['content', 'role', 'tool_calls']);
    assert.equal((deltas[0] as { content: unknown }).content, null);
  });

  test('a tool result answering a call is accepted; one answering no call is refused with 400', async () => {
    const messages = [
      { role: 'user' as const, content: 'Weather?' },
      { role: 'assistant' as const, content: null, tool_calls: [{ id: 'call_1', type: 'function' as const, function: { name: 'get_weather', arguments: '{}' } }] },
      { role: 'tool' as const, tool_call_id: 'call_1', content: 'Sunny' },
    ];
    const answer = await client.chat.completions.create({ model: DEPLOYMENT, messages, tools });
    assert.equal(answer.choices[0].finish_reason, 'stop');

    await assert.rejects(
      client.chat.completions.create({ model: DEPLOYMENT, messages: [messages[0], { role: 'tool', tool_call_id: 'call_9', content: 'Sunny' }], tools }),
      (error: unknown) => error instanceof BadRequestError && /must be a response to a preceeding message with 'tool_calls'/.test(error.message),
    );
  });
});
