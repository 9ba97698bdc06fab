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

export function parseWebviewMessage(raw: unknown): WebviewToHostMessage | undefined {
  if (!isRecord(raw) || typeof raw.type !== 'string') {
    return undefined;
  }
  switch (raw.type) {
    case 'ready':
    case 'ping':
    case 'stop':
    case 'newChat':
    case 'pickDeployment':
      return hasOnlyKeys(raw, ['type']) ? { type: raw.type } : undefined;
    case 'send':
      return hasOnlyKeys(raw, ['type', 'text']) &&
        typeof raw.text === 'string' &&
        raw.text.trim() !== '' &&
        raw.text.length <= protocolLimits.maxQuestionLength
        ? { type: 'send', text: raw.text }
        : undefined;
    case 'retry':
      return hasOnlyKeys(raw, ['type', 'messageId']) && isMessageId(raw.messageId) ? { type: 'retry', messageId: raw.messageId } : undefined;
    case 'fix':
      return hasOnlyKeys(raw, ['type', 'action']) && typeof raw.action === 'string' && knownFixActions.has(raw.action)
        ? { type: 'fix', action: raw.action as FixAction }
        : undefined;
    case 'openLink':
      return hasOnlyKeys(raw, ['type', 'url']) && isOpenableUrl(raw.url) ? { type: 'openLink', url: raw.url } : undefined;
    // Models: the reasoning effort control.
    case 'setReasoningEffort':
      return hasOnlyKeys(raw, ['type', 'effort']) && typeof raw.effort === 'string' && effortChoices.has(raw.effort)
        ? { type: 'setReasoningEffort', effort: raw.effort as ReasoningEffortValue | 'default' }
        : undefined;
    default:
      return parseConversationMessage(raw);
  }
}

// Conversations feature: history, context and code actions.

const languagePattern = /^[\w.+#-]{0,64}$/;

/** URIs of files dropped on the view; the host reads only `file:` and `vscode-remote:` ones. */
function isDroppedUriList(value: unknown): value is string[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.length <= protocolLimits.maxDroppedUris &&
    value.every((uri) => typeof uri === 'string' && uri.length <= protocolLimits.maxUrlLength && /^(file|vscode-remote):/.test(uri))
  );
}

function parseConversationMessage(raw: Record<string, unknown>): WebviewToHostMessage | undefined {
  switch (raw.type) {
    case 'openConversation':
    case 'renameConversation':
    case 'deleteConversation':
    case 'undoDelete':
    case 'exportConversation':
    case 'removeAttachment':
      return hasOnlyKeys(raw, ['type', 'id']) && isMessageId(raw.id) ? { type: raw.type, id: raw.id } : undefined;
    case 'listConversations':
      return hasOnlyKeys(raw, ['type', 'query']) && typeof raw.query === 'string' && raw.query.length <= protocolLimits.maxQueryLength
        ? { type: raw.type, query: raw.query }
        : undefined;
    case 'insertCode':
    case 'openCode':
      return hasOnlyKeys(raw, ['type', 'code', 'language']) &&
        typeof raw.code === 'string' &&
        raw.code.length <= protocolLimits.maxCodeLength &&
        typeof raw.language === 'string' &&
        languagePattern.test(raw.language)
        ? { type: raw.type, code: raw.code, language: raw.language }
        : undefined;
    case 'attachActiveFile':
    case 'attachFiles':
      return hasOnlyKeys(raw, ['type']) ? { type: raw.type } : undefined;
    case 'attachUris':
      return hasOnlyKeys(raw, ['type', 'uris']) && isDroppedUriList(raw.uris) ? { type: raw.type, uris: [...raw.uris] } : undefined;
    case 'resend':
      return hasOnlyKeys(raw, ['type', 'messageId', 'text']) &&
        isMessageId(raw.messageId) &&
        typeof raw.text === 'string' &&
        raw.text.trim() !== '' &&
        raw.text.length <= protocolLimits.maxQuestionLength
        ? { type: raw.type, messageId: raw.messageId, text: raw.text }
        : undefined;
    case 'copyAnswer':
      return hasOnlyKeys(raw, ['type', 'messageId']) && isMessageId(raw.messageId) ? { type: raw.type, messageId: raw.messageId } : undefined;
    default:
      return undefined;
  }
}

/** A short description of a rejected message for the log, without echoing its content. */
export function describeRejected(raw: unknown): string {
  if (!isRecord(raw)) {
    return `a ${Array.isArray(raw) ? 'array' : typeof raw}`;
  }
  const type = typeof raw.type === 'string' ? raw.type.slice(0, 32).replace(/[^\w-]/g, '?') : typeof raw.type;
  return `type "${type}" with keys [${Object.keys(raw).slice(0, 8).join(', ').slice(0, 120)}]`;
}
