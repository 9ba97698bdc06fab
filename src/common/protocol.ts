/**
 * The one message protocol between the extension host and the chat webview.
 *
 * Both sides import this file, so it holds types and a few constants only. The host validates
 * every incoming message with `parseWebviewMessage` (src/webviewHost/messageValidation.ts)
 * before acting on it.
 */

export type ChatRole = 'user' | 'assistant';

/** Life cycle of an assistant answer; user messages are always `done`. */
export type MessageStatus = 'streaming' | 'done' | 'stopped' | 'error';

/**
 * Something the user can click to fix the cause of a problem. The host decides what each one
 * does; the webview only names it, so no message can make the host run an arbitrary command.
 */
export const fixActions = [
  'retry',
  'openSettings',
  'signIn',
  'setApiKey',
  'setSubscriptionKey',
  'showLog',
  // Deployment discovery and Diagnose Connection (issue 11).
  'selectDeployment',
  'diagnose',
  // Models: start a new chat (the fix for a conversation that no longer fits the model).
  'newChat',
  // Tools (issue 20): go on after the per-question step limit ended the tool loop.
  'continue',
] as const;
export type FixAction = (typeof fixActions)[number];

export interface ProblemView {
  /** One short sentence: what went wrong, in plain words. */
  readonly title: string;
  /** What to change; may be empty. Plain text, never HTML. */
  readonly detail: string;
  readonly actions: readonly FixAction[];
  /** Spend (issue 21): what Azure's content filter said, when it blocked the question or cut the answer. */
  readonly filter?: FilterView;
  /** Spend (issue 21): a 429, with the limit it names and the deployments of the same model that could answer. */
  readonly rateLimit?: RateLimitView;
}

export interface ChatMessageView {
  readonly id: string;
  readonly role: ChatRole;
  /** Plain text for user messages, markdown source for answers. Always untrusted. */
  readonly text: string;
  readonly status: MessageStatus;
  /** Present when status is `error`, or when an answer ended early (content filter, cut off). */
  readonly problem?: ProblemView;
  /** Context attached to a question (conversations feature); shown as chips. */
  readonly attachments?: readonly AttachmentView[];
  /** Models: the reasoning summary shown above an answer (untrusted, like the text). */
  readonly reasoning?: string;
  /** Models: token counts of an answer. */
  readonly usage?: UsageView;
  /** Tools: the tool calls the answer made, in order (cards in the transcript). */
  readonly toolCalls?: readonly ToolCallView[];
}

// ---- Tools (issue 20): the model calls tools, the user stays in control -----------------------

/** Life cycle of one tool call's card. */
export const toolCallStatuses = ['streaming', 'awaitingApproval', 'running', 'done', 'error', 'denied', 'stopped'] as const;
export type ToolCallStatus = (typeof toolCallStatuses)[number];

export interface ToolCallView {
  readonly callId: string;
  readonly name: string;
  /** JSON text as the model wrote it (untrusted). */
  readonly arguments: string;
  readonly status: ToolCallStatus;
  /** The tool's output as sent back to the model (untrusted; cut when oversized). */
  readonly result?: string;
  /** The result was cut to the size limit. */
  readonly truncated?: boolean;
  /** Which model step of the answer made the call (0-based): calls of one step ran in parallel. */
  readonly step: number;
  /** Where in the answer's text the step's calls came (the text before it belongs to that step). */
  readonly textOffset: number;
}

/** Host -> webview messages of the tools feature. */
export type ToolsHostMessage =
  /** A tool call's card appeared or changed (everything but its streaming arguments). */
  | { readonly type: 'toolCall'; readonly messageId: string; readonly call: ToolCallView }
  /** A piece of a streaming tool call's arguments. */
  | { readonly type: 'toolCallDelta'; readonly messageId: string; readonly callId: string; readonly text: string };

// ---- Models (issue 10): reasoning summaries, usage, context window, reasoning effort ----------

/** The reasoning efforts a model may take, in order; a model takes some of them. */
export const reasoningEffortValues = ['minimal', 'low', 'medium', 'high'] as const;
export type ReasoningEffortValue = (typeof reasoningEffortValues)[number];

