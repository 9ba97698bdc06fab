import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type FixAction, fixActions, type MessageStatus, type ProblemView, type ToolCallView, type UsageView } from '../common/protocol';
import type { Logger } from '../logging/logger';
import type { ChatMessage } from './conversation';
import type { ConversationEvent } from './chatSession';
import type { Attachment } from './editorContext';
import { type DeploymentChoice, isDeploymentChoice } from './deploymentChoice';
import { DeltaBatcher } from './deltaBatcher';
import { parseToolCallList, parseToolCallView, settleInterrupted, upsertCall } from './toolCallRecords';

/**
 * One conversation on disk as an append-only journal of JSON lines: one line per change, so a
 * crash in the middle of an answer loses at most the text not yet written, and saving never
 * rewrites a long conversation.
 *
 * The file is never rewritten or renamed over: several windows may append to the same file
 * (windows without a folder share their storage), and each line is one `write` to a file opened
 * for appending, so their lines interleave whole and none is lost. A file that cannot be read is
 * renamed aside, never overwritten; a line that is not a well-formed entry is skipped and counted.
 *
 * Fields other than the known ones (added by later versions: reasoning, usage, ...) are kept on
 * the message as they were written.
 */
type JournalLine =
  | { readonly t: 'msg'; readonly message: ChatMessage }
  // Models: a piece of reasoning summary, and an answer's token counts.
  | { readonly t: 'reason'; readonly id: string; readonly text: string }
  | { readonly t: 'usage'; readonly id: string; readonly usage: UsageView }
  | { readonly t: 'delta'; readonly id: string; readonly text: string }
  | { readonly t: 'end'; readonly id: string; readonly status: MessageStatus; readonly problem?: ProblemView; readonly extra: Record<string, unknown> }
  | { readonly t: 'rm'; readonly id: string }
  /** Tools: a tool call's card as it is now (a later line for the same call replaces it). */
  | { readonly t: 'tool'; readonly id: string; readonly call: ToolCallView }
  | { readonly t: 'clear' }
  /** The conversation's deployment (absent fields: back to the settings'). */
  | { readonly t: 'dep'; readonly deployment: DeploymentChoice | undefined };

const interruptedProblem: ProblemView = {
  title: 'This answer was interrupted when VS Code closed.',
  detail: 'What arrived is kept. Retry to ask again.',
  actions: ['retry'],
};

const statuses: readonly string[] = ['streaming', 'done', 'stopped', 'error'] satisfies readonly MessageStatus[];
const knownFixActions: readonly string[] = fixActions;

export interface ReplayResult {
  readonly messages: ChatMessage[];
  /** Lines that were not a well-formed entry (a torn last line included). */
  readonly skipped: number;
  /** The deployment the conversation was switched to from the header, if any. */
  readonly deployment: DeploymentChoice | undefined;
}

/** Rebuilds the messages a journal describes; tolerant of torn, foreign and malformed lines. */
export function replayJournal(content: string): ReplayResult {
  const messages = new Map<string, ChatMessage>();
  let skipped = 0;
  let deployment: DeploymentChoice | undefined;
  for (const text of content.split('\n')) {
    if (!text.trim()) {
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      skipped++; // A line cut short by a crash.
      continue;
    }
    const entry = parseJournalLine(parsed);
    if (!entry) {
      skipped++;
      continue;
    }
    switch (entry.t) {
      case 'msg':
        messages.set(entry.message.id, entry.message);
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
          Object.assign(message, entry.extra);
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
      case 'tool': {
        const message = messages.get(entry.id);
        if (message) {
          upsertCall((message.toolCalls ??= []), entry.call);
        }
        break;
      }
      case 'clear':
        messages.clear();
        break;
      case 'dep':
        deployment = entry.deployment;
        break;
    }
  }
  // An answer still streaming when the journal ended was cut off by a crash or reload.
  for (const message of messages.values()) {
    if (message.toolCalls) {
      message.toolCalls = settleInterrupted(message.toolCalls);
    }
    if (message.status === 'streaming') {
      message.status = 'stopped';
      message.problem = interruptedProblem;
    }
  }
  return { messages: [...messages.values()], skipped, deployment };
}

