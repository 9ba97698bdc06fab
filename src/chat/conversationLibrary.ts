import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Disposable } from '../common/dispose';
import { Emitter } from '../common/events';
import type { Logger } from '../logging/logger';
import type { AnswerSource } from './answerSource';
import type { ChatMessage } from './conversation';
import type { ConversationJournal } from './conversationJournal';
import { replayJournal } from './conversationJournal';
import { ChatSession, type ConversationEvent } from './chatSession';
import type { ToolHost } from './toolLoop';
import { type ConversationMeta, type ConversationMetaChanges, type ConversationStore, titleFromQuestion } from './conversationStore';

export interface OpenConversation {
  readonly id: string;
  readonly session: ChatSession;
}

/** What a conversation is called before its first question names it. */
export const untitled = 'New chat';

/**
 * The conversations of a window: opens saved ones as chat sessions (one session per
 * conversation, shared by every view that shows it, so an answer streams into all of them),
 * starts new ones, and keeps their journals and the history index up to date. A new
 * conversation is written only once it has a message, so empty chats never fill the history.
 */
export class ConversationLibrary extends Disposable {
  private readonly sessions = new Map<string, Promise<OpenConversation | undefined>>();
  private readonly journals: Promise<ConversationJournal | undefined>[] = [];
  private readonly changes = this._register(new Emitter<string>());
  /** A conversation's title or its place in the history changed (its id). */
  readonly onDidChange = this.changes.event;
  private readonly deletes = this._register(new Emitter<{ readonly id: string; readonly title: string }>());
  /** A conversation was deleted in this window: views showing it move on (its answer is stopped). */
  readonly onDidDelete = this.deletes.event;
  private readonly kept = this._register(new Emitter<string>());
  /** Another window deleted a conversation this window went on with: it is kept, and the view says so. */
  readonly onDidKeep = this.kept.event;
  /** Conversations being deleted here: the end of their stopped answer is not a turn that revives them. */
  private readonly deleting = new Set<string>();

  constructor(
    /** Undefined when the storage folder cannot be used: chats work, nothing is saved. */
    private readonly store: ConversationStore | undefined,
    private readonly source: AnswerSource,
    private readonly log: Logger,
    private readonly newId: () => string = randomUUID,
    /** Tools (issue 20): the tool host every conversation's loop uses; none: the chat only talks. */
    private readonly tools?: ToolHost,
  ) {
    super();
  }

  get saving(): boolean {
    return this.store !== undefined;
  }

  /** A new, empty conversation. */
  create(): OpenConversation {
    const id = this.newId();
    void this.store?.hold(id);
    const session = this.track(id, new ChatSession(this.source, [], this.newId, this.tools), undefined);
    const opened = { id, session };
    this.sessions.set(id, Promise.resolve(opened));
    return opened;
  }

  /** An open or saved conversation; undefined when there is no such conversation. */
  open(id: string): Promise<OpenConversation | undefined> {
    let opening = this.sessions.get(id);
    if (!opening) {
      opening = this.load(id);
      this.sessions.set(id, opening);
      // A failed load may succeed later (another window creates it); do not cache the miss.
      void opening.then((opened) => {
        if (!opened && this.sessions.get(id) === opening) {
          this.sessions.delete(id);
        }
      });
    }
    return opening;
  }

  meta(id: string): ConversationMeta | undefined {
    return this.store?.get(id);
  }

  title(id: string): string {
    return this.meta(id)?.title || untitled;
  }

  /** Saved conversations (other windows' included), newest first, filtered by text. */
  async list(query = ''): Promise<ConversationMeta[]> {
    if (!this.store) {
      return [];
    }
    await this.store.refresh();
    this.announceKept();
    return this.store.search(query);
  }

  /** Reads ahead what search needs (the words of conversations older versions saved), once. */
  async prepareSearch(): Promise<void> {
    await this.store?.prepareSearch();
  }

  /** Renames a saved conversation (another window's too: the index is read again first). */
  async rename(id: string, title: string): Promise<void> {
    await this.store?.refresh();
    if (this.store?.get(id)) {
      this.store.update(id, { title: title.trim(), renamed: true }, false);
      this.changes.fire(id);
    }
  }

  /** Remembers something about a conversation (its deployment, model, ...). */
  remember(id: string, changes: ConversationMetaChanges): void {
    if (this.store) {
      this.store.update(id, changes, false);
      this.changes.fire(id);
    }
  }

  /**
   * Deletes a conversation: tombstoned at once (undo brings it back), views showing it move on,
   * and its answer, if one is streaming, is stopped (what arrived stays in its journal).
   */
  async delete(id: string): Promise<void> {
    const title = this.title(id);
    this.deleting.add(id);
    try {
      this.store?.delete(id);
      this.deletes.fire({ id, title });
      this.changes.fire(id);
      const open = await this.sessions.get(id);
      await open?.session.stop();
    } finally {
      this.deleting.delete(id);
    }
  }

