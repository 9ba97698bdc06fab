import type { OpaqueReasoning, ToolCall } from './modelRequest';

export interface ChatTurn {
  /** `tool`: the result of the tool call `callId` of the assistant turn before it. */
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly content: string;
  /** The chat message the turn comes from, so the chat can show where sending starts. */
  readonly id?: string;
  /** Assistant turns: the tool calls the model made after `content`. */
  readonly toolCalls?: readonly ToolCall[];
  /** Assistant turns: the model's own reasoning state of that step, sent back as it came. */
  readonly reasoningItems?: readonly OpaqueReasoning[];
  /** Tool turns: the call this result answers. */
  readonly callId?: string;
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
