import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logging/logger';
import { ConversationJournal, type JournalOpenResult, replayJournal } from './conversationJournal';

/**
 * Every saved conversation of a workspace: one journal file per conversation (`<id>.jsonl`, see
 * conversationJournal.ts) and `index.jsonl`, an append-only list of what the history shows
 * (title, dates, and whatever other features remember per conversation, such as its deployment).
 *
 * Like the journals, the index is only ever appended to, so several windows can share it: each
 * reads what the others appended since its last look (`refresh`) and nobody's lines are lost.
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
  /** Remembered per conversation by other features; the store only keeps them. */
  readonly deployment?: string;
  readonly model?: string;
  readonly reasoningEffort?: string;
}

/** The fields a caller may change; `id` and the dates are the store's. */
export type ConversationMetaChanges = Partial<Omit<ConversationMeta, 'id' | 'created' | 'updated'>> & Readonly<Record<string, unknown>>;

type IndexLine =
  | { readonly t: 'meta'; readonly id: string; readonly fields: Record<string, unknown> }
  | { readonly t: 'del'; readonly id: string; readonly at: number }
  | { readonly t: 'undel'; readonly id: string };

/** The journal of the single conversation older versions kept, imported once under this id. */
export const importedConversationId = 'imported-conversation';

/** Deleted conversations can be brought back this long (from any window) before their file goes. */
const keepDeletedMs = 60 * 60_000;

const idPattern = /^[A-Za-z0-9-]{1,64}$/;

export function isConversationId(value: unknown): value is string {
  return typeof value === 'string' && idPattern.test(value);
}

export class ConversationStore {
  private readonly metas = new Map<string, ConversationMeta>();
  private readonly deleted = new Map<string, number>();
  private indexBytesRead = 0;
  private indexStream: WriteStream | undefined;
  /** Lower-cased title and text per conversation, for search; dropped when it changes. */
  private readonly searchText = new Map<string, { readonly updated: number; readonly text: string }>();
  skippedIndexLines = 0;

  private constructor(
    readonly folder: string,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  /**
   * Opens the store in `folder` (created if missing). `legacyJournal`, the file older versions
   * kept their one conversation in, is imported once as a conversation and then renamed.
   */
  static async open(folder: string, log: Logger, options: { legacyJournal?: string; now?: () => number } = {}): Promise<ConversationStore> {
    await mkdir(folder, { recursive: true });
    const store = new ConversationStore(folder, log, options.now ?? Date.now);
    await store.refresh();
    store.indexStream = createWriteStream(store.indexPath, { flags: 'a' });
    store.indexStream.on('error', (error) => log.error(`Could not save the conversation list: ${error.message}`));
    if (options.legacyJournal) {
      await store.importLegacy(options.legacyJournal);
    }
    await store.forgetLongDeleted();
    return store;
  }

  private get indexPath(): string {
    return join(this.folder, 'index.jsonl');
  }

  journalPath(id: string): string {
    return join(this.folder, `${id}.jsonl`);
  }

  /** Saved conversations, most recently updated first; deleted ones are left out. */
  list(): ConversationMeta[] {
    return [...this.metas.values()].filter((meta) => !this.deleted.has(meta.id)).sort((a, b) => b.updated - a.updated);
  }

  get(id: string): ConversationMeta | undefined {
    return this.deleted.has(id) ? undefined : this.metas.get(id);
  }

  /** Reads what other windows appended to the index since the last look. */
  async refresh(): Promise<void> {
    let handle;
    try {
      handle = await open(this.indexPath, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.log.warn(`Could not read the conversation list: ${(error as Error).message}`);
      }
      return;
    }
    try {
      const { size } = await handle.stat();
      if (size <= this.indexBytesRead) {
        return;
      }
      const buffer = Buffer.alloc(size - this.indexBytesRead);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.indexBytesRead);
      // Only whole lines: another window may be in the middle of writing the last one.
      const end = buffer.subarray(0, bytesRead).lastIndexOf(0x0a) + 1;
      this.indexBytesRead += end;
      for (const text of buffer.subarray(0, end).toString('utf8').split('\n')) {
        if (text.trim()) {
          this.apply(text);
        }
      }
    } finally {
      await handle.close();
    }
  }

  /** Records a new conversation, or changes of an existing one (title, deployment, ...). */
  update(id: string, changes: ConversationMetaChanges, touch = true): ConversationMeta {
    const now = this.now();
    const fields: Record<string, unknown> = { ...changes };
    if (!this.metas.has(id)) {
      fields.created = now;
      fields.title ??= '';
    }
    if (touch || !this.metas.has(id)) {
      fields.updated = now;
    }
    this.append({ t: 'meta', id, ...fields });
    this.merge(id, fields);
    return this.metas.get(id) as ConversationMeta;
  }

