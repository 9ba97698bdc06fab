import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logging/logger';
import { AppendLog, isAlive } from './appendLog';
import { ConversationJournal, type JournalOpenResult, replayJournal } from './conversationJournal';
import { distinctWords, matchWords, queryWords, wordsLine } from './conversationSearch';

/**
 * Every saved conversation of a workspace: one journal file per conversation (`<id>.jsonl`, see
 * conversationJournal.ts), `index.jsonl` (what the history shows: one line per meaningful change
 * — created, renamed, a turn added, deleted — never one per streamed piece), `words.txt` (what
 * search reads, see conversationSearch.ts) and `windows/` (which conversations each running
 * window holds open).
 *
 * Several windows (processes) share it. Appends and compactions of the index go through
 * `AppendLog` (one lock, so a compaction never loses a line appended meanwhile); each window
 * reads what others appended since its last look (`refresh`). The history and search never read
 * a journal: the text of a conversation is loaded only when it is opened.
 *
 * Deleting is a tombstone. A window still writing a conversation that another window deleted
 * keeps it: a turn recorded after the tombstone (in the index's order) brings it back. A
 * journal is removed only at a start, an hour after its tombstone, and only when no running
 * window holds the conversation open.
 */
export interface ConversationMeta {
  readonly id: string;
  /** The first question's first line until the user renames it. */
  readonly title: string;
  /** Set once the user renamed it, so the first question no longer names it. */
  readonly renamed?: boolean;
  /** Milliseconds since the epoch. */
  readonly created: number;
  readonly updated: number;
  /** How many messages it has (written with each turn; a turn after a delete undoes it). */
  readonly turns?: number;
  /** Remembered per conversation by other features; the store only keeps them. */
  readonly deployment?: string;
  readonly model?: string;
  readonly reasoningEffort?: string;
}

/** The fields a caller may change; `id` and the dates are the store's. */
export type ConversationMetaChanges = Partial<Omit<ConversationMeta, 'id' | 'created' | 'updated' | 'turns'>> & Readonly<Record<string, unknown>>;

type IndexLine =
  | { readonly t: 'meta'; readonly id: string; readonly fields: Record<string, unknown> }
  | { readonly t: 'del'; readonly id: string; readonly at: number }
  | { readonly t: 'undel'; readonly id: string }
  /** Its journal was removed: forget it. */
  | { readonly t: 'gone'; readonly id: string };

/** The journal of the single conversation older versions kept, imported once under this id. */
export const importedConversationId = 'imported-conversation';

/** Deleted conversations can be brought back this long (from any window) before their file may go. */
export const keepDeletedMs = 60 * 60_000;

/** A window of another host that has not touched its lease for this long is taken to be gone. */
const foreignLeaseMs = 24 * 60 * 60_000;
const leaseHeartbeatMs = 10 * 60_000;
/** Words appended by this window after which `words.txt` is compacted. */
const wordsCompactionBytes = 32 * 1024 * 1024;

const idPattern = /^[A-Za-z0-9-]{1,64}$/;

export function isConversationId(value: unknown): value is string {
  return typeof value === 'string' && idPattern.test(value);
}

/** The index replayed: what every window derives from the same lines in the same order. */
class IndexState {
  readonly metas = new Map<string, ConversationMeta>();
  readonly deleted = new Map<string, number>();
  /** Conversations a turn brought back after a tombstone, since the last `takeRevived`. */
  readonly revived = new Set<string>();
  lines = 0;
  skipped = 0;

  /** `fromFile`: counted as a line of the file (a line applied before it is written is not). */
  applyText(text: string, fromFile = true): void {
    if (fromFile) {
      this.lines++;
    }
    let line: IndexLine | undefined;
    try {
      line = parseIndexLine(JSON.parse(text));
    } catch {
      line = undefined;
    }
    if (line) {
      this.apply(line);
    } else {
      this.skipped++;
    }
  }

  apply(line: IndexLine): void {
    switch (line.t) {
      case 'meta':
        this.merge(line.id, line.fields);
        // A turn written after the tombstone: its window went on with the conversation.
        if ('turns' in line.fields && this.deleted.delete(line.id)) {
          this.revived.add(line.id);
        }
        break;
      case 'del':
        this.deleted.set(line.id, line.at);
        this.revived.delete(line.id);
        break;
      case 'undel':
        this.deleted.delete(line.id);
        break;
      case 'gone':
        this.metas.delete(line.id);
        this.deleted.delete(line.id);
        break;
    }
  }

