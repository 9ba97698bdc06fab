/**
 * The one seam between "something that wants an answer from a deployment" (the chat, the VS Code
 * language model provider, the benchmark) and Azure OpenAI.
 *
 * A caller builds a ModelRequest (the whole conversation, tool results included, plus options)
 * and `AzureModelClient.stream(request, signal, onEvent)` (modelClient.ts) turns it into ordered
 * ModelEvents and a StreamEnd. Everything Azure-specific happens behind it, on one code path for
 * both wire APIs (chat completions and Responses): client building, auth, host policy, retries,
 * the stall timer, adapting to what the deployment's model accepts, and explaining errors.
 * Callers never see which API answered.
 */
import { type FilterFindingView, type QuotaView, reasoningEffortValues, type ReasoningEffortValue, type WaitReason } from '../common/protocol';
import type { StreamEnd } from './chatStream';

export type { StreamEnd } from './chatStream';

/** How hard a reasoning model thinks before answering. Which values a model takes varies. */
export const reasoningEfforts = reasoningEffortValues;
export type ReasoningEffort = ReasoningEffortValue;

export interface ToolCall {
  /** The id the model gave the call; a tool result answers it with the same id. */
  readonly callId: string;
  readonly name: string;
  /** JSON text, as the model wrote it (not validated here). */
  readonly arguments: string;
}

export type ModelMessage =
  /** Instructions (the system prompt). Sent in the role the model takes: system or developer. */
  | { readonly role: 'system'; readonly content: string }
  /** `images` go with the text, for models that see (the language model API's image parts). */
  | { readonly role: 'user'; readonly content: string; readonly images?: readonly ImageInput[] }
  | { readonly role: 'assistant'; readonly content: string; readonly toolCalls?: readonly ToolCall[]; readonly reasoningItems?: readonly OpaqueReasoning[] }
  /** The result of a tool call the model made earlier in the conversation. */
  | { readonly role: 'tool'; readonly callId: string; readonly content: string };

/**
 * A reasoning model's reasoning of one step, encrypted by the service (Responses API with
 * `store: false`): sent back unchanged with the tool results, so the model keeps its line of
 * thought across tool steps. Opaque to the extension; chat completions has no such thing.
 */
export interface OpaqueReasoning {
  readonly id: string;
  readonly encryptedContent: string;
}

/** An image sent inline with a user message. */
export interface ImageInput {
  /** image/png, image/jpeg, image/gif or image/webp. */
  readonly mimeType: string;
  /** The image's bytes, base64. */
  readonly base64: string;
}

/** The inline form both APIs take for an image. */
export function imageDataUrl(image: ImageInput): string {
  return `data:${image.mimeType};base64,${image.base64}`;
}

export interface ToolDefinition {
  readonly name: string;
  readonly description?: string;
  /** JSON schema of the arguments. */
  readonly parameters?: Readonly<Record<string, unknown>>;
}

export interface ModelRequest {
  /** The whole conversation, oldest first. Nothing is kept server-side (`store: false`). */
  readonly messages: readonly ModelMessage[];
  readonly tools?: readonly ToolDefinition[];
  readonly toolChoice?: 'auto' | 'required' | 'none';
  /** Ignored for models that do not take it (or when the service refused it once). */
  readonly reasoningEffort?: ReasoningEffort;
  /** Ignored where refused: reasoning models only take the default. */
  readonly temperature?: number;
  /** Sent as max_completion_tokens, max_tokens or max_output_tokens, whichever the model takes. */
  readonly maxOutputTokens?: number;
}

export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Part of outputTokens the model spent thinking; 0 for models that do not reason. */
  readonly reasoningTokens: number;
  /** Part of inputTokens served from the prompt cache (prompt_tokens_details / input_tokens_details.cached_tokens); absent or 0 when none. */
  readonly cachedInputTokens?: number;
}

export type ModelEvent =
  /** A piece of the answer, in order. */
  | { readonly type: 'text'; readonly text: string }
  /** A piece of the model's reasoning summary (Responses API only); never part of the answer. */
  | { readonly type: 'reasoning'; readonly text: string }
  /** The model started a tool call. */
  | { readonly type: 'toolCallStart'; readonly callId: string; readonly name: string }
  /** A piece of the arguments of the tool call `callId`. */
  | { readonly type: 'toolCallArguments'; readonly callId: string; readonly text: string }
  /** The tool call is complete, with all its arguments. */
  | { readonly type: 'toolCallEnd'; readonly call: ToolCall }
  /** The model's encrypted reasoning of this step (Responses API, when tools were offered). */
  | { readonly type: 'reasoningItem'; readonly item: OpaqueReasoning }
  /** Token counts of this answer; sent once, near the end. */
  | { readonly type: 'usage'; readonly usage: TokenUsage }
  /** Nothing arrived yet and the request is tried again after `ms`: Azure asked to wait (429) or failed. */
  | { readonly type: 'waiting'; readonly ms: number; readonly reason: WaitReason }
  /** What is left of the deployment's quota, from the answer's rate-limit headers; first, when Azure sends them. */
  | { readonly type: 'quota'; readonly quota: QuotaView }
  /**
   * What the content filter flagged, on the question (`prompt`) or the answer (`completion`), as
   * far as it is known; sent again when a later chunk adds to it. Nothing when all is safe.
   */
  | { readonly type: 'contentFilter'; readonly source: 'prompt' | 'completion'; readonly findings: readonly FilterFindingView[] };

export type ModelEventSink = (event: ModelEvent) => void;

/** What `AzureModelClient.stream` resolves with; `finished` has finishReason `tool_calls` after tool calls. */
export type ModelStreamEnd = StreamEnd;