export interface UsageView {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
  /** The model's context window, when known: input + output of this answer against it is the fill. */
  readonly contextWindow?: number;
  /** Spend: the part of inputTokens served from Azure's prompt cache (billed at a discount). */
  readonly cachedInputTokens?: number;
  /** Spend: the estimated cost in the price table's currency; absent without a price for the model. */
  readonly cost?: number;
}

// ---- Spend (issue 21): usage totals, cost, quota, content filters -----------------------------

/** What Azure's content filter reports on, in its own names. */
export const filterCategories = [
  'hate',
  'sexual',
  'violence',
  'self_harm',
  'profanity',
  'jailbreak',
  'indirect_attack',
  'protected_material_text',
  'protected_material_code',
] as const;
export type FilterCategory = (typeof filterCategories)[number];

/** One category the filter flagged (a severity above safe, or a detection). */
export interface FilterFindingView {
  readonly category: FilterCategory;
  /** hate, sexual, violence, self_harm: safe, low, medium or high. */
  readonly severity?: string;
  /** The optional models (jailbreak, indirect attack, protected material): detected or not. */
  readonly detected?: boolean;
  /** Whether the filter blocked it (otherwise only annotated). */
  readonly filtered: boolean;
  /** Protected code: where Azure found it and the license it is under (untrusted text). */
  readonly citation?: { readonly url: string; readonly license: string };
}

export interface FilterView {
  /** The question (prompt, attached files included) or the answer. */
  readonly source: 'prompt' | 'completion';
  readonly findings: readonly FilterFindingView[];
  /** For an answer cut by the filter: the characters that arrived before it stopped. */
  readonly cutAt?: number;
}

/** A deployment of the same model that could answer instead. */
export interface DeploymentOfferView {
  readonly endpoint: string;
  readonly deployment: string;
  /** Resource Manager's SKU name (Standard, GlobalStandard, DataZoneStandard, ProvisionedManaged...). */
  readonly sku: string;
  /** Capacity in the SKU's unit (thousands of tokens per minute for Standard SKUs; PTUs for Provisioned). */
  readonly capacity?: number;
}

export interface RateLimitView {
  /** Which limit the 429 names: tokens per minute, requests per minute, or not said. */
  readonly limit: 'tokens' | 'requests' | 'unknown';
  /** How long Azure asked to wait (retry-after-ms / retry-after), in seconds. */
  readonly waitSeconds?: number;
  readonly alternatives?: readonly DeploymentOfferView[];
}

/** Azure's rate-limit headers of the latest answer: what is left of the deployment's quota. */
export interface QuotaView {
  readonly remainingRequests?: number;
  readonly remainingTokens?: number;
}

/** Token totals and their estimated cost. */
export interface UsageTotalsView {
  readonly inputTokens: number;
  readonly cachedInputTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
  readonly answers: number;
  /** Absent when no answer counted had a price. */
  readonly cost?: number;
}

/** The spend line of a view: this conversation, and the deployment today (the chat's own and other extensions'). */
export interface SpendView {
  readonly conversation: UsageTotalsView;
  readonly deployment?: string;
  readonly today?: UsageTotalsView;
  /** Requests other extensions made through the language model provider today, on every deployment. */
  readonly otherExtensionsToday?: UsageTotalsView;
  readonly currency?: string;
  /** The deployment's daily budget, when one is set. */
  readonly budget?: number;
  readonly quota?: QuotaView;
}

/** Host -> webview messages of the spend feature. */
export type SpendHostMessage =
  | { readonly type: 'spend'; readonly spend: SpendView }
  /** The filter's annotations on an answer that was not blocked (e.g. protected code with its citation). */
  | { readonly type: 'filterNotice'; readonly messageId: string; readonly filter: FilterView }
  /** Sending this question would pass the deployment's daily budget; nothing was sent. */
  | { readonly type: 'budgetWarning'; readonly text: string; readonly spent: number; readonly budget: number; readonly estimate: number; readonly currency: string };

