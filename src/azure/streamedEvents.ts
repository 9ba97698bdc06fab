/**
 * Reads a streamed answer's server-sent events a network read at a time.
 *
 * The `openai` SDK makes the request (auth, headers, errors before the stream) and hands back the
 * response untouched (`asResponse()`); this reads its body. The SDK's own reader costs a chain of
 * async generators per event, and in openai 6.x also a copy of its buffer per event, so a fast
 * answer of 20,000 events spent most of its time there inside VS Code's extension host (bench
 * figure 8). Here one read costs one await: its text is decoded once, cut into events, parsed,
 * and handed over as one batch.
 *
 * What the events mean is the SDK's (core/streaming.js in openai 6.x), so the answer is the same:
 * - events are cut by the SSE rules: lines end with "\n", "\r\n" or "\r"; a blank line ends an
 *   event; `data:` lines join with "\n"; comments and other fields are ignored; an event the
 *   stream ends in the middle of is dropped; an empty `event:` alone is no event, and a byte
 *   order mark is dropped at the start of any line;
 * - `[DONE]` ends the answer (the rest of the body is read and ignored);
 * - every other event's data is JSON, and an object with `error` is thrown as the SDK's APIError;
 * - an aborted request (Stop, the stall timer) ends the batches quietly: the caller knows why.
 * Whatever a read held before an error or a dropped connection is handed over first, so the
 * partial answer is never lost.
 */
import { APIError } from 'openai';

export interface ServerSentEvent {
  readonly event: string | null;
  readonly data: string;
}

/** Cuts decoded text into server-sent events, across reads that split lines anywhere. */
export class ServerSentEventParser {
  /** The start of a line whose end has not arrived yet. */
  private partialLine = '';
  /** The last text ended in "\r": a "\n" starting the next one belongs to that line end. */
  private afterCarriageReturn = false;
  private event: string | null = null;
  private data: string[] = [];

  /** The events that `text` completes. */
  push(text: string): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    if (text === '') {
      // An empty read says nothing about a "\n" after a "\r".
      return events;
    }
    let start = this.afterCarriageReturn && text.startsWith('\n') ? 1 : 0;
    this.afterCarriageReturn = false;
    const lineEnd = /\r\n?|\n/g;
    lineEnd.lastIndex = start;
    for (let match = lineEnd.exec(text); match !== null; match = lineEnd.exec(text)) {
      const line = this.partialLine + text.slice(start, match.index);
      this.partialLine = '';
      start = match.index + match[0].length;
      this.afterCarriageReturn = match[0] === '\r' && start === text.length;
      const event = this.line(line);
      if (event) {
        events.push(event);
      }
    }
    if (start < text.length) {
      this.partialLine += text.slice(start);
    }
    return events;
  }

  private line(text: string): ServerSentEvent | undefined {
    // The SDK decodes each line on its own, which drops a byte order mark at any line's start.
    const line = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (line === '') {
      // As the SDK: a blank line after nothing, or after only an empty `event:`, is no event.
      if (!this.event && this.data.length === 0) {
        return undefined;
      }
      const event = { event: this.event, data: this.data.join('\n') };
      this.event = null;
      this.data = [];
      return event;
    }
    if (line.startsWith(':')) {
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    if (field === 'event') {
      this.event = value;
    } else if (field === 'data') {
      this.data.push(value);
    }
    return undefined;
  }
}

/** The SDK's test for an aborted request (openai internal/errors.js). */
function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'name' in error && error.name === 'AbortError';
}

/** An event's JSON; an object carrying `error` is thrown as the SDK throws it. */
function eventPayload(data: string, headers: Headers): unknown {
  const parsed: unknown = JSON.parse(data);
  if (typeof parsed === 'object' && parsed !== null && 'error' in parsed && parsed.error) {
    throw new APIError(undefined, parsed.error as object, undefined, headers);
  }
  return parsed;
}

/**
 * Every event of a streamed response to `handle`, in order, with `onRead` called once per
 * network read that brought any (the stall timer's heartbeat). Both wire APIs read this way.
 */
export async function forEachStreamedEvent<T>(response: Response, onRead: () => void, handle: (event: T) => void): Promise<void> {
  for await (const events of streamedJsonBatches<T>(response)) {
    onRead();
    for (const event of events) {
      handle(event);
    }
  }
}

/**
 * The JSON payloads of a streamed response, one batch per network read that completed any.
 * Ending the iteration early (a throw or break in the caller) cancels the body, which closes the
 * request.
 */
export async function* streamedJsonBatches<T>(response: Response): AsyncGenerator<T[], void, undefined> {
  if (!response.body) {
    throw new Error('The service answered a streamed request without a body.');
  }
  const reader = response.body.getReader();
  // Byte order marks are left in, for the parser to drop one at each line's start as the SDK does.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const parser = new ServerSentEventParser();
  let sawDone = false;
  let readToEnd = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        readToEnd = true;
        return;
      }
      const events = parser.push(decoder.decode(value, { stream: true }));
      if (sawDone || events.length === 0) {
        continue;
      }
      const batch: T[] = [];
      for (const { data } of events) {
        if (data.startsWith('[DONE]')) {
          sawDone = true;
          break;
        }
        try {
          batch.push(eventPayload(data, response.headers) as T);
        } catch (error) {
          // What came before the bad event is part of the answer: hand it over first.
          if (batch.length > 0) {
            yield batch;
          }
          throw error;
        }
      }
      if (batch.length > 0) {
        yield batch;
      }
    }
  } catch (error) {
    if (isAbortError(error)) {
      return;
    }
    throw error;
  } finally {
    if (!readToEnd) {
      reader.cancel().catch(() => undefined);
    }
  }
}
