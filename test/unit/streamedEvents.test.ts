import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APIError } from 'openai';
import { _iterSSEMessages } from 'openai/core/streaming';
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
  const decoder = new TextDecoder();
  const events = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(random() * maxRead);
    events.push(...parser.push(decoder.decode(bytes.subarray(at, at + size), { stream: true })));
    at += size;
  }
  return events;
}

/** A streamed chat completion through the extension's real client and wire, over `transport`. */
async function answerOver(transport: typeof fetch, signal = new AbortController().signal) {
  const { client } = createModelClient(
    { endpoint: 'http://127.0.0.1:9', deployment: 'gpt-4o-mini', apiVersion: 'v1' } as Parameters<typeof createModelClient>[0],
    { kind: 'apiKey', source: 'apiKey', label: 'API key', apiKey: 'k' },
    { fetch: transport },
  );
  const events: ModelEvent[] = [];
  let text = '';
  const run = guardStream(signal, 60_000, (guard) =>
    streamChatCompletions(client, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true }, guard, (event) => {
      events.push(event);
      if (event.type === 'text') {
        text += event.text;
      }
    }),
  );
  return { run, events, text: () => text };
}

describe('streamed events', () => {
  test('the events are the ones the SDK\'s own reader finds, however the reads cut lines and characters', async () => {
    // Random streams over the pieces every boundary case is made of: line ends of all three
    // kinds, field names, comments, multi-byte characters.
    const alphabet = ['\n', '\r', '\r\n', '\n\n', 'data: ', 'data:', 'event: response.x', 'id: 1', ': keep-alive', 'é', '😀', '{"a":1}', ' ', 'x'];
    for (let round = 0; round < 400; round++) {
      const text = Array.from({ length: Math.floor(random() * 40) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const bytes = encoder.encode(text);
      const expected = await eventsBySdk(bytes);
      for (const maxRead of [1, 5, 64, 10_000]) {
        assert.deepEqual(eventsByParser(bytes, maxRead), expected, `${JSON.stringify(text)} read up to ${maxRead} bytes at a time`);
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

  test('events after [DONE] are ignored, and a last event the stream cut off is not made up', async () => {
    const body = frames.role() + frames.content('Done.') + frames.finish('stop') + DONE_FRAME + frames.content(' More?') + 'data: {"choices":[';
    const answer = await answerOver(async () => new Response(body, eventStream));
    assert.equal((await answer.run as { finishReason?: string }).finishReason, 'stop');
    assert.equal(answer.text(), 'Done.');
  });

  test('Stop ends the answer quietly with what arrived, and closes the request', async () => {
    const stop = new AbortController();
    let requestAborted = false;
    let pulls = 0;
    const answer = await answerOver(async (_input, init) => {
      let body: ReadableStreamDefaultController<Uint8Array> | undefined;
      // As undici does: aborting the request errors its body with an AbortError.
      init?.signal?.addEventListener('abort', () => {
        requestAborted = true;
        body?.error(new DOMException('This operation was aborted', 'AbortError'));
      });
      return new Response(
        new ReadableStream({
          start(controller) {
            body = controller;
          },
          pull(controller) {
            if (pulls++ === 0) {
              controller.enqueue(encoder.encode(frames.role() + frames.content('Before stop')));
            } else {
              // The body never ends on its own: only Stop ends this answer.
              setImmediate(() => stop.abort());
              return new Promise(() => undefined);
            }
            return undefined;
          },
        }),
        eventStream,
      );
    }, stop.signal);
    assert.equal(await answer.run, 'stopped');
    assert.equal(answer.text(), 'Before stop');
    assert.ok(requestAborted, 'the request was closed');
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
