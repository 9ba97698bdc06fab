export interface ChatTurn {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
  /** The chat message the turn comes from, so the chat can show where sending starts. */
  readonly id?: string;
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
