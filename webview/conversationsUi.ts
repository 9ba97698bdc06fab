/**
 * The conversations feature in the webview: the History button and list, the current
 * conversation's title, context chips with their Attach buttons and drag and drop, code block
 * Insert/Open, turn actions (edit, regenerate, copy), and Up recalling the last question.
 */
import type { HostToWebviewMessage, WebviewToHostMessage } from '../src/common/protocol';
import { droppedUris, renderChips } from './attachmentChips';
import { codeActionMessage } from './codeActions';
import type { Composer } from './composer';
import { element } from './dom';
import { HistoryView } from './historyView';
import { TurnActions } from './turnActions';
import { t } from './strings';

type ConversationHostMessage = Extract<HostToWebviewMessage, { type: 'conversation' | 'history' | 'conversationDeleted' | 'attachments' | 'focusInput' | 'showHistory' }>;

export interface ConversationsUiParts {
  readonly root: HTMLElement;
  readonly topBar: HTMLElement;
  readonly composer: Composer;
  /** The scrolling list of messages (#messages). */
  readonly scroller: HTMLElement;
  readonly post: (message: WebviewToHostMessage) => void;
}

export class ConversationsUi {
  private readonly history: HistoryView;
  private readonly title: HTMLElement;
  private readonly chips: HTMLElement;
  private readonly editingNote: HTMLElement;
  readonly turns: TurnActions;
  /** The question being edited: sending replaces it. */
  private editing: string | undefined;

  constructor(private readonly parts: ConversationsUiParts) {
    const { root, topBar, composer, post } = parts;
    this.history = new HistoryView(post, () => composer.focus());
    const historyButton = element('button', { className: 'icon-button show-history', attributes: { id: 'show-history', type: 'button', 'aria-label': t('history'), title: t('history') } });
    historyButton.addEventListener('click', () => this.history.toggle());
    topBar.append(historyButton);
    this.title = element('div', { className: 'conversation-title', attributes: { id: 'conversation-title' } });
    topBar.after(this.title);

    // Context: chips for what goes with the next question, and the ways to add some.
    this.chips = element('div', { className: 'pending-attachments', attributes: { id: 'pending-attachments' } });
    const attachActive = element('button', { className: 'icon-button attach-active', attributes: { id: 'attach-active-file', type: 'button', 'aria-label': t('attachActiveFile'), title: t('attachActiveFile') } });
    const attachPick = element('button', { className: 'icon-button attach-files', attributes: { id: 'attach-files', type: 'button', 'aria-label': t('attachFiles'), title: t('attachFilesTitle') } });
    attachActive.addEventListener('click', () => post({ type: 'attachActiveFile' }));
    attachPick.addEventListener('click', () => post({ type: 'attachFiles' }));
    this.editingNote = element('div', { className: 'composer-editing', attributes: { role: 'status' } });
    this.editingNote.hidden = true;
    const buttons = composer.element.querySelector('.composer-buttons');
    buttons?.prepend(attachActive, attachPick);
    composer.element.prepend(this.editingNote, this.chips);

    root.addEventListener('dragover', (event) => {
      if (event.dataTransfer?.types.some((type) => type === 'text/uri-list' || type === 'application/vnd.code.uri-list')) {
        event.preventDefault();
        root.classList.add('drop-target');
      }
    });
    root.addEventListener('dragleave', () => root.classList.remove('drop-target'));
    root.addEventListener('drop', (event) => {
      root.classList.remove('drop-target');
      const uris = droppedUris(event.dataTransfer);
      if (uris.length > 0) {
        event.preventDefault();
        post({ type: 'attachUris', uris });
      }
    });

    root.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('button.insert-code, button.open-code') : null;
      const message = button && codeActionMessage(button);
      if (message) {
        post(message);
      }
    });

    this.turns = new TurnActions(parts.scroller, {
      edit: (messageId, text) => {
        this.editing = messageId;
        this.editingNote.textContent = t('editingNote');
        this.editingNote.hidden = false;
        composer.setText(text);
      },
      regenerate: (messageId) => post({ type: 'retry', messageId }),
      copyAnswer: (messageId) => post({ type: 'copyAnswer', messageId }),
    });

    composer.input.addEventListener('keydown', (event) => {
      if (event.isComposing || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
        return;
      }
      if (event.key === 'ArrowUp' && composer.input.value === '') {
        const last = [...parts.scroller.querySelectorAll(':scope > .message.user > .message-body')].at(-1);
        if (last?.textContent) {
          event.preventDefault();
          composer.setText(last.textContent);
        }
      } else if (event.key === 'Escape' && this.editing) {
        this.stopEditing();
        composer.setText('');
      }
    });
  }

  /** The composer's Send: a new question, or the edited last one. */
  send(text: string): void {
    if (this.editing) {
      this.parts.post({ type: 'resend', messageId: this.editing, text });
      this.stopEditing();
    } else {
      this.parts.post({ type: 'send', text });
    }
  }

  handle(message: ConversationHostMessage): void {
    switch (message.type) {
      case 'conversation':
        this.title.textContent = message.title;
        this.title.title = message.title;
        this.stopEditing();
        return;
      case 'history':
        this.history.show(message.query, message.items);
        return;
      case 'conversationDeleted':
        this.history.deleted(message.id, message.title);
        return;
      case 'attachments':
        this.chips.replaceChildren(...(message.items.length > 0 ? [renderChips(message.items, (id) => this.parts.post({ type: 'removeAttachment', id }))] : []));
        return;
      case 'focusInput':
        this.history.close();
        this.parts.composer.focus();
        return;
      case 'showHistory':
        this.history.open();
        return;
    }
  }

  private stopEditing(): void {
    this.editing = undefined;
    this.editingNote.hidden = true;
  }
}
