import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { APIError } from 'openai';
import { _iterSSEMessages, Stream } from 'openai/core/streaming';
import { StreamStalledError } from '../../src/azure/chatStream';
import { streamChatCompletions } from '../../src/azure/chatCompletionsWire';
import { createModelClient } from '../../src/azure/clientFactory';
import type { ModelEvent } from '../../src/azure/modelRequest';
import { guardStream } from '../../src/azure/streamGuard';
import { ServerSentEventParser, streamedJsonBatches } from '../../src/azure/streamedEvents';
import { DONE_FRAME, SseFrames } from '../standin/sseFrames';

/**
 * The extension reads a streamed answer's events itself (the SDK only sends the request). What a
 * user would notice if that reading were wrong is a changed answer (a lost, doubled or garbled
 * piece), an error the SDK would have raised going unnoticed, or a partial answer lost to a drop.
 * The SDK's own event reader is the oracle for what the events are.
 */
const encoder = new TextEncoder();
const frames = new SseFrames({ id: 'chatcmpl-1', created: 1, model: 'gpt-4o-mini', systemFingerprint: 'fp_1' });

let seed = 11;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

/** `bytes` as a body arriving in reads cut at random byte positions (inside characters too). */
function bodyInReads(bytes: Uint8Array, maxRead: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) {
        controller.close();
        return;
      }
      const size = 1 + Math.floor(random() * maxRead);
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

const eventStream = { status: 200, headers: { 'content-type': 'text/event-stream' } };

/** The events the SDK's own reader finds in `bytes`. */
async function eventsBySdk(bytes: Uint8Array): Promise<{ event: string | null; data: string }[]> {
  const events = [];
  for await (const sse of _iterSSEMessages(new Response(bodyInReads(bytes, 7), eventStream), new AbortController())) {
    events.push({ event: sse.event, data: sse.data });
  }
  return events;
}

function eventsByParser(bytes: Uint8Array, maxRead: number) {
  const parser = new ServerSentEventParser();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const events = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(random() * maxRead);
    events.push(...parser.push(decoder.decode(bytes.subarray(at, at + size), { stream: true })));
    at += size;
  }
  return events;
}

/** Everything an iteration yields, then how it ended: the error's kind and message, or normally. */
async function outcome(items: AsyncIterable<unknown>): Promise<{ items: unknown[]; ended: string }> {
  const seen: unknown[] = [];
  try {
    for await (const item of items) {
      seen.push(item);
    }
    return { items: seen, ended: 'normally' };
  } catch (error) {
    return { items: seen, ended: `${error instanceof APIError ? 'APIError' : (error as Error).name}: ${(error as Error).message}` };
  }
}

async function* flatten<T>(batches: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const batch of batches) {
    yield* batch;
  }
}

/** A streamed chat completion through the extension's real client and wire, over `transport`. */
async function answerOver(transport: typeof fetch | undefined, signal = new AbortController().signal, options: { endpoint?: string; stallMs?: number; onText?: () => void } = {}) {
  const { client } = createModelClient(
    { endpoint: options.endpoint ?? 'http://127.0.0.1:9', deployment: 'gpt-4o-mini', apiVersion: 'v1' } as Parameters<typeof createModelClient>[0],
    { kind: 'apiKey', source: 'apiKey', label: 'API key', apiKey: 'k' },
    transport ? { fetch: transport } : {},
  );
  const events: ModelEvent[] = [];
  let text = '';
  const run = guardStream(signal, options.stallMs ?? 60_000, (guard) =>
    streamChatCompletions(client, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true }, guard, (event) => {
      events.push(event);
      if (event.type === 'text') {
        text += event.text;
        options.onText?.();
      }
    }),
  );
  return { run, events, text: () => text };
}

