import { type FixAction, protocolLimits, reasoningEffortValues, type ReasoningEffortValue, type WebviewToHostMessage } from '../common/protocol';

/**
 * The webview runs untrusted model output, so everything it sends is checked here before the
 * host acts on it: known type, exact fields, sane sizes. Anything else is dropped.
 */
const fixActions: ReadonlySet<string> = new Set<FixAction>(['retry', 'openSettings', 'signIn', 'setApiKey', 'setSubscriptionKey', 'showLog', 'newChat']);
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
    case 'stop':
    case 'newChat':
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
      return hasOnlyKeys(raw, ['type', 'action']) && typeof raw.action === 'string' && fixActions.has(raw.action)
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
