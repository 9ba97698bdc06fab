/**
 * The question box. Enter sends, Shift+Enter adds a line, Enter that confirms an IME
 * composition does neither. Typing stays possible while an answer streams; only sending waits,
 * and Escape (or Stop) ends the answer. The draft survives the view being hidden.
 */
import { protocolLimits } from '../src/common/protocol';
import { element } from './dom';
import { t } from './strings';

export interface ComposerActions {
  send(text: string): void;
  stop(): void;
  draftChanged(text: string): void;
  /** Enter or Send while nothing can take the question (see `setUnavailable`). */
  refused?(): void;
}

/** IME composition keydowns report keyCode 229 in some engines that do not set isComposing. */
const imeKeyCode = 229;

export class Composer {
  readonly element: HTMLElement;
  /** The question box itself: other features listen to its keys (conversations: Up recalls). */
  readonly input: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly warning: HTMLElement;
  private busy = false;
  /** Why no question can be sent now (the extension host went away); the text stays in the box. */
  private unavailable: string | undefined;

  constructor(
    private readonly actions: ComposerActions,
    draft: string,
  ) {
    this.input = element('textarea', {
      attributes: {
        id: 'question',
        rows: '1',
        placeholder: t('questionPlaceholder'),
        title: t('questionTitle'),
        'aria-label': t('questionLabel'),
        spellcheck: 'true',
      },
    });
    this.sendButton = element('button', {
      className: 'icon-button send',
      attributes: { id: 'send', type: 'button', 'aria-label': t('send'), title: t('sendTitle') },
    });
    this.stopButton = element('button', {
      className: 'icon-button stop',
      attributes: { id: 'stop', type: 'button', 'aria-label': t('stop'), title: t('stopTitle') },
    });
    this.stopButton.hidden = true;
    this.warning = element('div', { className: 'composer-warning', attributes: { role: 'status' } });
    this.warning.hidden = true;
    this.element = element(
      'div',
      { className: 'composer' },
      this.warning,
      element('div', { className: 'composer-box' }, this.input, element('div', { className: 'composer-buttons' }, this.stopButton, this.sendButton)),
    );

    this.input.value = draft;
    this.input.addEventListener('keydown', this.onKeyDown);
    // Escape stops an answer wherever the focus is in the view, not only in the question box.
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.busy && !event.isComposing && !event.defaultPrevented) {
        event.preventDefault();
        this.actions.stop();
      }
    });
    this.input.addEventListener('input', () => {
      this.fitHeight();
      this.warning.hidden = true;
      this.actions.draftChanged(this.input.value);
    });
    // The question box keeps the keyboard after Send: the next question is typed there, and the
    // Send button is disabled (so would drop focus to <body>) while the answer streams.
    this.sendButton.addEventListener('click', () => {
      this.submit();
      this.input.focus();
    });
    this.stopButton.addEventListener('click', () => this.actions.stop());
  }

  /** Call once the element is in the document: its height depends on the text and the width. */
  attached(): void {
    this.fitHeight();
  }

  focus(): void {
    this.input.focus();
  }

  setBusy(busy: boolean): void {
    // A button about to be disabled or hidden would drop focus to <body>: it goes to the question.
    const active = document.activeElement;
    if ((busy && active === this.sendButton) || (!busy && active === this.stopButton)) {
      this.input.focus();
    }
    this.busy = busy;
    this.sendButton.disabled = busy;
    this.stopButton.hidden = !busy;
    this.element.classList.toggle('busy', busy);
  }

  /** While set, Send keeps the question in the box and says why instead. */
  setUnavailable(reason: string | undefined): void {
    this.unavailable = reason;
    this.element.classList.toggle('unavailable', reason !== undefined);
    if (reason === undefined) {
      this.warning.hidden = true;
    }
  }

  /** Replaces the text (a recalled or edited question), cursor at the end. */
  setText(text: string): void {
    this.input.value = text;
    this.fitHeight();
    this.actions.draftChanged(text);
    this.input.focus();
    this.input.setSelectionRange(text.length, text.length);
  }

  /** Puts back a question that could not be sent, without losing anything typed since. */
  restoreDraft(text: string): void {
    const current = this.input.value;
    this.input.value = current.trim().length === 0 ? text : `${text}\n${current}`;
    this.fitHeight();
    this.actions.draftChanged(this.input.value);
    this.input.focus();
  }

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (event.isComposing || event.keyCode === imeKeyCode) {
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      this.submit();
    }
  };

  private submit(): void {
    if (this.busy) {
      return;
    }
    // Leading blank lines and trailing whitespace are noise; leading indentation may be code.
    const text = this.input.value.replace(/^(?:[ \t]*\r?\n)+/, '').trimEnd();
    if (text.length === 0) {
      return;
    }
    if (this.unavailable !== undefined) {
      this.warning.textContent = this.unavailable;
      this.warning.hidden = false;
      this.actions.refused?.();
      return;
    }
    if (text.length > protocolLimits.maxQuestionLength) {
      this.warning.textContent = t('questionTooLong', text.length.toLocaleString(), protocolLimits.maxQuestionLength.toLocaleString());
      this.warning.hidden = false;
      return;
    }
    this.actions.send(text);
    this.input.value = '';
    this.fitHeight();
    this.actions.draftChanged('');
  }

  /** Grows with the text; CSS max-height caps it at about twelve lines, then it scrolls. */
  private fitHeight(): void {
    this.input.style.height = 'auto';
    this.input.style.height = `${this.input.scrollHeight}px`;
  }
}