export interface JournalOpenResult {
  readonly journal: ConversationJournal;
  readonly messages: ChatMessage[];
  readonly skipped: number;
  readonly deployment: DeploymentChoice | undefined;
  /** Where an unreadable file was moved, so nothing in it is lost. */
  readonly setAside?: string;
}

export class ConversationJournal {
  private stream: WriteStream | undefined;
  /**
   * The same batcher as the webview binding's: a line per answer per event-loop turn, and at
   * least every 100 ms in a long one (crash safety without a line per chunk).
   */
  private readonly deltas = new DeltaBatcher((kind, id, text) => this.write(kind === 'text' ? { t: 'delta', id, text } : { t: 'reason', id, text }), 100);

  private constructor(
    private readonly path: string,
    private readonly log: Logger,
  ) {}

  /** Loads the saved conversation and opens the journal for appending. */
  static async open(path: string, log: Logger): Promise<JournalOpenResult> {
    await mkdir(dirname(path), { recursive: true });
    let content = '';
    let setAside: string | undefined;
    try {
      content = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        // Whatever is in it may still be recoverable by hand: keep it, start a fresh file beside it.
        setAside = `${path}.unreadable-${Date.now()}`;
        log.warn(`Could not read the saved conversation (${(error as NodeJS.ErrnoException).code ?? 'error'}); it is kept as ${setAside}`);
        await rename(path, setAside);
      }
    }
    const { messages, skipped, deployment } = replayJournal(content);
    if (skipped > 0) {
      log.warn(`Skipped ${skipped} malformed line(s) of the saved conversation ${path}`);
    }
    const journal = new ConversationJournal(path, log);
    journal.openStream(content.length > 0 && !content.endsWith('\n'));
    return { journal, messages, skipped, deployment, ...(setAside ? { setAside } : {}) };
  }

  /** Records one change. Deltas of the same tick are written as one line. */
  record(event: ConversationEvent): void {
    switch (event.type) {
      case 'messageAdded':
        this.write({ t: 'msg', ...event.message });
        break;
      case 'delta':
        this.deltas.add('text', event.messageId, event.text);
        break;
      case 'reasoningDelta':
        this.deltas.add('reasoning', event.messageId, event.text);
        break;
      case 'usage':
        this.flushDeltas();
        this.write({ t: 'usage', id: event.messageId, usage: event.usage });
        break;
      case 'sendingStartsAt':
        break;
      case 'messageFinished': {
        this.flushDeltas();
        const { type: _type, messageId, ...rest } = event;
        this.write({ t: 'end', id: messageId, ...rest });
        break;
      }
      case 'messageRemoved':
        this.flushDeltas();
        this.write({ t: 'rm', id: event.messageId });
        break;
      case 'toolCall':
        this.flushDeltas();
        this.write({ t: 'tool', id: event.messageId, call: event.call });
        break;
      case 'toolCallDelta':
        // The card's next state carries its whole arguments.
        break;
      case 'cleared':
        this.deltas.clear();
        this.write({ t: 'clear' });
        break;
      case 'busy':
        break;
      case 'deploymentChanged':
        this.write(event.deployment ? { t: 'dep', endpoint: event.deployment.endpoint, deployment: event.deployment.deployment } : { t: 'dep' });
        break;
    }
  }

  /** Resolves when everything recorded so far has been written (the file stays open). */
  flush(): Promise<void> {
    this.flushDeltas();
    const stream = this.stream;
    // Writes complete in order: the callback of an empty one comes after all before it.
    return stream ? new Promise<void>((resolve) => stream.write('', () => resolve())) : Promise.resolve();
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
    this.deltas.flush();
  }

  /** One `write` per line: appends from several windows then interleave whole lines. */
  private write(line: Record<string, unknown>): void {
    this.stream?.write(`${JSON.stringify(line)}\n`);
  }

  private openStream(endTornLine: boolean): void {
    this.stream = createWriteStream(this.path, { flags: 'a' });
    this.stream.on('error', (error) => this.log.error(`Could not save the conversation: ${error.message}`));
    if (endTornLine) {
      // A crash left half a line: end it, so the next entry is not glued onto it.
      this.stream.write('\n');
    }
  }
}