  /** The same state in as few lines as possible: one `meta` per conversation, a `del` per tombstone. */
  serialize(): string[] {
    const lines: string[] = [];
    for (const meta of this.metas.values()) {
      const { id, ...fields } = meta;
      lines.push(JSON.stringify({ t: 'meta', id, ...fields }));
    }
    for (const [id, at] of this.deleted) {
      lines.push(JSON.stringify({ t: 'del', id, at }));
    }
    return lines;
  }

  private merge(id: string, fields: Record<string, unknown>): void {
    const previous = this.metas.get(id);
    const merged = { ...previous, ...fields, id } as Record<string, unknown>;
    if (typeof merged.title !== 'string' || typeof merged.created !== 'number' || typeof merged.updated !== 'number') {
      return; // A change for a conversation whose first line was lost: nothing to show yet.
    }
    this.metas.set(id, merged as unknown as ConversationMeta);
  }
}

export class ConversationStore {
  private state = new IndexState();
  private readonly index: AppendLog;
  private readonly words: AppendLog;
  private readonly leasePath: string;
  private readonly held = new Set<string>();
  private leaseWrite: Promise<void> = Promise.resolve();
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private compacting: Promise<void> | undefined;
  private closed = false;

  private constructor(
    readonly folder: string,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {
    const onError = (error: Error) => log.error(`Could not save the conversation list: ${error.message}`);
    this.index = new AppendLog(join(folder, 'index.jsonl'), onError);
    this.words = new AppendLog(join(folder, 'words.txt'), onError);
    this.leasePath = join(folder, 'windows', `${process.pid}-${randomUUID().slice(0, 8)}.json`);
  }

  /**
   * Opens the store in `folder` (created if missing). `legacyJournal`, the file older versions
   * kept their one conversation in, is imported once as a conversation and then renamed.
   */
  static async open(folder: string, log: Logger, options: { legacyJournal?: string; now?: () => number } = {}): Promise<ConversationStore> {
    await mkdir(join(folder, 'windows'), { recursive: true });
    const store = new ConversationStore(folder, log, options.now ?? Date.now);
    await store.writeLease();
    store.heartbeat = setInterval(() => void store.writeLease(), leaseHeartbeatMs);
    store.heartbeat.unref?.();
    await store.refresh();
    if (options.legacyJournal) {
      await store.importLegacy(options.legacyJournal);
    }
    await store.removeLongDeleted();
    await store.compact(false);
    return store;
  }

  /** Malformed index lines seen (skipped, counted). */
  get skippedIndexLines(): number {
    return this.state.skipped;
  }

  /** Lines in the index file as last read (what compaction keeps small). */
  get indexLines(): number {
    return this.state.lines;
  }

  journalPath(id: string): string {
    return join(this.folder, `${id}.jsonl`);
  }

  /** Saved conversations, most recently updated first; deleted ones are left out. */
  list(): ConversationMeta[] {
    return [...this.state.metas.values()].filter((meta) => !this.state.deleted.has(meta.id)).sort((a, b) => b.updated - a.updated);
  }

  get(id: string): ConversationMeta | undefined {
    return this.state.deleted.has(id) ? undefined : this.state.metas.get(id);
  }

  /** What the index says about a conversation, deleted or not. */
  known(id: string): ConversationMeta | undefined {
    return this.state.metas.get(id);
  }

  isDeleted(id: string): boolean {
    return this.state.deleted.has(id);
  }

  /** Conversations a turn brought back after another window deleted them, since the last call. */
  takeRevived(): string[] {
    const revived = [...this.state.revived];
    this.state.revived.clear();
    return revived;
  }

  /** Reads what other windows appended to the index since the last look. */
  refresh(): Promise<void> {
    // One at a time: two reads from the same offset would apply the same lines twice.
    this.refreshing = this.refreshing.then(() => this.readIndex());
    return this.refreshing;
  }

  private refreshing: Promise<void> = Promise.resolve();

  private async readIndex(): Promise<void> {
    let read;
    try {
      read = await this.index.readNew();
    } catch (error) {
      this.log.warn(`Could not read the conversation list: ${(error as Error).message}`);
      return;
    }
    if (read.reset) {
      // Compacted by some window: read it again from the start, then what is still ours to write.
      const revived = this.state.revived;
      this.state = new IndexState();
      revived.forEach((id) => this.state.revived.add(id));
      read.lines.forEach((text) => this.state.applyText(text));
      this.index.pending.forEach((text) => this.state.applyText(text, false));
      return;
    }
    read.lines.forEach((text) => this.state.applyText(text));
  }

  /** Records a new conversation, or changes of an existing one (title, deployment, ...). */
  update(id: string, changes: ConversationMetaChanges, touch = true): ConversationMeta | undefined {
    return this.write(id, { ...changes }, touch);
  }

  /**
   * Records a turn (a message added, finished or removed): the message count and the date, and
   * the first question's title. After another window's delete, this brings the conversation back.
   */
  recordTurn(id: string, turns: number, changes: ConversationMetaChanges = {}): ConversationMeta | undefined {
    const previous = this.state.metas.get(id);
    if (previous && previous.turns === turns && Object.keys(changes).length === 0 && !this.state.deleted.has(id)) {
      return previous; // Nothing the history shows changed: no line.
    }
    return this.write(id, { ...changes, turns }, true);
  }

  /** Records a conversation brought from elsewhere (an older history folder) with its own dates. */
  importMeta(meta: ConversationMeta): void {
    const { id, ...fields } = meta;
    this.appendLine({ t: 'meta', id, ...fields });
  }

  delete(id: string): void {
    this.appendLine({ t: 'del', id, at: this.now() });
  }

  restore(id: string): void {
    this.appendLine({ t: 'undel', id });
  }

  /** Marks a conversation as open in this window, so no other window removes its journal. */
  hold(id: string): Promise<void> {
    if (this.held.has(id)) {
      return this.leaseWrite;
    }
    this.held.add(id);
    return this.writeLease();
  }

  release(id: string): Promise<void> {
    if (this.held.delete(id)) {
      return this.writeLease();
    }
    return this.leaseWrite;
  }

  openJournal(id: string): Promise<JournalOpenResult> {
    return ConversationJournal.open(this.journalPath(id), this.log);
  }

  /** Remembers a conversation's words for search (its whole text, once per turn). */
  recordWords(id: string, texts: Iterable<string>): void {
    const line = wordsLine(id, distinctWords(texts));
    this.wordsAppended += line.length;
    void this.words.append(line).then(
      () => {
        // Each turn appends the conversation's words again: keep only the latest now and then.
        if (this.wordsAppended > wordsCompactionBytes && !this.compacting && !this.closed) {
          this.wordsAppended = 0;
          this.compacting = this.words
            .compactLastWins()
            .then(() => undefined, (error: unknown) => this.log.warn(`Could not compact the search words: ${(error as Error).message}`))
            .finally(() => {
              this.compacting = undefined;
            });
        }
      },
      () => undefined,
    );
  }

  private wordsAppended = 0;

  /**
   * Conversations whose title contains `query`, or whose text has every word of it
   * (case-insensitive), newest first. Reads `words.txt`, never a journal, except once for a
   * conversation whose words were never recorded (saved by an older version).
   */
  async search(query: string): Promise<ConversationMeta[]> {
    const needle = query.trim().toLowerCase();
    const all = this.list();
    if (!needle) {
      return all;
    }
    const terms = queryWords(needle);
    const matches = terms.length > 0 ? await matchWords(this.words, terms) : new Map<string, boolean>();
    const unknown = all.filter((meta) => !matches.has(meta.id));
    if (unknown.length > 0 && terms.length > 0) {
      await this.recordMissingWords(unknown);
      const again = await matchWords(this.words, terms);
      again.forEach((value, id) => matches.set(id, value));
    }
    return all.filter((meta) => meta.title.toLowerCase().includes(needle) || matches.get(meta.id) === true);
  }

  /** Reads ahead what search needs: the words of conversations saved before words were kept. */
  async prepareSearch(): Promise<void> {
    const known = await matchWords(this.words, []);
    await this.recordMissingWords(this.list().filter((meta) => !known.has(meta.id)));
  }

  /** Resolves when every line appended so far is in the files. */
  async flush(): Promise<void> {
    await Promise.all([this.index.flush(), this.words.flush()]);
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    clearInterval(this.heartbeat);
    await Promise.all([this.index.flush().catch(() => undefined), this.words.flush().catch(() => undefined), this.compacting]);
    await this.leaseWrite;
    await unlink(this.leasePath).catch(() => undefined);
  }

  private write(id: string, fields: Record<string, unknown>, touch: boolean): ConversationMeta | undefined {
    const now = this.now();
    const known = this.state.metas.has(id);
    if (!known) {
      fields.created = now;
      fields.title ??= '';
    }
    if (touch || !known) {
      fields.updated = now;
    }
    this.appendLine({ t: 'meta', id, ...fields });
    return this.get(id);
  }

  /** Applies a line here at once and appends it; other windows see it at their next refresh. */
  private appendLine(line: Record<string, unknown>): void {
    const text = JSON.stringify(line);
    // A turn here after this window saw another's tombstone is recorded as revived too, so the
    // window can say so; read back from the file, the line changes nothing more.
    this.state.applyText(text, false);
    void this.index.append(text).then(
      () => this.compactIfGrown(),
      () => undefined,
    );
  }

  private compactIfGrown(): void {
    const entries = this.state.metas.size + this.state.deleted.size;
    if (!this.compacting && !this.closed && this.state.lines > Math.max(1000, 4 * entries)) {
      this.compacting = this.compact(true).finally(() => {
        this.compacting = undefined;
      });
    }
  }

  /**
   * Rewrites the index (and words) as one line per conversation, under the lock so no line
   * another window appends meanwhile is lost. At a start only when it is worth it.
   */
  private async compact(always: boolean): Promise<void> {
    const entries = this.state.metas.size + this.state.deleted.size;
    if (!always && this.state.lines <= 2 * entries + 100) {
      return;
    }
    try {
      await this.index.compact((lines) => {
        const fresh = new IndexState();
        lines.forEach((text) => fresh.applyText(text));
        return fresh.serialize();
      });
      await this.words.compactLastWins();
      await this.refresh();
    } catch (error) {
      this.log.warn(`Could not compact the conversation list: ${(error as Error).message}`);
    }
  }

  private async recordMissingWords(metas: readonly ConversationMeta[]): Promise<void> {
    const parallel = 8;
    for (let i = 0; i < metas.length; i += parallel) {
      const lines = await Promise.all(
        metas.slice(i, i + parallel).map(async (meta) => {
          let content = '';
          try {
            content = await readFile(this.journalPath(meta.id), 'utf8');
          } catch {
            // Missing or unreadable: only the title is searched.
          }
          return wordsLine(meta.id, distinctWords(replayJournal(content).messages.map((message) => message.text)));
        }),
      );
      await this.words.append(...lines);
    }
  }

  private writeLease(): Promise<void> {
    this.leaseWrite = this.leaseWrite.then(async () => {
      if (this.closed) {
        return;
      }
      const temporary = `${this.leasePath}.tmp`;
      try {
        await writeFile(temporary, JSON.stringify({ pid: process.pid, host: hostname(), held: [...this.held] }));
        await rename(temporary, this.leasePath);
      } catch (error) {
        this.log.warn(`Could not record which conversations this window holds: ${(error as Error).message}`);
      }
    });
    return this.leaseWrite;
  }

  /** Conversations held open by running windows (this one included). */
  private async heldByRunningWindows(): Promise<Set<string>> {
    const held = new Set(this.held);
    const folder = join(this.folder, 'windows');
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      if (!name.endsWith('.json')) {
        continue;
      }
      const path = join(folder, name);
      try {
        const [content, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
        const lease = JSON.parse(content) as { pid?: unknown; host?: unknown; held?: unknown };
        const running = lease.host === hostname() ? isAlive(Number(lease.pid)) : Date.now() - info.mtimeMs < foreignLeaseMs;
        if (!running) {
          await unlink(path).catch(() => undefined); // A window that ended without closing.
          continue;
        }
        if (Array.isArray(lease.held)) {
          lease.held.filter(isConversationId).forEach((id) => held.add(id));
        }
      } catch {
        // Being written: its window is running, but we cannot know what it holds; keep everything.
        return new Set(['*']);
      }
    }
    return held;
  }

  /**
   * Removes the journals of conversations deleted more than an hour ago that no running window
   * holds, under the index lock (no window can bring one back meanwhile), and records `gone`.
   */
  private async removeLongDeleted(): Promise<void> {
    const cutoff = this.now() - keepDeletedMs;
    if (![...this.state.deleted.values()].some((at) => at < cutoff)) {
      return;
    }
    const held = await this.heldByRunningWindows();
    if (held.has('*')) {
      return;
    }
    await this.index
      .locked(async (appendNow) => {
        await this.refresh();
        const gone: string[] = [];
        for (const [id, at] of this.state.deleted) {
          if (at < cutoff && !held.has(id)) {
            await unlink(this.journalPath(id)).catch(() => undefined);
            gone.push(id);
          }
        }
        if (gone.length > 0) {
          await appendNow(gone.map((id) => JSON.stringify({ t: 'gone', id })));
          await this.words.append(...gone);
        }
      })
      .catch((error: unknown) => this.log.warn(`Could not remove deleted conversations: ${(error as Error).message}`));
    await this.refresh();
  }

  private async importLegacy(path: string): Promise<void> {
    let content: string;
    try {
      content = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.log.warn(`Could not read the conversation saved by an older version (${(error as NodeJS.ErrnoException).code ?? 'error'}); it is left where it is`);
      }
      return;
    }
    const { messages } = replayJournal(content);
    if (messages.length > 0 && !this.state.metas.has(importedConversationId)) {
      try {
        // `wx`: when two windows import at once, only one succeeds.
        await writeFile(this.journalPath(importedConversationId), content.endsWith('\n') || !content ? content : `${content}\n`, { flag: 'wx' });
        const first = messages.find((message) => message.role === 'user');
        this.recordTurn(importedConversationId, messages.length, { title: titleFromQuestion(first?.text ?? '') });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          this.log.warn(`Could not import the conversation saved by an older version: ${(error as Error).message}`);
          return;
        }
      }
    }
    // Kept, not deleted: renamed so it is imported only once.
    await rename(path, `${path}.imported-${randomUUID().slice(0, 8)}`).catch(() => undefined);
  }
}