describe('streamed events', () => {
  test('the events are the ones the SDK\'s own reader finds, however the reads cut lines and characters', async () => {
    // Random streams over the pieces every boundary case is made of: line ends of all three
    // kinds, field names (an empty `event:` too), comments, byte order marks, multi-byte characters.
    const alphabet = ['\n', '\r', '\r\n', '\n\n', 'data: ', 'data:', 'event: response.x', 'event:', 'id: 1', ': keep-alive', '\uFEFF', 'é', '😀', '{"a":1}', ' ', 'x'];
    for (let round = 0; round < 400; round++) {
      const text = Array.from({ length: Math.floor(random() * 40) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const bytes = encoder.encode(text);
      const expected = await eventsBySdk(bytes);
      for (const maxRead of [1, 5, 64, 10_000]) {
        assert.deepEqual(eventsByParser(bytes, maxRead), expected, `${JSON.stringify(text)} read up to ${maxRead} bytes at a time`);
      }
    }
  });

  test('what reaches the answer is what the SDK\'s stream yields or throws: [DONE], error objects, bad JSON, events of both APIs', async () => {
    const payloads = [
      '{"choices":[{"delta":{"content":"é😀"}}]}',
      '{"type":"response.output_text.delta","delta":"a"}',
      '{"type":"error","code":"server_error","message":"boom"}',
      '{"error":{"code":"content_filter","message":"filtered"}}',
      '[DONE]',
      '{"broken":',
      '',
    ];
    const lineEnds = ['\n', '\r\n', '\r'];
    for (let round = 0; round < 300; round++) {
      const end = lineEnds[round % 3] as string;
      const text = Array.from({ length: 1 + Math.floor(random() * 6) }, () => {
        const payload = payloads[Math.floor(random() * payloads.length)] as string;
        const event = random() < 0.3 ? `event: response.output_text.delta${end}` : random() < 0.1 ? `event:${end}` : '';
        return `${random() < 0.2 ? `: ping${end}` : ''}${event}data: ${payload}${end}${end}`;
      }).join('');
      const bytes = encoder.encode(text);
      const bySdk = await outcome(Stream.fromSSEResponse(new Response(bodyInReads(bytes, 9), eventStream), new AbortController()));
      for (const maxRead of [1, 17, 10_000]) {
        const ours = await outcome(flatten(streamedJsonBatches(new Response(bodyInReads(bytes, maxRead), eventStream))));
        assert.deepEqual(ours, bySdk, `${JSON.stringify(text)} read up to ${maxRead} bytes at a time`);
      }
    }
  });

  test('an answer of 2,000 events, multi-byte characters and all, arrives intact whether it comes in one read or in reads of a few bytes', async () => {
    const pieces = Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? `é${i}€ ` : i % 3 === 1 ? `line ${i}\n\n` : `😀 ${i} `));
    const bytes = encoder.encode(frames.promptFilter() + frames.role() + pieces.map((piece) => frames.content(piece)).join('') + frames.finish('stop') + DONE_FRAME);
    for (const maxRead of [bytes.length, 13]) {
      const answer = await answerOver(async () => new Response(bodyInReads(bytes, maxRead), eventStream));
      assert.deepEqual(await answer.run, { finishReason: 'stop', reportedModel: 'gpt-4o-mini' });
      assert.equal(answer.text(), pieces.join(''));
    }
  });

  test('a connection that drops after a read delivers every event of that read first, then the drop', async () => {
    const pieces = Array.from({ length: 200 }, (_, i) => `piece ${i} `);
    let pulls = 0;
    const answer = await answerOver(
      async () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              if (pulls++ === 0) {
                controller.enqueue(encoder.encode(frames.role() + pieces.map((piece) => frames.content(piece)).join('')));
              } else {
                // What undici reports when the server's socket closes mid-body.
                controller.error(new TypeError('terminated'));
              }
            },
          }),
          eventStream,
        ),
    );
    await assert.rejects(answer.run, /terminated/);
    assert.equal(answer.text(), pieces.join(''), 'the partial answer is everything that arrived before the drop');
  });

  test('an error event is raised as the SDK raises it, after the text that came before it in the same read', async () => {
    const errorFrame = `data: ${JSON.stringify({ error: { code: 'server_error', message: 'The server had an error while processing your request.' } })}\n\n`;
    const answer = await answerOver(async () => new Response(frames.role() + frames.content('Half an ') + frames.content('answer') + errorFrame, eventStream));
    await assert.rejects(answer.run, (error: unknown) => error instanceof APIError && /server had an error/.test(error.message));
    assert.equal(answer.text(), 'Half an answer');
  });

  test('a "\\r\\n" line end split by an empty read is still one line end', () => {
    const parser = new ServerSentEventParser();
    const events = [...parser.push('data: a\r'), ...parser.push(''), ...parser.push('\ndata: b\r\n\r\n')];
    assert.deepEqual(events, [{ event: null, data: 'a\nb' }]);
  });

  test('events after [DONE] are ignored, and a last event the stream cut off is not made up', async () => {
    const body = frames.role() + frames.content('Done.') + frames.finish('stop') + DONE_FRAME + frames.content(' More?') + 'data: {"choices":[';
    const answer = await answerOver(async () => new Response(body, eventStream));
    assert.equal((await answer.run as { finishReason?: string }).finishReason, 'stop');
    assert.equal(answer.text(), 'Done.');
  });

  test('Stop and the stall timer end the answer with what arrived, and close the connection (real sockets)', async () => {
    // A loopback server that sends the start of an answer and then never another byte.
    const closed: Promise<void>[] = [];
    const server = http.createServer((request, response) => {
      closed.push(new Promise((resolve) => request.socket.once('close', () => resolve())));
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(frames.role() + frames.content('Before ') + frames.content('the end'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const stop = new AbortController();
      const stopped = await answerOver(undefined, stop.signal, { endpoint, onText: () => setTimeout(() => stop.abort(), 50) });
      assert.equal(await stopped.run, 'stopped');
      assert.equal(stopped.text(), 'Before the end');

      const stalled = await answerOver(undefined, undefined, { endpoint, stallMs: 300 });
      await assert.rejects(stalled.run, StreamStalledError);
      assert.equal(stalled.text(), 'Before the end');

      const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('a connection stayed open')), 5_000));
      await Promise.race([Promise.all(closed), timeout]);
      assert.equal(closed.length, 2);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('a consumer that gives up early (an error in handling an event) cancels the body', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(encoder.encode(frames.content('again ')));
      },
      cancel() {
        cancelled = true;
      },
    });
    await assert.rejects(async () => {
      for await (const batch of streamedJsonBatches(new Response(body, eventStream))) {
        assert.ok(batch.length > 0);
        throw new Error('handler failed');
      }
    }, /handler failed/);
    assert.ok(cancelled);
  });
});
