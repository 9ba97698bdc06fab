/**
 * Alt+F1, as in VS Code's own views: a short help that says how to move through the chat with a
 * keyboard and a screen reader. It opens over the chat, takes focus so it is read, and Escape or
 * Close gives focus back to where it was. It is not modal: Tab leaves it like any other part.
 */
import type { WebviewStringKey } from '../src/common/webviewStrings';
import { element } from './dom';
import { t } from './strings';

const lines: readonly WebviewStringKey[] = ['helpIntro', 'helpAsk', 'helpStop', 'helpToAnswers', 'helpBetweenAnswers', 'helpCodeBlocks', 'helpHistory', 'helpClose'];

export class AccessibilityHelp {
  private dialog: HTMLElement | undefined;
  private returnFocus: HTMLElement | undefined;

  constructor(private readonly root: HTMLElement) {
    document.addEventListener('keydown', (event) => {
      if (event.key === 'F1' && event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
        // VS Code's webview script forwards every keydown that reaches the window to the
        // workbench, which would open its own help (for the last editor) over this one.
        event.preventDefault();
        event.stopPropagation();
        this.open();
      }
    });
  }

  open(): void {
    if (!this.dialog || this.dialog.hidden) {
      const active = document.activeElement;
      this.returnFocus = active instanceof HTMLElement && active !== document.body ? active : undefined;
    }
    const dialog = (this.dialog ??= this.create());
    dialog.hidden = false;
    dialog.focus();
  }

  close(): void {
    if (!this.dialog || this.dialog.hidden) {
      return;
    }
    this.dialog.hidden = true;
    this.returnFocus?.focus();
    this.returnFocus = undefined;
  }

  private create(): HTMLElement {
    const close = element('button', { className: 'button secondary accessibility-help-close', text: t('close'), attributes: { type: 'button' } });
    const dialog = element(
      'section',
      { className: 'accessibility-help', attributes: { id: 'accessibility-help', role: 'dialog', 'aria-labelledby': 'accessibility-help-title', tabindex: '-1' } },
      element('h2', { className: 'accessibility-help-title', text: t('helpTitle'), attributes: { id: 'accessibility-help-title' } }),
      element('ul', {}, ...lines.map((key) => element('li', { text: t(key) }))),
      close,
    );
    close.addEventListener('click', () => this.close());
    dialog.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        // Before the document's listener, which would stop a streaming answer.
        event.preventDefault();
        event.stopPropagation();
        this.close();
      }
    });
    this.root.append(dialog);
    return dialog;
  }
}
