/**
 * What can be done with a turn: edit the last question and ask again, regenerate the last answer
 * (the previous one stays above it), copy an answer as Markdown. The buttons and a question's
 * context chips are added to message elements as the list inserts them (a MutationObserver), so
 * the message list itself does not change.
 */
import type { AttachmentView, ChatMessageView } from '../src/common/protocol';
import { renderChips } from './attachmentChips';
import { element } from './dom';
import { t } from './strings';

export interface TurnHandlers {
  edit(messageId: string, text: string): void;
  regenerate(messageId: string): void;
  copyAnswer(messageId: string): void;
}

export class TurnActions {
  private readonly attachments = new Map<string, readonly AttachmentView[]>();
  private readonly questionTools: HTMLElement;
  private readonly answerTools: HTMLElement;

  constructor(
    private readonly scroller: HTMLElement,
    private readonly handlers: TurnHandlers,
  ) {
    this.questionTools = element(
      'div',
      { className: 'turn-actions', attributes: { role: 'toolbar', 'aria-label': t('questionActions') } },
      element('button', { className: 'turn-action edit-question', attributes: { type: 'button', 'aria-label': t('editLabel'), title: t('editTitle'), 'data-label': t('edit') } }),
    );
    this.answerTools = element(
      'div',
      { className: 'turn-actions', attributes: { role: 'toolbar', 'aria-label': t('answerActions') } },
      element('button', { className: 'turn-action copy-answer', attributes: { type: 'button', 'aria-label': t('copyAnswerLabel'), title: t('copyAnswerTitle'), 'data-label': t('copyAnswer') } }),
      element('button', {
        className: 'turn-action regenerate',
        attributes: { type: 'button', 'aria-label': t('regenerateLabel'), title: t('regenerateTitle'), 'data-label': t('regenerate') },
      }),
    );
    new MutationObserver((records) => this.onMutations(records)).observe(scroller, { childList: true });
    scroller.addEventListener('click', (event) => this.onClick(event));
  }

  /** Called with messages before the list shows them, for the chips of their questions. */
  remember(messages: readonly ChatMessageView[]): void {
    for (const message of messages) {
      if (message.attachments?.length) {
        this.attachments.set(message.id, message.attachments);
      }
    }
  }

  private onMutations(records: readonly MutationRecord[]): void {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node instanceof HTMLElement && node.classList.contains('message')) {
          this.decorate(node);
        }
      }
    }
    this.markLastTurn();
  }

  private decorate(message: HTMLElement): void {
    if (message.querySelector(':scope > .turn-actions')) {
      return;
    }
    const isQuestion = message.classList.contains('user');
    const chips = isQuestion ? this.attachments.get(message.dataset.id ?? '') : undefined;
    if (chips) {
      message.querySelector(':scope > .message-body')?.after(renderChips(chips));
    }
    message.append((isQuestion ? this.questionTools : this.answerTools).cloneNode(true));
  }

  /** Only the last question can be edited and only the last answer regenerated. */
  private markLastTurn(): void {
    for (const old of this.scroller.querySelectorAll(':scope > .message.last-turn')) {
      old.classList.remove('last-turn');
    }
    const questions = this.scroller.querySelectorAll<HTMLElement>(':scope > .message.user');
    const answers = this.scroller.querySelectorAll<HTMLElement>(':scope > .message.assistant');
    const lastQuestion = questions[questions.length - 1];
    const lastAnswer = answers[answers.length - 1];
    lastQuestion?.classList.add('last-turn');
    if (lastAnswer && lastQuestion && lastAnswer.compareDocumentPosition(lastQuestion) & Node.DOCUMENT_POSITION_PRECEDING) {
      lastAnswer.classList.add('last-turn');
    }
  }

  private onClick(event: MouseEvent): void {
    const button = event.target instanceof Element ? event.target.closest<HTMLButtonElement>('button.turn-action') : null;
    const message = button?.closest<HTMLElement>('.message');
    const id = message?.dataset.id;
    if (!button || !message || !id) {
      return;
    }
    if (button.classList.contains('edit-question')) {
      this.handlers.edit(id, message.querySelector(':scope > .message-body')?.textContent ?? '');
    } else if (button.classList.contains('regenerate')) {
      this.handlers.regenerate(id);
    } else if (button.classList.contains('copy-answer')) {
      this.handlers.copyAnswer(id);
    }
  }
}