/** What the chat offers for the deployment's model. */
export interface ModelStateView {
  /** The model's name as best known (reported by the service, or the deployment's name). */
  readonly model: string;
  /** Efforts the model takes; empty hides the control. */
  readonly efforts: readonly ReasoningEffortValue[];
  /** The user's choice for this deployment; absent means the model's default. */
  readonly effort?: ReasoningEffortValue;
}

/** Host -> webview messages of the models feature. */
export type ModelsHostMessage =
  | { readonly type: 'reasoningDelta'; readonly messageId: string; readonly text: string }
  | { readonly type: 'usage'; readonly messageId: string; readonly usage: UsageView }
  /** Messages before this one are not sent (they no longer fit the context window); absent: all are. */
  | { readonly type: 'sendingStartsAt'; readonly messageId?: string }
  | { readonly type: 'modelState'; readonly state?: ModelStateView };

export type ConnectionState =
  /** Settings are usable and a credential is known. */
  | 'ready'
  /** No credential yet: the webview offers "Sign in with Microsoft" and "Use an API key". */
  | 'signedOut'
  /** A setting is missing or malformed: the webview shows `problem` with "Open Settings". */
  | 'misconfigured'
  /** Still finding out (first paint). */
  | 'checking';

export interface ConnectionView {
  readonly state: ConnectionState;
  /** Header text such as "Signed in as ada@contoso.com via VS Code" or "API key". */
  readonly label: string;
  /** Deployment name shown beside the label; empty when unknown. */
  readonly deployment: string;
  readonly problem?: ProblemView;
  /** The tenant signed in to, when it is not the account's home tenant (display name or id). */
  readonly tenant?: string;
}

/** Why an answer waits before its request is tried again: Azure asked to wait (429), or failed. */
export type WaitReason = 'rateLimited' | 'serviceTrouble';

export type HostToWebviewMessage =
  /** Full state: sent after `ready`, and when a hidden view becomes visible again. */
  | {
      readonly type: 'snapshot';
      readonly messages: readonly ChatMessageView[];
      readonly connection: ConnectionView;
      readonly busy: boolean;
    }
  /** A message was appended to the conversation (the question, or an empty answer about to stream). */
  | { readonly type: 'messageAdded'; readonly message: ChatMessageView }
  /** Text to append to a streaming answer; several model chunks may be coalesced into one. */
  | { readonly type: 'delta'; readonly messageId: string; readonly text: string }
  /** An answer stopped streaming, with how it ended. */
  | {
      readonly type: 'messageFinished';
      readonly messageId: string;
      readonly status: MessageStatus;
      readonly problem?: ProblemView;
    }
  /** A message left the conversation (e.g. a failed answer replaced by a retry). */
  | { readonly type: 'messageRemoved'; readonly messageId: string }
  | { readonly type: 'connection'; readonly connection: ConnectionView }
  | { readonly type: 'busy'; readonly busy: boolean }
  /** Put text back into the input box (e.g. a question that could not be sent). */
  | { readonly type: 'restoreDraft'; readonly text: string }
  // Conversations feature (history, context, editor actions).
  /** The conversation this view shows now (sent before its snapshot, and when renamed). */
  | { readonly type: 'conversation'; readonly id: string; readonly title: string }
  /** The history list, filtered by `query` (empty: all). */
  | { readonly type: 'history'; readonly query: string; readonly items: readonly ConversationSummaryView[] }
  /** A conversation was deleted from this view; it offers Undo. */
  | { readonly type: 'conversationDeleted'; readonly id: string; readonly title: string }
  /** Context waiting to go with the next question. */
  | { readonly type: 'attachments'; readonly items: readonly AttachmentView[] }
  | { readonly type: 'focusInput' }
  | { readonly type: 'showHistory' }
  /** The answer waits before its request is tried again; its next text or its end clears this. */
  | { readonly type: 'waiting'; readonly messageId: string; readonly seconds: number; readonly reason: WaitReason }
  /** The answer to `ping`: the extension host behind this webview is alive. */
  | { readonly type: 'pong' }
  | ModelsHostMessage
  | SpendHostMessage
  | ToolsHostMessage;