/** The conversations (not deleted) an index in `folder` lists, read without opening a store there; undefined without one. */
export async function readIndex(folder: string): Promise<ConversationMeta[] | undefined> {
  let content: string;
  try {
    content = await readFile(join(folder, 'index.jsonl'), 'utf8');
  } catch {
    return undefined;
  }
  const state = new IndexState();
  content.split('\n').filter((line) => line.trim()).forEach((line) => state.applyText(line));
  return [...state.metas.values()].filter((meta) => !state.deleted.has(meta.id));
}

/** A conversation's automatic title: the first line of its first question, shortened. */
export function titleFromQuestion(text: string): string {
  const firstLine = text.trim().split('\n')[0]?.trim().replace(/\s+/g, ' ') ?? '';
  const maxLength = 60;
  return firstLine.length > maxLength ? `${firstLine.slice(0, maxLength - 1).trimEnd()}…` : firstLine;
}

function parseIndexLine(value: unknown): IndexLine | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return undefined;
  }
  const { t, id, ...fields } = value as Record<string, unknown>;
  if (!isConversationId(id)) {
    return undefined;
  }
  switch (t) {
    case 'meta':
      if (
        ('title' in fields && typeof fields.title !== 'string') ||
        ('created' in fields && typeof fields.created !== 'number') ||
        ('updated' in fields && typeof fields.updated !== 'number') ||
        ('renamed' in fields && typeof fields.renamed !== 'boolean') ||
        ('turns' in fields && typeof fields.turns !== 'number')
      ) {
        return undefined;
      }
      return { t, id, fields };
    case 'del':
      return typeof fields.at === 'number' ? { t, id, at: fields.at } : undefined;
    case 'undel':
      return { t, id };
    case 'gone':
      return { t, id };
    default:
      return undefined;
  }
}
