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
    return this.store.search(query);
  }

  /** Reads ahead what search needs, so the first search is as quick as the next. */
  async prepareSearch(): Promise<void> {
    await this.store?.loadSearchText();
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

  delete(id: string): void {
    this.store?.delete(id);
    this.changes.fire(id);
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
        if (event.type === 'messageAdded' || event.type === 'messageFinished' || !store.get(id)) {
          const meta = store.get(id);
          const firstQuestion = event.type === 'messageAdded' && event.message.role === 'user' && !meta?.title && !meta?.renamed;
          store.update(id, firstQuestion ? { title: titleFromQuestion(event.message.text) } : {});
          this.changes.fire(id);
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
}