export type WebviewToHostMessage =
  /**
   * The webview's script has loaded and listens; the host sends nothing before this. Sent again
   * when the host answers after a silence: the host then sends a fresh snapshot.
   */
  | { readonly type: 'ready' }
  /**
   * Is the extension host still there? Sent while an answer is in flight and after the user acts;
   * the host answers `pong`. An extension host that ended (a crash, Restart Extension Host) leaves
   * its webviews behind with nobody listening, and this is how they notice.
   */
  | { readonly type: 'ping' }
  | { readonly type: 'send'; readonly text: string }
  | { readonly type: 'stop' }
  /** Re-send the question that produced this answer (or this question, if it got no answer). */
  | { readonly type: 'retry'; readonly messageId: string }
  | { readonly type: 'newChat' }
  | { readonly type: 'fix'; readonly action: FixAction }
  /** The user clicked a link in an answer; the host asks before opening it. */
  | { readonly type: 'openLink'; readonly url: string }
  // Conversations feature (history, context, editor actions).
  | { readonly type: 'openConversation'; readonly id: string }
  | { readonly type: 'listConversations'; readonly query: string }
  /** The host asks for the new title (an input box). */
  | { readonly type: 'renameConversation'; readonly id: string }
  | { readonly type: 'deleteConversation'; readonly id: string }
  | { readonly type: 'undoDelete'; readonly id: string }
  | { readonly type: 'exportConversation'; readonly id: string }
  | { readonly type: 'insertCode'; readonly code: string; readonly language: string }
  | { readonly type: 'openCode'; readonly code: string; readonly language: string }
  | { readonly type: 'attachActiveFile' }
  /** The host shows a file picker. */
  | { readonly type: 'attachFiles' }
  /** Files dropped on the view (e.g. from the Explorer), as URIs. */
  | { readonly type: 'attachUris'; readonly uris: readonly string[] }
  | { readonly type: 'removeAttachment'; readonly id: string }
  /** Replace the last question (and its answers) with an edited one and ask again. */
  | { readonly type: 'resend'; readonly messageId: string; readonly text: string }
  /** Copy an answer's markdown source to the clipboard. */
  | { readonly type: 'copyAnswer'; readonly messageId: string }
  /** The header's deployment picker: choose this conversation's deployment. */
  | { readonly type: 'pickDeployment' }
  /** Models: the reasoning effort for this deployment; `default` leaves it to the model. */
  | { readonly type: 'setReasoningEffort'; readonly effort: ReasoningEffortValue | 'default' }
  /** Spend: switch this conversation to another deployment (offered after a 429). */
  | { readonly type: 'switchDeployment'; readonly endpoint: string; readonly deployment: string }
  /** Spend: send the question the budget warning held back anyway. */
  | { readonly type: 'sendOverBudget'; readonly text: string };

export type WebviewToHostType = WebviewToHostMessage['type'];

/** Limits the host enforces on incoming messages; the webview uses them to warn early. */
export const protocolLimits = {
  maxQuestionLength: 100_000,
  maxUrlLength: 2_048,
  maxIdLength: 64,
  // Conversations feature.
  maxCodeLength: 2_000_000,
  maxQueryLength: 200,
  maxDroppedUris: 20,
} as const;

// Conversations feature: what the history list and the context chips show.

/** One conversation in the history list. */
export interface ConversationSummaryView {
  readonly id: string;
  readonly title: string;
  /** Last change, milliseconds since the epoch. */
  readonly updated: number;
}

/** Context attached to a question: a chip with its name and size; the text stays in the host. */
export interface AttachmentView {
  readonly id: string;
  readonly kind: 'file' | 'selection';
  /** Workspace-relative path, with the line range for a selection. */
  readonly name: string;
  readonly language: string;
  /** Estimated size in tokens of what is sent. */
  readonly tokens: number;
  readonly truncated: boolean;
  /** Says what was cut, when it was. */
  readonly note?: string;
}
