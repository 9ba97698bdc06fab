/**
 * Checks the shape of what arrives on `window`'s message event before anything acts on it.
 * The host is trusted, but a malformed message (a bug, an older host) must be dropped rather
 * than half-applied; unknown fix actions are dropped from a problem, not the whole message.
 */
import type {
  AttachmentView,
  ChatMessageView,
  ConversationSummaryView,
  ConnectionState,
  ConnectionView,
  FixAction,
  HostToWebviewMessage,
  MessageStatus,
  ModelStateView,
  ProblemView,
  ReasoningEffortValue,
  ToolCallView,
  UsageView,
} from '../src/common/protocol';
import { fixActions, reasoningEffortValues, toolCallStatuses } from '../src/common/protocol';
import { parseProblemSpend, parseSpendMessage } from './spend';

type Fields = Record<string, unknown>;

const statuses: readonly MessageStatus[] = ['streaming', 'done', 'stopped', 'error'];
const connectionStates: readonly ConnectionState[] = ['ready', 'signedOut', 'misconfigured', 'checking'];

export function parseHostMessage(data: unknown): HostToWebviewMessage | undefined {
  if (!isFields(data) || typeof data.type !== 'string') {
    return undefined;
  }
  const type = data.type as HostToWebviewMessage['type'];
  switch (type) {
    case 'snapshot': {
      if (!Array.isArray(data.messages) || typeof data.busy !== 'boolean') {
        return undefined;
      }
      const messages = data.messages.map(parseChatMessage);
      const connection = parseConnection(data.connection);
      if (!connection || !messages.every((m): m is ChatMessageView => m !== undefined)) {
        return undefined;
      }
      return { type, messages, connection, busy: data.busy };
    }
    case 'messageAdded': {
      const message = parseChatMessage(data.message);
      return message && { type, message };
    }
    case 'delta':
      return typeof data.messageId === 'string' && typeof data.text === 'string'
        ? { type, messageId: data.messageId, text: data.text }
        : undefined;
    case 'messageFinished': {
      if (typeof data.messageId !== 'string' || !isOneOf(data.status, statuses)) {
        return undefined;
      }
      const problem = optionalProblem(data.problem);
      return problem === null ? undefined : { type, messageId: data.messageId, status: data.status, problem };
    }
    case 'messageRemoved':
      return typeof data.messageId === 'string' ? { type, messageId: data.messageId } : undefined;
    case 'connection': {
      const connection = parseConnection(data.connection);
      return connection && { type, connection };
    }
    case 'busy':
      return typeof data.busy === 'boolean' ? { type, busy: data.busy } : undefined;
    case 'restoreDraft':
      return typeof data.text === 'string' ? { type, text: data.text } : undefined;
    // Conversations feature.
    case 'conversation':
      return typeof data.id === 'string' && typeof data.title === 'string' ? { type, id: data.id, title: data.title } : undefined;
    case 'history': {
      if (typeof data.query !== 'string' || !Array.isArray(data.items)) {
        return undefined;
      }
      const items = data.items.map(parseSummary);
      return items.every((item): item is ConversationSummaryView => item !== undefined) ? { type, query: data.query, items } : undefined;
    }
    case 'conversationDeleted':
      return typeof data.id === 'string' && typeof data.title === 'string' ? { type, id: data.id, title: data.title } : undefined;
    case 'attachments': {
      const items = parseAttachments(data.items);
      return items && { type, items };
    }
    case 'focusInput':
    case 'showHistory':
    case 'pong':
      return { type };
    case 'waiting':
      return typeof data.messageId === 'string' &&
        typeof data.seconds === 'number' &&
        Number.isFinite(data.seconds) &&
        (data.reason === 'rateLimited' || data.reason === 'serviceTrouble')
        ? { type, messageId: data.messageId, seconds: Math.max(0, Math.round(data.seconds)), reason: data.reason }
        : undefined;
    // Models: reasoning summaries, usage, where sending starts, the effort control.
    case 'reasoningDelta':
      return typeof data.messageId === 'string' && typeof data.text === 'string' ? { type, messageId: data.messageId, text: data.text } : undefined;
    case 'usage': {
      const usage = parseUsage(data.usage);
      return typeof data.messageId === 'string' && usage ? { type, messageId: data.messageId, usage } : undefined;
    }
    case 'sendingStartsAt':
      return data.messageId === undefined ? { type } : typeof data.messageId === 'string' ? { type, messageId: data.messageId } : undefined;
    case 'modelState': {
      if (data.state === undefined) {
        return { type };
      }
      const state = parseModelState(data.state);
      return state && { type, state };
    }
    // Spend: totals, filter annotations, the budget warning.
    case 'spend':
    case 'filterNotice':
    case 'budgetWarning':
      return parseSpendMessage(data);
    // Tools: a card's state, and a piece of its streaming arguments.
    case 'toolCall': {
      const call = parseToolCall(data.call);
      return typeof data.messageId === 'string' && call ? { type, messageId: data.messageId, call } : undefined;
    }
    case 'toolCallDelta':
      return typeof data.messageId === 'string' && typeof data.callId === 'string' && typeof data.text === 'string'
        ? { type, messageId: data.messageId, callId: data.callId, text: data.text }
        : undefined;
    default:
      return undefined;
  }
}

