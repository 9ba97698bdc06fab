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
export type FixAction =
  | 'retry'
  | 'openSettings'
  | 'signIn'
  | 'setApiKey'
  | 'setSubscriptionKey'
  | 'showLog'
  /** Start a new chat (the fix for a conversation that no longer fits the model). */
  | 'newChat';

export interface ProblemView {
  /** One short sentence: what went wrong, in plain words. */
  readonly title: string;
  /** What to change; may be empty. Plain text, never HTML. */
  readonly detail: string;
  readonly actions: readonly FixAction[];
}

export interface ChatMessageView {
  readonly id: string;
  readonly role: ChatRole;
  /** Plain text for user messages, markdown source for answers. Always untrusted. */
  readonly text: string;
  readonly status: MessageStatus;
  /** Present when status is `error`, or when an answer ended early (content filter, cut off). */
  readonly problem?: ProblemView;
  /** Models: the reasoning summary shown above an answer (untrusted, like the text). */
  readonly reasoning?: string;
  /** Models: token counts of an answer. */
  readonly usage?: UsageView;
}

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
}

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
}

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
  | ModelsHostMessage;

export type WebviewToHostMessage =
  /** The webview's script has loaded and listens; the host sends nothing before this. */
  | { readonly type: 'ready' }
  | { readonly type: 'send'; readonly text: string }
  | { readonly type: 'stop' }
  /** Re-send the question that produced this answer (or this question, if it got no answer). */
  | { readonly type: 'retry'; readonly messageId: string }
  | { readonly type: 'newChat' }
  | { readonly type: 'fix'; readonly action: FixAction }
  /** The user clicked a link in an answer; the host asks before opening it. */
  | { readonly type: 'openLink'; readonly url: string }
  /** Models: the reasoning effort for this deployment; `default` leaves it to the model. */
  | { readonly type: 'setReasoningEffort'; readonly effort: ReasoningEffortValue | 'default' };

export type WebviewToHostType = WebviewToHostMessage['type'];

/** Limits the host enforces on incoming messages; the webview uses them to warn early. */
export const protocolLimits = {
  maxQuestionLength: 100_000,
  maxUrlLength: 2_048,
  maxIdLength: 64,
} as const;
