import type { AzureOpenAI } from 'openai';

export interface ChatTurn {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** How a stream ended when it did not throw. */
export type StreamEnd =
  /** The service said the answer is complete (`finish_reason` stop, or length). */
  | { readonly kind: 'finished'; readonly finishReason: string }
  /** Azure's content filter withheld the rest of the answer. */
  | { readonly kind: 'contentFiltered' }
  /** The user pressed Stop. */
  | { readonly kind: 'stopped' }
  /** The connection closed without a finish reason: the answer is cut off. */
  | { readonly kind: 'truncated' };

export class StreamStalledError extends Error {
  constructor(readonly seconds: number) {
    super(`No data for ${seconds} seconds.`);
    this.name = 'StreamStalledError';
  }
}

export interface StreamOptions {
  /** Aborting it is Stop: the HTTP request is closed and the outcome is `stopped`. */
  readonly signal: AbortSignal;
  /** A stream that sends nothing for this long is abandoned with StreamStalledError. */
  readonly stallTimeoutMs: number;
  /** Called with each piece of answer text, in order, as soon as it arrives. */
  readonly onText: (text: string) => void;
}

/**
 * Sends the conversation with `stream: true` and hands every piece of text to `onText` as it
 * arrives. Knows nothing about who shows the text (webview, language model API, benchmark).
 */
export async function streamChatCompletion(client: AzureOpenAI, deployment: string, turns: readonly ChatTurn[], options: StreamOptions): Promise<StreamEnd> {
  const controller = new AbortController();
  let stalled = false;
  const onStop = () => controller.abort();
  if (options.signal.aborted) {
    return { kind: 'stopped' };
  }
  options.signal.addEventListener('abort', onStop);

  // One timer, pushed back with refresh() on every chunk: re-creating it per chunk cost
  // 33-40 ms per 20,000 chunks in the benchmark, refresh() about 2 ms.
  const stallTimer = setTimeout(() => {
    stalled = true;
    controller.abort();
  }, options.stallTimeoutMs);

  let finishReason: string | undefined;
  try {
    const stream = await client.chat.completions.create(
      { model: deployment, messages: turns.map((turn) => ({ role: turn.role, content: turn.content })), stream: true },
      { signal: controller.signal },
    );
    for await (const chunk of stream) {
      stallTimer.refresh();
      // Azure's first chunk carries only prompt_filter_results and an empty `choices`.
      const choice = chunk.choices[0];
      if (!choice) {
        continue;
      }
      const text = choice.delta?.content;
      if (text) {
        options.onText(text);
      }
      if (choice.finish_reason) {
        finishReason = choice.finish_reason;
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) {
      throw error;
    }
  } finally {
    clearTimeout(stallTimer);
    options.signal.removeEventListener('abort', onStop);
  }

  // The SDK ends iteration quietly when its request is aborted, so look at why it was.
  if (stalled) {
    throw new StreamStalledError(Math.round(options.stallTimeoutMs / 1000));
  }
  if (options.signal.aborted) {
    return { kind: 'stopped' };
  }
  if (finishReason === 'content_filter') {
    return { kind: 'contentFiltered' };
  }
  return finishReason ? { kind: 'finished', finishReason } : { kind: 'truncated' };
}
