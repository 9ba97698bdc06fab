/**
 * An answer that used tools, as turns for the model: each step's text with the calls it made,
 * then one tool turn per call with its result (every call is answered, even a denied or stopped
 * one, as both APIs require), then the text after the last step.
 */
import type { ToolCallView } from '../common/protocol';
import type { ChatTurn } from '../azure/chatStream';
import type { OpaqueReasoning } from '../azure/modelRequest';

export interface ToolAnswer {
  readonly id: string;
  readonly text: string;
  readonly toolCalls?: readonly ToolCallView[];
  /** Encrypted reasoning per step (kept in memory only; never shown). */
  readonly reasoningItems?: readonly StepReasoning[];
}

export interface StepReasoning {
  readonly step: number;
  readonly item: OpaqueReasoning;
}

const noResult: Partial<Record<ToolCallView['status'], string>> = {
  denied: 'The user declined this tool call; nothing was done.',
  stopped: 'Stopped by the user.',
};

export function assistantTurns(answer: ToolAnswer): ChatTurn[] {
  const calls = answer.toolCalls ?? [];
  if (calls.length === 0) {
    return answer.text ? [{ role: 'assistant', content: answer.text, id: answer.id }] : [];
  }
  const steps = new Map<number, ToolCallView[]>();
  for (const call of calls) {
    steps.set(call.step, [...(steps.get(call.step) ?? []), call]);
  }
  const turns: ChatTurn[] = [];
  let position = 0;
  for (const [step, stepCalls] of [...steps].sort((a, b) => a[0] - b[0])) {
    const offset = Math.max(position, Math.min(answer.text.length, stepCalls[0]?.textOffset ?? position));
    const reasoning = (answer.reasoningItems ?? []).filter((item) => item.step === step).map((item) => item.item);
    turns.push({
      role: 'assistant',
      content: answer.text.slice(position, offset),
      id: answer.id,
      toolCalls: stepCalls.map((call) => ({ callId: call.callId, name: call.name, arguments: call.arguments })),
      ...(reasoning.length ? { reasoningItems: reasoning } : {}),
    });
    for (const call of stepCalls) {
      turns.push({ role: 'tool', callId: call.callId, content: call.result ?? noResult[call.status] ?? 'The tool did not finish.' });
    }
    position = offset;
  }
  const rest = answer.text.slice(position);
  if (rest) {
    turns.push({ role: 'assistant', content: rest, id: answer.id });
  }
  return turns;
}
