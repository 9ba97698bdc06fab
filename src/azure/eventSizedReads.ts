/**
 * Hands the `openai` SDK a streamed body one server-sent event at a time.
 *
 * The SDK's SSE reader in openai 6.x (`iterSSEChunks` in core/streaming.js) copies everything
 * left in its buffer once for every event it takes out of a network read, so a read that holds
 * M events costs O(M × read size). A fast answer comes in large reads: inside VS Code's extension
 * host the SDK spent 890 of 1,590 ms of CPU on a 100k-character answer in that copying (profiled
 * for bench figure 8), and in plain node an 8 MB stream read 1 MB at a time took 1.2–3.5 s instead
 * of 0.3–0.4 s. openai-node fixed it in 7.x (#2324), which needs Node 22, newer than the Node
 * this project's tests run on. Cutting each read at its event ends gives the SDK pieces of one
 * event each: views into the same read, nothing copied here, and an event larger than a read
 * still arrives in the network's own pieces. (Pieces of several events were tried: one event
 * each was as fast or faster at every read size measured.)
 */

const LF = 0x0a;
const CR = 0x0d;

/**
 * `chunk` cut after every blank line that ends an event ("\n\n", "\r\n\r\n" or "\n\r\n"); the
 * pieces, joined, are exactly `chunk`. An event end split across two reads is simply not cut, and
 * neither is the CR-only "\r\r" the SDK also accepts: Azure does not send it, and the SDK still
 * reads such a stream correctly, only without this speed-up.
 */
export function splitAtEventEnds(chunk: Uint8Array): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (let lf = chunk.indexOf(LF, 1); lf !== -1; lf = chunk.indexOf(LF, lf + 1)) {
    // The blank line's own line ends must both be in this piece: "\n\n\n" is one cut, not two.
    const before = lf - 1 >= start ? chunk[lf - 1] : undefined;
    if (before === LF || (before === CR && lf - 2 >= start && chunk[lf - 2] === LF)) {
      pieces.push(chunk.subarray(start, lf + 1));
      start = lf + 1;
    }
  }
  if (start < chunk.length) {
    pieces.push(start === 0 ? chunk : chunk.subarray(start));
  }
  return pieces;
}

/** A fetch whose successful event-stream bodies are read one event at a time (see above). */
export function fetchReadingEventSized(inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (!response.ok || !response.body || !response.headers.get('content-type')?.includes('text/event-stream')) {
      return response;
    }
    const rebuilt = new Response(eventSizedBody(response.body), { status: response.status, statusText: response.statusText, headers: response.headers });
    // The SDK logs the URL; a constructed Response has none of its own.
    Object.defineProperty(rebuilt, 'url', { value: response.url });
    return rebuilt;
  };
}

/**
 * `body`, one event per read. Pulled, not piped: the next network read happens only once every
 * event of the last one was taken, so a connection that drops (or a Stop that aborts it) surfaces
 * after the events that arrived before it, never in place of them, as with the SDK reading alone.
 * Cancelling this stream cancels the body, which closes the request.
 */
function eventSizedBody(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let pieces: Uint8Array[] = [];
  let next = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        while (next === pieces.length) {
          const { done, value } = await reader.read();
          if (done) {
            controller.close();
            return;
          }
          pieces = splitAtEventEnds(value);
          next = 0;
        }
        controller.enqueue(pieces[next++] as Uint8Array);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
