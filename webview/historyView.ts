/**
 * The conversation history: a searchable list over the chat, with Open, Rename, Export and
 * Delete (with Undo) per conversation. The host filters (search covers the conversations' text,
 * which only the host has); this view keeps one element per conversation and reuses it, so a
 * new filter only reorders existing elements.
 */
import type { ConversationSummaryView, WebviewToHostMessage } from '../src/common/protocol';
import { element } from './dom';
import { whenIdle } from './idle';
import { pageLocale, t } from './strings';

interface Item {
  readonly row: HTMLLIElement;
  readonly open: HTMLButtonElement;
  readonly title: HTMLElement;
  readonly date: HTMLElement;
  readonly actions: HTMLButtonElement[];
  shown: string;
}

const undoVisibleMs = 15_000;
/** About two screens of a tall sidebar. */
const firstRows = 60;

export class HistoryView {
  readonly element: HTMLElement;
  private readonly search: HTMLInputElement;
  private readonly list: HTMLUListElement;
  private readonly empty: HTMLElement;
  private readonly undoBar: HTMLElement;
  private readonly undoText: HTMLElement;
  private readonly items = new Map<string, Item>();
  private undoId: string | undefined;
  /** Rows of a long list still to be added in idle time. */
  private pendingRows: readonly ConversationSummaryView[] | undefined;
  private undoTimer: ReturnType<typeof setTimeout> | undefined;
  private returnFocus: HTMLElement | undefined;
  private readonly dates = new Intl.DateTimeFormat(pageLocale(), { dateStyle: 'medium' });
  private readonly times = new Intl.DateTimeFormat(pageLocale(), { timeStyle: 'short' });

