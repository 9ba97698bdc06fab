import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { MessageStatus, ProblemView, UsageView } from '../common/protocol';
import type { Logger } from '../logging/logger';
import type { ChatMessage } from './conversation';
import type { ConversationEvent } from './chatSession';

/**
 * The conversation on disk as an append-only journal of JSON lines: one line per change, so a
 * crash in the middle of an answer loses at most the text not yet written, and saving never
 * rewrites a long conversation. The journal is compacted into one line per message on load.
 */
type JournalLine =
  | {
      readonly t: 'msg';
      readonly id: string;
      readonly role: 'user' | 'assistant';
      readonly text: string;
      readonly status: MessageStatus;
      readonly problem?: ProblemView;
      readonly reasoning?: string;
      readonly usage?: UsageView;
    }
  // Models: a piece of reasoning summary, and an answer's token counts.
  | { readonly t: 'reason'; readonly id: string; readonly text: string }
  | { readonly t: 'usage'; readonly id: string; readonly usage: UsageView }
  | { readonly t: 'delta'; readonly id: string; readonly text: string }
  | { readonly t: 'end'; readonly id: string; readonly status: MessageStatus; readonly problem?: ProblemView }
  | { readonly t: 'rm'; readonly id: string }
  | { readonly t: 'clear' };

const interruptedProblem: ProblemView = {
  title: 'This answer was interrupted when VS Code closed.',
  detail: 'What arrived is kept. Retry to ask again.',
  actions: ['retry'],
};

/** Rebuilds the messages a journal describes; tolerant of a torn last line. */
export function replayJournal(content: string): ChatMessage[] {
  const messages = new Map<string, ChatMessage>();
  for (const line of content.split('\n')) {
    if (!line) {
      continue;
    }
    let entry: JournalLine;
    try {
      entry = JSON.parse(line) as JournalLine;
    } catch {
      continue; // A line cut short by a crash.
    }
    switch (entry.t) {
      case 'msg':
        messages.set(entry.id, {
          id: entry.id,
          role: entry.role,
          text: entry.text,
          status: entry.status,
          ...(entry.problem ? { problem: entry.problem } : {}),
          ...(entry.reasoning ? { reasoning: entry.reasoning } : {}),
          ...(entry.usage ? { usage: entry.usage } : {}),
        });
        break;
      case 'reason': {
        const message = messages.get(entry.id);
        if (message) {
          message.reasoning = (message.reasoning ?? '') + entry.text;
        }
        break;
      }
      case 'usage': {
        const message = messages.get(entry.id);
        if (message) {
          message.usage = entry.usage;
        }
        break;
      }
      case 'delta': {
        const message = messages.get(entry.id);
        if (message) {
          message.text += entry.text;
        }
        break;
      }
      case 'end': {
        const message = messages.get(entry.id);
        if (message) {
          message.status = entry.status;
          if (entry.problem) {
            message.problem = entry.problem;
          }
        }
        break;
      }
      case 'rm':
        messages.delete(entry.id);
        break;
      case 'clear':
        messages.clear();
        break;
    }
  }
  // An answer still streaming when the journal ended was cut off by a crash or reload.
  for (const message of messages.values()) {
    if (message.status === 'streaming') {
      message.status = 'stopped';
      message.problem = interruptedProblem;
    }
  }
  return [...messages.values()];
}

export class ConversationJournal {
  private stream: WriteStream | undefined;
  private pendingDeltas = new Map<string, string>();
  private pendingReasoning = new Map<string, string>();
  private flushScheduled = false;

  private constructor(
    private readonly path: string,
    private readonly log: Logger,
  ) {}

  /** Loads the saved conversation and opens the journal for appending. */
  static async open(path: string, log: Logger): Promise<{ journal: ConversationJournal; messages: ChatMessage[] }> {
    let messages: ChatMessage[] = [];
    try {
      messages = replayJournal(await readFile(path, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        log.warn(`Could not read the saved conversation: ${(error as Error).message}`);
      }
    }
    const journal = new ConversationJournal(path, log);
    await journal.rewrite(messages);
    return { journal, messages };
  }

  /** Records one change. Deltas of the same tick are written as one line. */
  record(event: ConversationEvent): void {
    switch (event.type) {
      case 'messageAdded': {
        const { id, role, text, status, problem } = event.message;
        this.write({ t: 'msg', id, role, text, status, ...(problem ? { problem } : {}) });
        break;
      }
      case 'delta':
        this.pendingDeltas.set(event.messageId, (this.pendingDeltas.get(event.messageId) ?? '') + event.text);
        if (!this.flushScheduled) {
          this.flushScheduled = true;
          setImmediate(() => this.flushDeltas());
        }
        break;
      case 'reasoningDelta':
        this.pendingReasoning.set(event.messageId, (this.pendingReasoning.get(event.messageId) ?? '') + event.text);
        if (!this.flushScheduled) {
          this.flushScheduled = true;
          setImmediate(() => this.flushDeltas());
        }
        break;
      case 'usage':
        this.flushDeltas();
        this.write({ t: 'usage', id: event.messageId, usage: event.usage });
        break;
      case 'sendingStartsAt':
        break;
      case 'messageFinished':
        this.flushDeltas();
        this.write({ t: 'end', id: event.messageId, status: event.status, ...(event.problem ? { problem: event.problem } : {}) });
        break;
      case 'messageRemoved':
        this.write({ t: 'rm', id: event.messageId });
        break;
      case 'cleared':
        this.pendingDeltas.clear();
        this.pendingReasoning.clear();
        this.write({ t: 'clear' });
        break;
      case 'busy':
        break;
    }
  }

  /** Writes everything pending; resolves when it is on disk. */
  async close(): Promise<void> {
    this.flushDeltas();
    const stream = this.stream;
    this.stream = undefined;
    if (stream) {
      await new Promise<void>((resolve) => stream.end(resolve));
    }
  }

  private flushDeltas(): void {
    this.flushScheduled = false;
    for (const [id, text] of this.pendingReasoning) {
      this.write({ t: 'reason', id, text });
    }
    this.pendingReasoning.clear();
    for (const [id, text] of this.pendingDeltas) {
      this.write({ t: 'delta', id, text });
    }
    this.pendingDeltas.clear();
  }

  private write(line: JournalLine): void {
    this.stream?.write(`${JSON.stringify(line)}\n`);
  }

  /** Replaces the journal with one line per message (written aside, then renamed into place). */
  private async rewrite(messages: readonly ChatMessage[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const compacted = messages
      .map((message) =>
        JSON.stringify({
          t: 'msg',
          id: message.id,
          role: message.role,
          text: message.text,
          status: message.status,
          ...(message.problem ? { problem: message.problem } : {}),
          ...(message.reasoning ? { reasoning: message.reasoning } : {}),
          ...(message.usage ? { usage: message.usage } : {}),
        }),
      )
      .join('\n');
    const temporary = `${this.path}.tmp`;
    await writeFile(temporary, compacted ? `${compacted}\n` : '', 'utf8');
    await rename(temporary, this.path);
    this.stream = createWriteStream(this.path, { flags: 'a' });
    this.stream.on('error', (error) => this.log.error(`Could not save the conversation: ${error.message}`));
  }
}
