/**
 * Tool call cards as saved in a conversation's journal. A saved card is sent to the model again
 * with later questions (its call and result), so every field is checked when it is read back,
 * and a card that was still waiting or running when VS Code closed is restored as stopped.
 */
import { type ToolCallView, toolCallStatuses } from '../common/protocol';

const statuses: readonly string[] = toolCallStatuses;
const unfinished: readonly string[] = ['streaming', 'awaitingApproval', 'running'];

export function parseToolCallView(value: unknown): ToolCallView | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return undefined;
  }
  const { callId, name, arguments: args, status, result, truncated, step, textOffset } = value as Record<string, unknown>;
  const count = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  if (
    typeof callId !== 'string' ||
    !callId ||
    typeof name !== 'string' ||
    typeof args !== 'string' ||
    typeof status !== 'string' ||
    !statuses.includes(status) ||
    (result !== undefined && typeof result !== 'string') ||
    (truncated !== undefined && typeof truncated !== 'boolean') ||
    !count(step) ||
    !count(textOffset)
  ) {
    return undefined;
  }
  return {
    callId,
    name,
    arguments: args,
    status: status as ToolCallView['status'],
    step,
    textOffset,
    ...(result !== undefined ? { result } : {}),
    ...(truncated ? { truncated } : {}),
  };
}

/** The valid cards of a list (undefined when it is not a list). */
export function parseToolCallList(value: unknown): ToolCallView[] | undefined {
  return Array.isArray(value) ? value.map(parseToolCallView).filter((call): call is ToolCallView => call !== undefined) : undefined;
}

/** Adds `call` to `calls`, replacing the card with the same id. */
export function upsertCall(calls: ToolCallView[], call: ToolCallView): void {
  const index = calls.findIndex((known) => known.callId === call.callId);
  if (index >= 0) {
    calls[index] = call;
  } else {
    calls.push(call);
  }
}

/** Cards cut off by a crash or a reload: they did not finish, and say so. */
export function settleInterrupted(calls: readonly ToolCallView[]): ToolCallView[] {
  return calls.map((call) => (unfinished.includes(call.status) ? { ...call, status: 'stopped', result: call.result ?? 'Interrupted when VS Code closed.' } : call));
}

/** An answer's text with its tool calls where they happened, for the Markdown export. */
export function answerWithToolCallsMarkdown(text: string, calls: readonly ToolCallView[]): string {
  const parts: string[] = [];
  let position = 0;
  for (const call of [...calls].sort((a, b) => a.step - b.step || a.textOffset - b.textOffset)) {
    const offset = Math.max(position, Math.min(text.length, call.textOffset));
    if (offset > position) {
      parts.push(text.slice(position, offset).trim());
      position = offset;
    }
    parts.push(
      [
        `**Tool \`${call.name}\`** (${call.status}${call.truncated ? ', result cut' : ''})`,
        fenced(call.arguments || '{}', 'json'),
        ...(call.result !== undefined ? [fenced(call.result, 'text')] : []),
      ].join('\n\n'),
    );
  }
  const rest = text.slice(position).trim();
  if (rest) {
    parts.push(rest);
  }
  return parts.filter(Boolean).join('\n\n');
}

/** A fenced block whose fence is longer than any run of backticks inside, so the text cannot end it. */
function fenced(text: string, language: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}
