/**
 * One "window" as its own process: the real ConversationStore and ConversationLibrary from
 * out/, driven by JSON commands on stdin (one per line), answering one JSON line per command on
 * stdout. Tests and the soak start several of these on one folder, so windows are real
 * processes writing the same files, not one process pretending to be two.
 *
 * Answers are "Answer to <question>" in a few pieces. `fault` makes one fail before any text
 * (`error`), end early (`truncated`), or stream until stopped (`endless`, for a kill mid-answer).
 */
import { createInterface } from 'node:readline';
import type { ChatTurn, StreamEnd } from '../../src/azure/chatStream';
import { AnswerError, type AnswerSource } from '../../src/chat/answerSource';
import { ConversationLibrary } from '../../src/chat/conversationLibrary';
import { ConversationStore } from '../../src/chat/conversationStore';
import { silentLogger } from '../../src/logging/logger';

export type WindowCommand =
  | { readonly op: 'open'; readonly folder: string; readonly nowOffsetMs?: number }
  | { readonly op: 'create' }
  | { readonly op: 'ask'; readonly id: string; readonly text: string; readonly fault?: 'error' | 'truncated' | 'endless' }
  /** Shows a conversation, as a view does after a reload: the window holds it from then on. */
  | { readonly op: 'show'; readonly id: string }
  | { readonly op: 'delete'; readonly id: string }
  | { readonly op: 'restore'; readonly id: string }
  | { readonly op: 'rename'; readonly id: string; readonly title: string }
  | { readonly op: 'list' }
  | { readonly op: 'messages'; readonly id: string }
  | { readonly op: 'kept' }
  | { readonly op: 'close' };

const faults = new Map<string, 'error' | 'truncated' | 'endless'>();

const source: AnswerSource = {
  async streamAnswer(turns: readonly ChatTurn[], signal: AbortSignal, onText: (text: string) => void): Promise<StreamEnd> {
    const question = turns.at(-1)?.content ?? '';
    const fault = faults.get(question);
    if (fault === 'error') {
      throw new AnswerError({ title: 'Scripted fault', detail: '', actions: ['retry'] });
    }
    const answer = `Answer to ${question}`;
    const pieces = [answer.slice(0, 4), answer.slice(4, 10), answer.slice(10)];
    for (const [i, piece] of pieces.entries()) {
      if (signal.aborted) {
        return { kind: 'stopped' };
      }
      if (fault === 'truncated' && i === 2) {
        return { kind: 'truncated' };
      }
      onText(piece);
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (fault === 'endless') {
      process.stdout.write(`${JSON.stringify({ event: 'streaming', question })}\n`);
      while (!signal.aborted) {
        onText('.');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return { kind: 'stopped' };
    }
    return { kind: 'finished', finishReason: 'stop' };
  },
};

async function main(): Promise<void> {
  let library: ConversationLibrary | undefined;
  const keptIds: string[] = [];
  const lines = createInterface({ input: process.stdin });
  for await (const text of lines) {
    if (!text.trim()) {
      continue;
    }
    const command = JSON.parse(text) as WindowCommand;
    let reply: unknown = { ok: true };
    try {
      if (command.op === 'open') {
        const offset = command.nowOffsetMs ?? 0;
        const store = await ConversationStore.open(command.folder, silentLogger, { now: () => Date.now() + offset });
        library = new ConversationLibrary(store, source, silentLogger);
        // Optional calls keep this runnable against older libraries (to show a test failing there).
        (library as Partial<ConversationLibrary>).onDidKeep?.((id) => keptIds.push(id));
      } else if (!library) {
        throw new Error('open first');
      } else {
        reply = await run(library, command, keptIds);
      }
    } catch (error) {
      reply = { error: error instanceof Error ? error.message : String(error) };
    }
    process.stdout.write(`${JSON.stringify(reply)}\n`);
    if (command.op === 'close') {
      process.exit(0);
    }
  }
}

async function run(library: ConversationLibrary, command: WindowCommand, keptIds: string[]): Promise<unknown> {
  switch (command.op) {
    case 'create':
      return { id: library.create().id };
    case 'ask': {
      const opened = await library.open(command.id);
      if (!opened) {
        return { error: `no conversation ${command.id}` };
      }
      if (command.fault) {
        faults.set(command.text, command.fault);
      }
      if (!opened.session.send(command.text)) {
        return { error: 'busy' };
      }
      await opened.session.whenIdle();
      // Acknowledged only once it is in the files: what a crash after this must not lose.
      await (library as Partial<ConversationLibrary>).flush?.call(library);
      return { status: opened.session.messages.at(-1)?.status };
    }
    case 'show':
      return (await library.open(command.id)) ? { ok: true } : { error: `no conversation ${command.id}` };
    case 'delete':
      await library.delete(command.id);
      await (library as Partial<ConversationLibrary>).flush?.call(library);
      return { ok: true };
    case 'restore':
      library.restore(command.id);
      await (library as Partial<ConversationLibrary>).flush?.call(library);
      return { ok: true };
    case 'rename':
      await library.rename(command.id, command.title);
      await (library as Partial<ConversationLibrary>).flush?.call(library);
      return { ok: true };
    case 'list':
      return { items: (await library.list()).map(({ id, title, turns }) => ({ id, title, turns })) };
    case 'messages':
      return { messages: (await library.messages(command.id)).map(({ role, text, status }) => ({ role, text, status })) };
    case 'kept':
      return { kept: keptIds.splice(0) };
    case 'close':
      await library.close();
      return { ok: true };
    default:
      return { error: 'unknown op' };
  }
}

// Also compiled into out/ beside the tests: only run when started as a window.
if (process.argv.includes('--window')) {
  void main();
}