function parseJournalLine(value: unknown): JournalLine | undefined {
  if (!isRecord(value)) {
    return undefined;
  }
  switch (value.t) {
    case 'msg': {
      const { t: _t, id, role, text, status, problem, ...extra } = value;
      if (!isId(id) || (role !== 'user' && role !== 'assistant') || typeof text !== 'string' || !isStatus(status)) {
        return undefined;
      }
      const parsedProblem = parseOptionalProblem(problem);
      if (parsedProblem === null || !areKnownExtrasWellTyped(extra)) {
        return undefined;
      }
      const message: ChatMessage = { ...extra, id, role, text, status };
      if (extra.toolCalls !== undefined) {
        // Sent to the model again: only well-formed cards are kept.
        const calls = parseToolCallList(extra.toolCalls);
        if (calls) {
          message.toolCalls = calls;
        } else {
          delete message.toolCalls;
        }
      }
      if (parsedProblem) {
        message.problem = parsedProblem;
      }
      return { t: 'msg', message };
    }
    case 'delta':
      return isId(value.id) && typeof value.text === 'string' ? { t: 'delta', id: value.id, text: value.text } : undefined;
    case 'reason':
      return isId(value.id) && typeof value.text === 'string' ? { t: 'reason', id: value.id, text: value.text } : undefined;
    case 'usage':
      return isId(value.id) && isUsage(value.usage) ? { t: 'usage', id: value.id, usage: value.usage } : undefined;
    case 'end': {
      const { t: _t, id, status, problem, ...extra } = value;
      const parsedProblem = parseOptionalProblem(problem);
      // The end of an answer changes its status, problem and extra fields, never what the
      // message is: a line that tries to is not one this code wrote.
      if (!isId(id) || !isStatus(status) || parsedProblem === null || 'role' in extra || 'text' in extra || !areKnownExtrasWellTyped(extra)) {
        return undefined;
      }
      return { t: 'end', id, status, extra, ...(parsedProblem ? { problem: parsedProblem } : {}) };
    }
    case 'rm':
      return isId(value.id) ? { t: 'rm', id: value.id } : undefined;
    case 'tool': {
      const call = parseToolCallView(value.call);
      return isId(value.id) && call ? { t: 'tool', id: value.id, call } : undefined;
    }
    case 'clear':
      return { t: 'clear' };
    case 'dep':
      return { t: 'dep', deployment: isDeploymentChoice(value) ? { endpoint: value.endpoint, deployment: value.deployment } : undefined };
    default:
      return undefined;
  }
}

/** `undefined` when absent, `null` when present but malformed; unknown fix actions are dropped. */
function parseOptionalProblem(value: unknown): ProblemView | undefined | null {
  if (value === undefined) {
    return undefined;
  }
  if (!isRecord(value) || typeof value.title !== 'string' || typeof value.detail !== 'string' || !Array.isArray(value.actions)) {
    return null;
  }
  const actions = value.actions.filter((action): action is FixAction => typeof action === 'string' && knownFixActions.includes(action));
  return { title: value.title, detail: value.detail, actions };
}

/**
 * Fields other features add to a message pass through, but the ones this code knows (and the
 * views and the model read) must have their types: one bad value skips the line, as for `msg`.
 */
function areKnownExtrasWellTyped(extra: Record<string, unknown>): boolean {
  return (
    (extra.attachments === undefined || isAttachmentList(extra.attachments)) &&
    (extra.reasoning === undefined || typeof extra.reasoning === 'string') &&
    (extra.usage === undefined || isUsage(extra.usage))
  );
}

/** Attachments are sent to the model again with later questions: every field must be right. */
function isAttachmentList(value: unknown): value is Attachment[] {
  return (
    Array.isArray(value) &&
    value.every(
      (item) =>
        isRecord(item) &&
        isId(item.id) &&
        (item.kind === 'file' || item.kind === 'selection') &&
        typeof item.name === 'string' &&
        typeof item.language === 'string' &&
        typeof item.text === 'string' &&
        typeof item.tokens === 'number' &&
        typeof item.truncated === 'boolean' &&
        (item.note === undefined || typeof item.note === 'string'),
    )
  );
}

function isUsage(value: unknown): value is UsageView {
  const count = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  return isRecord(value) && count(value.inputTokens) && count(value.outputTokens) && count(value.reasoningTokens) && (value.contextWindow === undefined || count(value.contextWindow));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isStatus(value: unknown): value is MessageStatus {
  return typeof value === 'string' && statuses.includes(value);
}