function parseToolCall(value: unknown): ToolCallView | undefined {
  if (
    !isFields(value) ||
    typeof value.callId !== 'string' ||
    typeof value.name !== 'string' ||
    typeof value.arguments !== 'string' ||
    !isOneOf(value.status, toolCallStatuses) ||
    !isCount(value.step) ||
    !isCount(value.textOffset) ||
    (value.result !== undefined && typeof value.result !== 'string')
  ) {
    return undefined;
  }
  return {
    callId: value.callId,
    name: value.name,
    arguments: value.arguments,
    status: value.status,
    step: value.step,
    textOffset: value.textOffset,
    ...(typeof value.result === 'string' ? { result: value.result } : {}),
    ...(value.truncated === true ? { truncated: true } : {}),
  };
}

function parseSummary(value: unknown): ConversationSummaryView | undefined {
  return isFields(value) && typeof value.id === 'string' && typeof value.title === 'string' && typeof value.updated === 'number'
    ? { id: value.id, title: value.title, updated: value.updated }
    : undefined;
}

function parseAttachments(value: unknown): AttachmentView[] | undefined {
  if (!Array.isArray(value)) {
    return undefined;
  }
  const items: AttachmentView[] = [];
  for (const item of value) {
    if (
      !isFields(item) ||
      typeof item.id !== 'string' ||
      (item.kind !== 'file' && item.kind !== 'selection') ||
      typeof item.name !== 'string' ||
      typeof item.language !== 'string' ||
      typeof item.tokens !== 'number' ||
      typeof item.truncated !== 'boolean' ||
      (item.note !== undefined && typeof item.note !== 'string')
    ) {
      return undefined;
    }
    items.push({ id: item.id, kind: item.kind, name: item.name, language: item.language, tokens: item.tokens, truncated: item.truncated, ...(typeof item.note === 'string' ? { note: item.note } : {}) });
  }
  return items;
}

function parseChatMessage(value: unknown): ChatMessageView | undefined {
  if (
    !isFields(value) ||
    typeof value.id !== 'string' ||
    (value.role !== 'user' && value.role !== 'assistant') ||
    typeof value.text !== 'string' ||
    !isOneOf(value.status, statuses)
  ) {
    return undefined;
  }
  const problem = optionalProblem(value.problem);
  if (problem === null) {
    return undefined;
  }
  // Conversations feature: a question's chips; malformed ones are dropped, not the message.
  const attachments = value.attachments === undefined ? undefined : parseAttachments(value.attachments);
  // Models: the reasoning summary and usage of an answer.
  const reasoning = typeof value.reasoning === 'string' ? value.reasoning : undefined;
  const usage = parseUsage(value.usage);
  // Tools: an answer's cards; malformed ones are dropped, not the message.
  const toolCalls = Array.isArray(value.toolCalls) ? value.toolCalls.map(parseToolCall).filter((call): call is ToolCallView => call !== undefined) : [];
  return {
    id: value.id,
    role: value.role,
    text: value.text,
    status: value.status,
    problem,
    ...(attachments?.length ? { attachments } : {}),
    ...(reasoning ? { reasoning } : {}),
    ...(usage ? { usage } : {}),
    ...(toolCalls.length ? { toolCalls } : {}),
  };
}

function parseUsage(value: unknown): UsageView | undefined {
  if (!isFields(value) || !isCount(value.inputTokens) || !isCount(value.outputTokens) || !isCount(value.reasoningTokens)) {
    return undefined;
  }
  const window = isCount(value.contextWindow) && value.contextWindow > 0 ? { contextWindow: value.contextWindow } : {};
  // Spend: cached input tokens and the estimated cost.
  const spend = { ...(isCount(value.cachedInputTokens) ? { cachedInputTokens: value.cachedInputTokens } : {}), ...(isCount(value.cost) ? { cost: value.cost } : {}) };
  return { inputTokens: value.inputTokens, outputTokens: value.outputTokens, reasoningTokens: value.reasoningTokens, ...window, ...spend };
}

function parseModelState(value: unknown): ModelStateView | undefined {
  if (!isFields(value) || typeof value.model !== 'string' || !Array.isArray(value.efforts)) {
    return undefined;
  }
  const efforts = value.efforts.filter((effort): effort is ReasoningEffortValue => isOneOf(effort, reasoningEffortValues));
  return { model: value.model, efforts, ...(isOneOf(value.effort, reasoningEffortValues) ? { effort: value.effort } : {}) };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function parseConnection(value: unknown): ConnectionView | undefined {
  if (
    !isFields(value) ||
    !isOneOf(value.state, connectionStates) ||
    typeof value.label !== 'string' ||
    typeof value.deployment !== 'string'
  ) {
    return undefined;
  }
  const problem = optionalProblem(value.problem);
  if (problem === null) {
    return undefined;
  }
  // Deployment discovery: the tenant, when it is not the home one.
  const tenant = typeof value.tenant === 'string' && value.tenant ? { tenant: value.tenant } : {};
  return { state: value.state, label: value.label, deployment: value.deployment, problem, ...tenant };
}

/** `undefined` when absent, `null` when present but malformed. */
function optionalProblem(value: unknown): ProblemView | undefined | null {
  if (value === undefined) {
    return undefined;
  }
  if (!isFields(value) || typeof value.title !== 'string' || typeof value.detail !== 'string' || !Array.isArray(value.actions)) {
    return null;
  }
  const actions = value.actions.filter((action): action is FixAction => isOneOf(action, fixActions));
  return { title: value.title, detail: value.detail, actions, ...parseProblemSpend(value) };
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}
