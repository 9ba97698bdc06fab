import { type FixAction, fixActions, protocolLimits, reasoningEffortValues, type ReasoningEffortValue, type WebviewToHostMessage } from '../common/protocol';

/**
 * The webview runs untrusted model output, so everything it sends is checked here before the
 * host acts on it: known type, exact fields, sane sizes. Anything else is dropped.
 */
const knownFixActions: ReadonlySet<string> = new Set<string>(fixActions);
const effortChoices: ReadonlySet<string> = new Set<string>([...reasoningEffortValues, 'default']);

const idPattern = /^[A-Za-z0-9-]+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasOnlyKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  return Object.keys(value).every((key) => keys.includes(key));
}

function isMessageId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= protocolLimits.maxIdLength && idPattern.test(value);
}

/** Only web links may be opened, and only after the user confirms (see linkOpener.ts). */
export function isOpenableUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > protocolLimits.maxUrlLength) {
    return false;
  }
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
  } catch {
    return false;
  }
}

type MessageOf<K extends WebviewToHostMessage['type']> = Extract<WebviewToHostMessage, { readonly type: K }>;
type Parsers = { readonly [K in WebviewToHostMessage['type']]: (raw: Record<string, unknown> & { readonly type: K }) => MessageOf<K> | undefined };

const languagePattern = /^[\w.+#-]{0,64}$/;
/** Azure deployment names: letters, digits, `-`, `_` and `.`, at most 64. */
const deploymentPattern = /^[A-Za-z0-9._-]{1,64}$/;

/** URIs of files dropped on the view; the host reads only `file:` and `vscode-remote:` ones. */
function isDroppedUriList(value: unknown): value is string[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.length <= protocolLimits.maxDroppedUris &&
    value.every((uri) => typeof uri === 'string' && uri.length <= protocolLimits.maxUrlLength && /^(file|vscode-remote):/.test(uri))
  );
}

function isQuestion(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.length <= protocolLimits.maxQuestionLength;
}

const bare = <K extends WebviewToHostMessage['type']>(raw: Record<string, unknown> & { readonly type: K }) =>
  (hasOnlyKeys(raw, ['type']) ? { type: raw.type } : undefined) as MessageOf<K> | undefined;
const withConversationId = <K extends WebviewToHostMessage['type']>(raw: Record<string, unknown> & { readonly type: K }) =>
  (hasOnlyKeys(raw, ['type', 'id']) && isMessageId(raw.id) ? { type: raw.type, id: raw.id } : undefined) as MessageOf<K> | undefined;
const withCode = <K extends WebviewToHostMessage['type']>(raw: Record<string, unknown> & { readonly type: K }) =>
  (hasOnlyKeys(raw, ['type', 'code', 'language']) &&
  typeof raw.code === 'string' &&
  raw.code.length <= protocolLimits.maxCodeLength &&
  typeof raw.language === 'string' &&
  languagePattern.test(raw.language)
    ? { type: raw.type, code: raw.code, language: raw.language }
    : undefined) as MessageOf<K> | undefined;

/**
 * One parser per message type. The mapped type makes this table incomplete (a compile error)
 * the moment a message type is added to the protocol without a parser here.
 */
const parsers: Parsers = {
  ready: bare,
  // Liveness: answered with `pong` before the binding sees it (chatWebview.ts).
  ping: bare,
  stop: bare,
  newChat: bare,
  pickDeployment: bare,
  send: (raw) => (hasOnlyKeys(raw, ['type', 'text']) && isQuestion(raw.text) ? { type: 'send', text: raw.text } : undefined),
  retry: (raw) => (hasOnlyKeys(raw, ['type', 'messageId']) && isMessageId(raw.messageId) ? { type: 'retry', messageId: raw.messageId } : undefined),
  fix: (raw) =>
    hasOnlyKeys(raw, ['type', 'action']) && typeof raw.action === 'string' && knownFixActions.has(raw.action) ? { type: 'fix', action: raw.action as FixAction } : undefined,
  openLink: (raw) => (hasOnlyKeys(raw, ['type', 'url']) && isOpenableUrl(raw.url) ? { type: 'openLink', url: raw.url } : undefined),
  // Models: the reasoning effort control.
  setReasoningEffort: (raw) =>
    hasOnlyKeys(raw, ['type', 'effort']) && typeof raw.effort === 'string' && effortChoices.has(raw.effort)
      ? { type: 'setReasoningEffort', effort: raw.effort as ReasoningEffortValue | 'default' }
      : undefined,
  // Conversations feature: history, context and code actions.
  openConversation: withConversationId,
  renameConversation: withConversationId,
  deleteConversation: withConversationId,
  undoDelete: withConversationId,
  exportConversation: withConversationId,
  removeAttachment: withConversationId,
  listConversations: (raw) =>
    hasOnlyKeys(raw, ['type', 'query']) && typeof raw.query === 'string' && raw.query.length <= protocolLimits.maxQueryLength
      ? { type: 'listConversations', query: raw.query }
      : undefined,
  insertCode: withCode,
  openCode: withCode,
  attachActiveFile: bare,
  attachFiles: bare,
  attachUris: (raw) => (hasOnlyKeys(raw, ['type', 'uris']) && isDroppedUriList(raw.uris) ? { type: 'attachUris', uris: [...raw.uris] } : undefined),
  resend: (raw) =>
    hasOnlyKeys(raw, ['type', 'messageId', 'text']) && isMessageId(raw.messageId) && isQuestion(raw.text)
      ? { type: 'resend', messageId: raw.messageId, text: raw.text }
      : undefined,
  copyAnswer: (raw) => (hasOnlyKeys(raw, ['type', 'messageId']) && isMessageId(raw.messageId) ? { type: 'copyAnswer', messageId: raw.messageId } : undefined),
  // Spend: the 429 card's "use another deployment", and "send anyway" past the daily budget.
  switchDeployment: (raw) =>
    hasOnlyKeys(raw, ['type', 'endpoint', 'deployment']) && isOpenableUrl(raw.endpoint) && typeof raw.deployment === 'string' && deploymentPattern.test(raw.deployment)
      ? { type: 'switchDeployment', endpoint: raw.endpoint, deployment: raw.deployment }
      : undefined,
  sendOverBudget: (raw) => (hasOnlyKeys(raw, ['type', 'text']) && isQuestion(raw.text) ? { type: 'sendOverBudget', text: raw.text } : undefined),
};

function isMessageType(type: string): type is WebviewToHostMessage['type'] {
  return Object.hasOwn(parsers, type);
}

export function parseWebviewMessage(raw: unknown): WebviewToHostMessage | undefined {
  if (!isRecord(raw) || typeof raw.type !== 'string' || !isMessageType(raw.type)) {
    return undefined;
  }
  const parse = parsers[raw.type] as (message: Record<string, unknown>) => WebviewToHostMessage | undefined;
  return parse(raw);
}

/** A short description of a rejected message for the log, without echoing its content. */
export function describeRejected(raw: unknown): string {
  if (!isRecord(raw)) {
    return `a ${Array.isArray(raw) ? 'array' : typeof raw}`;
  }
  const type = typeof raw.type === 'string' ? raw.type.slice(0, 32).replace(/[^\w-]/g, '?') : typeof raw.type;
  return `type "${type}" with keys [${Object.keys(raw).slice(0, 8).join(', ').slice(0, 120)}]`;
}