  restore(id: string): void {
    this.store?.restore(id);
    this.changes.fire(id);
  }

  /** The messages of a conversation, open or only on disk (read, never written). */
  async messages(id: string): Promise<readonly ChatMessage[]> {
    const open = await this.sessions.get(id);
    if (open) {
      return open.session.messages;
    }
    if (!this.store) {
      return [];
    }
    try {
      return replayJournal(await readFile(this.store.journalPath(id), 'utf8')).messages;
    } catch {
      return [];
    }
  }

  /** Resolves when everything recorded so far is in the files (journals, index, words). */
  async flush(): Promise<void> {
    const journals = await Promise.all(this.journals);
    await Promise.all(journals.map((journal) => journal?.flush()));
    await this.store?.flush();
  }

  /** Writes everything pending to disk. */
  async close(): Promise<void> {
    const journals = await Promise.all(this.journals);
    await Promise.all(journals.map((journal) => journal?.close()));
    await this.store?.close();
  }

  override dispose(): void {
    void this.close();
    for (const opening of this.sessions.values()) {
      void opening.then((opened) => opened?.session.dispose());
    }
    super.dispose();
  }

  private async load(id: string): Promise<OpenConversation | undefined> {
    const store = this.store;
    if (!store) {
      return undefined;
    }
    await store.refresh();
    if (!store.get(id)) {
      return undefined;
    }
    try {
      // Held before it is read: from now on no window removes its journal.
      await store.hold(id);
      const opened = await store.openJournal(id);
      if (opened.skipped > 0 || opened.setAside) {
        this.log.warn(`Conversation ${id}: ${opened.skipped} unreadable entries skipped${opened.setAside ? `, unreadable file kept as ${opened.setAside}` : ''}`);
      }
      const restored = new ChatSession(this.source, opened.messages, this.newId, this.tools);
      // Before the journal listens: restoring the deployment is not a change to record.
      if (opened.deployment) {
        restored.setDeployment(opened.deployment);
      }
      const session = this.track(id, restored, Promise.resolve(opened.journal));
      return { id, session };
    } catch (error) {
      this.log.error(`Could not open conversation ${id}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** Saves what happens in a session: its journal, and its title and date in the index. */
  private track(id: string, session: ChatSession, journal: Promise<ConversationJournal> | undefined): ChatSession {
    this._register(session);
    const store = this.store;
    if (!store) {
      return session;
    }
    // Events wait here while the journal opens (a new conversation's file is created lazily).
    let journalPromise: Promise<ConversationJournal | undefined> | undefined;
    let settled = false;
    let opened: ConversationJournal | undefined;
    const pending: ConversationEvent[] = [];
    const startJournal = (opening: Promise<ConversationJournal>): void => {
      journalPromise = opening.then(undefined, (error: unknown) => {
        this.log.error(`Conversation ${id} will not be saved: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      });
      this.journals.push(journalPromise);
      void journalPromise.then((result) => {
        settled = true;
        opened = result;
        pending.splice(0).forEach((event) => result?.record(event));
      });
    };
    if (journal) {
      startJournal(journal);
    }
    this._register(
      session.onDidChange((event) => {
        if (event.type === 'busy') {
          return;
        }
        // The index gets one line per turn (never one per streamed piece), search the words.
        const turn = event.type === 'messageAdded' || event.type === 'messageFinished' || event.type === 'messageRemoved' || event.type === 'cleared';
        if (turn && !this.deleting.has(id)) {
          const meta = store.known(id);
          const firstQuestion = event.type === 'messageAdded' && event.message.role === 'user' && !meta?.title && !meta?.renamed;
          store.recordTurn(id, session.messages.length, firstQuestion ? { title: titleFromQuestion(event.message.text) } : {});
          if (event.type !== 'messageAdded') {
            store.recordWords(id, texts(session.messages));
          }
          this.changes.fire(id);
          // Another window may have deleted it meanwhile: this turn kept it; say so.
          this.announceKept();
          void store.refresh().then(() => this.announceKept());
        }
        if (opened) {
          opened.record(event);
        } else if (!settled) {
          pending.push(event);
          if (!journalPromise) {
            startJournal(store.openJournal(id).then((result) => result.journal));
          }
        }
      }),
    );
    return session;
  }

  private announceKept(): void {
    for (const id of this.store?.takeRevived() ?? []) {
      if (this.sessions.has(id)) {
        this.changes.fire(id);
        this.kept.fire(id);
      }
    }
  }
}

function* texts(messages: readonly ChatMessage[]): Iterable<string> {
  for (const message of messages) {
    yield message.text;
  }
}
