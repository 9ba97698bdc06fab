import type { ChatMessageView, MessageStatus, ProblemView, ToolCallView, UsageView } from '../common/protocol';
import type { ChatTurn } from '../azure/chatStream';
import { type Attachment, questionWithContext } from './editorContext';
import { assistantTurns } from './toolTranscript';

/** A message as the conversation holds it; the same shape the webview shows. */
export interface ChatMessage {
  readonly id: string;
  readonly role: 'user' | 'assistant';
  text: string;
  status: MessageStatus;
  problem?: ProblemView;
  /** Context the user attached to a question; sent in front of it. */
  attachments?: readonly Attachment[];
  /** The model's reasoning summary: shown, kept, never sent back to the model. */
  reasoning?: string;
  usage?: UsageView;
  /** Tools: the calls the answer made, with their results (toolTranscript.ts sends them back). */
  toolCalls?: ToolCallView[];
}

/**
 * The ordered messages of one chat. Mutated only through these methods, so every change can
 * be turned into exactly one event for the views and the journal.
 */
export class Conversation {
  private readonly list: ChatMessage[] = [];
  private readonly byId = new Map<string, ChatMessage>();

  constructor(initial: readonly ChatMessage[] = []) {
    for (const message of initial) {
      this.add({ ...message });
    }
  }

  get messages(): readonly ChatMessage[] {
    return this.list;
  }

  get(id: string): ChatMessage | undefined {
    return this.byId.get(id);
  }

  add(message: ChatMessage): void {
    this.list.push(message);
    this.byId.set(message.id, message);
  }

  append(id: string, text: string): void {
    const message = this.byId.get(id);
    if (message) {
      message.text += text;
    }
  }

  appendReasoning(id: string, text: string): void {
    const message = this.byId.get(id);
    if (message) {
      message.reasoning = (message.reasoning ?? '') + text;
    }
  }

  setUsage(id: string, usage: UsageView): void {
    const message = this.byId.get(id);
    if (message) {
      message.usage = usage;
    }
  }

  /** Adds a tool call's card to an answer, or replaces the card with the same call id. */
  upsertToolCall(id: string, call: ToolCallView): void {
    const message = this.byId.get(id);
    if (message) {
      const calls = (message.toolCalls ??= []);
      const index = calls.findIndex((known) => known.callId === call.callId);
      if (index >= 0) {
        calls[index] = call;
      } else {
        calls.push(call);
      }
    }
  }

  finish(id: string, status: MessageStatus, problem?: ProblemView): void {
    const message = this.byId.get(id);
    if (message) {
      message.status = status;
      if (problem) {
        message.problem = problem;
      } else {
        delete message.problem;
      }
    }
  }

  remove(id: string): void {
    const index = this.list.findIndex((message) => message.id === id);
    if (index >= 0) {
      this.list.splice(index, 1);
      this.byId.delete(id);
    }
  }

  clear(): void {
    this.list.length = 0;
    this.byId.clear();
  }

  /** The last question of the conversation. */
  lastQuestion(): ChatMessage | undefined {
    for (let i = this.list.length - 1; i >= 0; i--) {
      if (this.list[i]?.role === 'user') {
        return this.list[i];
      }
    }
    return undefined;
  }

  /** The messages from `id` to the end, in order. */
  messagesFrom(id: string): ChatMessage[] {
    const index = this.list.findIndex((message) => message.id === id);
    return index < 0 ? [] : this.list.slice(index);
  }

  /** The question an answer (or a question itself) belongs to. */
  questionFor(id: string): ChatMessage | undefined {
    const index = this.list.findIndex((message) => message.id === id);
    for (let i = index; i >= 0; i--) {
      if (this.list[i]?.role === 'user') {
        return this.list[i];
      }
    }
    return undefined;
  }

  /**
   * The turns to send for answering the question with `questionId`: every earlier question
   * with the last non-empty answer it got, then the question. Failed attempts in between are
   * shown to the user but not sent to the model.
   */
  turnsUpTo(questionId: string): ChatTurn[] {
    const turns: ChatTurn[] = [];
    let pendingAnswer: ChatMessage | undefined;
    for (const message of this.list) {
      if (message.role === 'user') {
        if (pendingAnswer !== undefined) {
          turns.push(...assistantTurns(pendingAnswer));
        }
        pendingAnswer = undefined;
        turns.push({ role: 'user', content: questionWithContext(message.text, message.attachments), id: message.id });
        if (message.id === questionId) {
          return turns;
        }
      } else if (message.text || message.toolCalls?.length) {
        pendingAnswer = message;
      }
    }
    return turns;
  }

  snapshot(): ChatMessageView[] {
    return this.list.map((message) => toView(message));
  }
}

/** A copy for the views and the journal; fields added by other features travel along. */
export function toView(message: ChatMessage): ChatMessageView {
  const { problem, ...rest } = message;
  return problem ? { ...rest, problem } : rest;
}
