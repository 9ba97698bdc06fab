import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createModelClient } from '../../src/azure/clientFactory';
import { fetchReadingEventSized, splitAtEventEnds } from '../../src/azure/eventSizedReads';
import { DONE_FRAME, SseFrames } from '../standin/sseFrames';

/**
 * Streams are handed to the SDK one event per read, so its SSE reader stays linear (bench figure
 * 8 shows the time). What a user would notice if the cutting were wrong is a changed answer: a
 * lost, doubled or garbled piece. These check that nothing changes, whatever the reads hold.
 */
const encoder = new TextEncoder();
const frames = new SseFrames({ id: 'chatcmpl-1', created: 1, model: 'gpt-4o-mini', systemFingerprint: 'fp_1' });

/** A streamed chat completion through the extension's real client, over the given transport. */
async function streamOver(transport: typeof fetch) {
  const { client } = createModelClient(
    { endpoint: 'http://127.0.0.1:9', deployment: 'gpt-4o-mini', apiVersion: 'v1' } as Parameters<typeof createModelClient>[0],
    { kind: 'apiKey', source: 'apiKey', label: 'API key', apiKey: 'k' },
    { fetch: transport },
  );
  return client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
}

const eventStream = { status: 200, headers: { 'content-type': 'text/event-stream' } };

function joined(pieces: readonly Uint8Array[]): string {
  return Buffer.concat(pieces.map((piece) => Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength))).toString('latin1');
}

describe('event-sized reads', () => {
  test('the pieces of a read are the read, each cut right after an event\'s blank line', () => {
    // Random text over an alphabet of line ends, so every kind of (near-)boundary shows up.
    const alphabet = ['\n', '\r', 'a', 'é', ':', ' '];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 500; round++) {
      const text = Array.from({ length: Math.floor(random() * 60) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const bytes = encoder.encode(text);
      const pieces = splitAtEventEnds(bytes);
      assert.equal(joined(pieces), Buffer.from(bytes).toString('latin1'), `pieces of ${JSON.stringify(text)}`);
      for (const piece of pieces.slice(0, -1)) {
        const end = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).toString('latin1');
        assert.match(end, /(\n\n|\n\r\n)$/, `a piece of ${JSON.stringify(text)} ends mid-event: ${JSON.stringify(end)}`);
      }
      assert.ok(pieces.every((piece) => piece.length > 0), 'no empty pieces');
    }
  });

  test('"\\r\\n\\r\\n" ends an event; an end split across two reads is left for the SDK to join', () => {
    assert.deepEqual(splitAtEventEnds(encoder.encode('data: a\r\n\r\ndata: b\r\n\r\n')).map((p) => p.length), [11, 11]);
    assert.deepEqual(splitAtEventEnds(encoder.encode('data: a\n')).map((p) => p.length), [8]);
    assert.deepEqual(splitAtEventEnds(encoder.encode('\ndata: b\n\n')).map((p) => p.length), [10]);
  });

  test('an answer of 2,000 events arriving in one read reaches the SDK intact, multi-byte characters and all', async () => {
    const pieces = Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? `é${i}€ ` : i % 3 === 1 ? `line ${i}\n\n` : `😀 ${i} `));
    const body = frames.promptFilter() + frames.role() + pieces.map((piece) => frames.content(piece)).join('') + frames.finish('stop') + DONE_FRAME;
    // The whole stream in a single read, as a fast stream reaches VS Code's extension host.
    const oneRead: typeof fetch = async () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(encoder.encode(body));
            controller.close();
          },
        }),
        { status: 200, headers: { 'content-type': 'text/event-stream' } },
      );
    const stream = await streamOver(oneRead);
    let text = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(text, pieces.join(''));
    assert.equal(finish, 'stop');
  });

  test('a connection that drops after a read still delivers every event of that read first, to a consumer that takes its time', async () => {
    const pieces = Array.from({ length: 200 }, (_, i) => `piece ${i} `);
    let pulls = 0;
    const dropsAfterOneRead: typeof fetch = async () =>
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
      );
    const stream = await streamOver(dropsAfterOneRead);
    let text = '';
    await assert.rejects(async () => {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        await new Promise((resolve) => setImmediate(resolve));
      }
    }, /terminated/);
    assert.equal(text, pieces.join(''), 'the partial answer is everything that arrived before the drop');
  });

  test('answers that are not a successful event stream are handed on untouched', async () => {
    const json = new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });
    const failed = new Response('data: {}\n\n', { status: 429, headers: { 'content-type': 'text/event-stream' } });
    for (const response of [json, failed]) {
      assert.equal(await fetchReadingEventSized(async () => response)('http://127.0.0.1:9'), response);
    }
  });
});
