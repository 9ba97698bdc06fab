/**
 * Insert at Cursor and Open in New Editor for code blocks in answers. Like Copy, the buttons are
 * part of the rendered markdown (markdown.ts); one delegated handler in main.ts calls this.
 */
import type { WebviewToHostMessage } from '../src/common/protocol';

/** The message for a clicked Insert or Open button, or undefined when it is neither. */
export function codeActionMessage(button: Element): WebviewToHostMessage | undefined {
  const block = button.closest('.code-block');
  const code = block?.querySelector('pre > code')?.textContent;
  if (code === undefined || code === null) {
    return undefined;
  }
  const language = (block?.querySelector('.code-language')?.textContent ?? '').trim().slice(0, 64);
  const safeLanguage = /^[\w.+#-]*$/.test(language) ? language : '';
  if (button.classList.contains('insert-code')) {
    return { type: 'insertCode', code, language: safeLanguage };
  }
  if (button.classList.contains('open-code')) {
    return { type: 'openCode', code, language: safeLanguage };
  }
  return undefined;
}