  delete(id: string): void {
    const at = this.now();
    this.append({ t: 'del', id, at });
    this.deleted.set(id, at);
  }

  restore(id: string): void {
    this.append({ t: 'undel', id });
    this.deleted.delete(id);
  }

  openJournal(id: string): Promise<JournalOpenResult> {
    return ConversationJournal.open(this.journalPath(id), this.log);
  }

  /** Conversations whose title or text contains `query` (case-insensitive), newest first. */
  async search(query: string): Promise<ConversationMeta[]> {
    const needle = query.trim().toLowerCase();
    const all = this.list();
    if (!needle) {
      return all;
    }
    await this.loadSearchText(all);
    return all.filter((meta) => meta.title.toLowerCase().includes(needle) || (this.searchText.get(meta.id)?.text.includes(needle) ?? false));
  }

  private loadingSearchText: Promise<void> | undefined;

  /** Reads the text of the conversations search has not seen yet (a few files at a time). */
  async loadSearchText(metas: readonly ConversationMeta[] = this.list()): Promise<void> {
    // One reader at a time: a search while the history prepares waits for it instead of reading twice.
    while (this.loadingSearchText) {
      await this.loadingSearchText;
    }
    this.loadingSearchText = this.readSearchText(metas).finally(() => {
      this.loadingSearchText = undefined;
    });
    await this.loadingSearchText;
  }

  private async readSearchText(metas: readonly ConversationMeta[]): Promise<void> {
    const stale = metas.filter((meta) => this.searchText.get(meta.id)?.updated !== meta.updated);
    const parallel = 8;
    for (let i = 0; i < stale.length; i += parallel) {
      await Promise.all(
        stale.slice(i, i + parallel).map(async (meta) => {
          let content = '';
          try {
            content = await readFile(this.journalPath(meta.id), 'utf8');
          } catch {
            // Missing or unreadable: only the title is searched.
          }
          const text = replayJournal(content)
            .messages.map((message) => message.text)
            .join('\n')
            .toLowerCase();
          this.searchText.set(meta.id, { updated: meta.updated, text });
        }),
      );
    }
  }

  async close(): Promise<void> {
    const stream = this.indexStream;
    this.indexStream = undefined;
    if (stream) {
      await new Promise<void>((resolve) => stream.end(resolve));
    }
  }

  private append(line: Record<string, unknown>): void {
    this.indexStream?.write(`${JSON.stringify(line)}\n`);
  }

  private apply(text: string): void {
    let line: IndexLine | undefined;
    try {
      line = parseIndexLine(JSON.parse(text));
    } catch {
      line = undefined;
    }
    if (!line) {
      this.skippedIndexLines++;
      return;
    }
    switch (line.t) {
      case 'meta':
        this.merge(line.id, line.fields);
        break;
      case 'del':
        this.deleted.set(line.id, line.at);
        break;
      case 'undel':
        this.deleted.delete(line.id);
        break;
    }
  }

  private merge(id: string, fields: Record<string, unknown>): void {
    const previous = this.metas.get(id);
    const merged = { ...previous, ...fields, id } as Record<string, unknown>;
    if (typeof merged.title !== 'string' || typeof merged.created !== 'number' || typeof merged.updated !== 'number') {
      return; // A change for a conversation whose first line was lost: nothing to show yet.
    }
    this.metas.set(id, merged as unknown as ConversationMeta);
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
    if (messages.length > 0 && !this.metas.has(importedConversationId)) {
      try {
        // `wx`: when two windows import at once, only one succeeds.
        await writeFile(this.journalPath(importedConversationId), content.endsWith('\n') || !content ? content : `${content}\n`, { flag: 'wx' });
        const first = messages.find((message) => message.role === 'user');
        this.update(importedConversationId, { title: titleFromQuestion(first?.text ?? '') });
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

  private async forgetLongDeleted(): Promise<void> {
    const cutoff = this.now() - keepDeletedMs;
    for (const [id, at] of this.deleted) {
      if (at < cutoff) {
        await unlink(this.journalPath(id)).catch(() => undefined);
      }
    }
  }
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
        ('renamed' in fields && typeof fields.renamed !== 'boolean')
      ) {
        return undefined;
      }
      return { t, id, fields };
    case 'del':
      return typeof fields.at === 'number' ? { t, id, at: fields.at } : undefined;
    case 'undel':
      return { t, id };
    default:
      return undefined;
  }
}
