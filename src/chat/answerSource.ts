import type { FilterFindingView, QuotaView, WaitReason } from '../common/protocol';
import type { ConnectionTarget } from '../config/connectionTarget';

export { AnswerError } from '../azure/answerError';
import type { ChatTurn, StreamEnd } from '../azure/chatStream';
import type { OpaqueReasoning, TokenUsage, ToolCall, ToolDefinition } from '../azure/modelRequest';

/** What an answer reports besides its text; a source that has none never calls onDetail. */
export type AnswerDetail =
  /** A piece of the model's reasoning summary: shown apart from the answer, never sent back. */
  | { readonly type: 'reasoning'; readonly text: string }
  /** Token counts of the answer, the model's context window when known, and the estimated cost when a price is set. */
  | { readonly type: 'usage'; readonly usage: TokenUsage; readonly contextWindow?: number; readonly cost?: number }
  /** Only turns from `firstTurn` on were sent: the earlier ones no longer fit the context window. */
  | { readonly type: 'sent'; readonly firstTurn: number }
  /** The answer waits `ms` before the request is tried again (a rate limit or a failing service). */
  | { readonly type: 'waiting'; readonly ms: number; readonly reason: WaitReason }
  /** Spend: what is left of the deployment's quota (Azure's rate-limit headers). */
  | { readonly type: 'quota'; readonly quota: QuotaView }
  /** Spend: what the content filter flagged on the question or the answer, as far as known. */
  | { readonly type: 'contentFilter'; readonly source: 'prompt' | 'completion'; readonly findings: readonly FilterFindingView[] }
  /** Tools: the model started a call, streamed a piece of its arguments, or finished it. */
  | { readonly type: 'toolCallStart'; readonly callId: string; readonly name: string }
  | { readonly type: 'toolCallArguments'; readonly callId: string; readonly text: string }
  | { readonly type: 'toolCallEnd'; readonly call: ToolCall }
  /** Tools: the model's encrypted reasoning of this step, to send back with its tool results. */
  | { readonly type: 'reasoningItem'; readonly item: OpaqueReasoning };

/**
 * Where answers come from. The chat session only knows this interface, so the same session
 * (and webview) can be fed by Azure OpenAI, a VS Code language model or a benchmark source.
 */
export interface AnswerSource {
  /**
   * Streams an answer to the conversation (user and assistant turns; the source adds its own
   * system prompt). Resolves with how the stream ended; rejects with AnswerError.
   */
  streamAnswer(
    turns: readonly ChatTurn[],
    signal: AbortSignal,
    onText: (text: string) => void,
    onDetail?: (detail: AnswerDetail) => void,
    /** The conversation's own endpoint and deployment; undefined: the settings'. */
    target?: ConnectionTarget,
    /** Tools the model may call in this step (none: it only talks). */
    tools?: readonly ToolDefinition[],
  ): Promise<StreamEnd>;
}