  constructor(
    private readonly post: (message: WebviewToHostMessage) => void,
    /** Where focus goes once a conversation is opened from the list: the question box. */
    private readonly focusAfterOpen: () => void,
  ) {
    this.search = element('input', {
      className: 'history-search',
      attributes: { id: 'history-search', type: 'search', placeholder: t('searchConversations'), 'aria-label': t('searchConversations'), 'aria-controls': 'history-list' },
    });
    const close = element('button', { className: 'icon-button history-close', attributes: { type: 'button', 'aria-label': t('closeHistory'), title: t('closeHistoryTitle') } });
    this.list = element('ul', { className: 'history-list', attributes: { id: 'history-list', 'aria-label': t('conversations') } });
    this.empty = element('p', { className: 'history-empty', text: t('noConversations') });
    this.undoText = element('span');
    const undo = element('button', { className: 'button secondary history-undo-button', text: t('undo'), attributes: { type: 'button', id: 'history-undo' } });
    this.undoBar = element('div', { className: 'history-undo', attributes: { role: 'status' } }, this.undoText, undo);
    this.undoBar.hidden = true;
    this.element = element(
      'section',
      { className: 'history', attributes: { id: 'history', role: 'dialog', 'aria-label': t('history') } },
      element('div', { className: 'history-header' }, element('h2', { className: 'history-heading', text: t('conversations') }), close),
      this.search,
      this.undoBar,
      this.list,
      this.empty,
    );
    this.element.hidden = true;

    close.addEventListener('click', () => this.close());
    undo.addEventListener('click', () => this.undo());
    this.search.addEventListener('input', () => this.post({ type: 'listConversations', query: this.search.value }));
    this.element.addEventListener('keydown', (event) => this.onKeyDown(event));
    this.list.addEventListener('click', (event) => this.onClick(event));
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  toggle(): void {
    if (this.isOpen) {
      this.close();
    } else {
      this.open();
    }
  }

  open(): void {
    // Attached on first use: most views never show their history.
    if (!this.element.isConnected) {
      document.getElementById('chat-root')?.append(this.element);
    }
    this.returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    this.element.hidden = false;
    this.search.focus();
    this.search.select();
    this.post({ type: 'listConversations', query: this.search.value });
  }

  close(): void {
    if (!this.isOpen) {
      return;
    }
    this.element.hidden = true;
    // Back where the keyboard was; opened from the title bar or a command, that was nowhere in
    // the view, and the question box is where the user continues.
    if (this.returnFocus?.isConnected && this.returnFocus !== document.body) {
      this.returnFocus.focus();
    } else {
      this.focusAfterOpen();
    }
    this.returnFocus = undefined;
  }

  /** The host's list for a query; answers to an older query are ignored. */
  show(query: string, summaries: readonly ConversationSummaryView[]): void {
    if (query !== this.search.value) {
      return;
    }
    const started = performance.now();
    this.pendingRows = undefined;
    const rows: HTMLLIElement[] = [];
    const now = new Date();
    // The first screenful at once; the rest of a long history in idle time, so opening stays quick.
    const later = summaries.slice(firstRows);
    for (const summary of summaries.slice(0, firstRows)) {
      rows.push(this.row(summary, now));
    }
    this.list.replaceChildren(...rows);
    this.empty.hidden = summaries.length > 0;
    this.empty.textContent = query.trim() ? t('noConversationMentions', query.trim()) : t('noConversations');
    if (later.length > 0) {
      const pending = later;
      this.pendingRows = pending;
      whenIdle(() => {
        if (this.pendingRows === pending) {
          this.pendingRows = undefined;
          this.list.append(...pending.map((summary) => this.row(summary, now)));
        }
      });
    }
    // For tests and the benchmark, like chat:snapshot-rendered.
    document.dispatchEvent(new CustomEvent('chat:history-rendered', { detail: { query, items: summaries.length, durationMs: performance.now() - started } }));
  }

  private row(summary: ConversationSummaryView, now: Date): HTMLLIElement {
    const item = this.items.get(summary.id) ?? this.createItem(summary.id);
    const when = this.formatDate(summary.updated, now);
    const shown = `${summary.title}\u0000${when}`;
    if (item.shown !== shown) {
      item.shown = shown;
      item.title.textContent = summary.title;
      item.date.textContent = when;
      for (const action of item.actions) {
        action.setAttribute('aria-label', t('actionOnConversation', action.dataset.label ?? '', summary.title));
      }
    }
    return item.row;
  }

  /** After a delete: say so, and offer Undo for a while. */
  deleted(id: string, title: string): void {
    this.items.get(id)?.row.remove();
    this.undoId = id;
    this.undoText.textContent = t('deleted', title);
    this.undoBar.hidden = false;
    clearTimeout(this.undoTimer);
    this.undoTimer = setTimeout(() => {
      this.undoBar.hidden = true;
      this.undoId = undefined;
    }, undoVisibleMs);
  }

  private undo(): void {
    if (this.undoId) {
      this.post({ type: 'undoDelete', id: this.undoId });
    }
    this.undoId = undefined;
    this.undoBar.hidden = true;
    this.search.focus();
  }

  private createItem(id: string): Item {
    const title = element('span', { className: 'history-title' });
    const date = element('span', { className: 'history-date' });
    // Named by its text: title, a comma only screen readers hear, date.
    const open = element(
      'button',
      { className: 'history-open', attributes: { type: 'button', 'data-history-action': 'open' } },
      title,
      element('span', { className: 'visually-hidden', text: ', ' }),
      date,
    );
    const actions = (
      [
        ['rename', t('rename')],
        ['export', t('exportMarkdown')],
        ['delete', t('delete')],
      ] as const
    ).map(([action, label]) =>
      element('button', {
        className: `icon-button history-action ${action}`,
        attributes: { type: 'button', 'data-history-action': action, 'data-label': label, title: label },
      }),
    );
    const row = element('li', { className: 'history-item', attributes: { 'data-id': id } }, open, element('span', { className: 'history-actions' }, ...actions));
    const item: Item = { row, open, title, date, actions, shown: '' };
    this.items.set(id, item);
    return item;
  }

  private onClick(event: MouseEvent): void {
    const button = event.target instanceof Element ? event.target.closest<HTMLButtonElement>('button[data-history-action]') : null;
    const id = button?.closest<HTMLElement>('.history-item')?.dataset.id;
    if (!button || !id) {
      return;
    }
    switch (button.dataset.historyAction) {
      case 'open':
        this.post({ type: 'openConversation', id });
        this.returnFocus = undefined;
        this.close();
        // The conversation is open to be continued; without this, focus fell to <body>.
        this.focusAfterOpen();
        break;
      case 'rename':
        this.post({ type: 'renameConversation', id });
        break;
      case 'export':
        this.post({ type: 'exportConversation', id });
        break;
      case 'delete': {
        // Keep the keyboard in the list: focus moves to the next conversation.
        const next = button.closest('.history-item')?.nextElementSibling ?? button.closest('.history-item')?.previousElementSibling;
        this.post({ type: 'deleteConversation', id });
        (next?.querySelector('.history-open') as HTMLElement | null | undefined)?.focus();
        break;
      }
    }
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this.close();
      return;
    }
    // Up and Down move between conversations (and from the search box into the list).
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') {
      return;
    }
    const opens = [...this.list.querySelectorAll<HTMLElement>('.history-open')];
    const current = document.activeElement?.closest('.history-item')?.querySelector<HTMLElement>('.history-open');
    const index = current ? opens.indexOf(current) : -1;
    const next = event.key === 'ArrowDown' ? opens[index + 1] : index > 0 ? opens[index - 1] : index === 0 ? this.search : undefined;
    if (next) {
      event.preventDefault();
      next.focus();
    }
  }

  private formatDate(updated: number, now: Date): string {
    const date = new Date(updated);
    return date.toDateString() === now.toDateString() ? t('today', this.times.format(date)) : this.dates.format(date);
  }
}
