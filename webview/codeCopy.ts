/**
 * The Copy button of code blocks. Buttons are part of the rendered markdown (markdown.ts), so one
 * delegated handler serves blocks rendered once and blocks re-rendered in the streaming tail.
 */
import { t } from './strings';

const copiedForMs = 1500;

export async function copyCode(button: HTMLButtonElement): Promise<void> {
  const code = button.closest('.code-block')?.querySelector('pre > code');
  const text = code?.textContent ?? '';
  let copied: boolean;
  try {
    await navigator.clipboard.writeText(text);
    copied = true;
  } catch {
    copied = copyWithSelection(text);
  }
  if (!copied) {
    return;
  }
  button.classList.add('copied');
  button.setAttribute('aria-label', t('copied'));
  setTimeout(() => {
    button.classList.remove('copied');
    button.setAttribute('aria-label', t('copyCodeLabel'));
  }, copiedForMs);
}

/** For webviews without clipboard permission: the old select-and-copy, focus given back after. */
function copyWithSelection(text: string): boolean {
  const previousFocus = document.activeElement;
  const scratch = document.createElement('textarea');
  scratch.value = text;
  scratch.setAttribute('readonly', '');
  scratch.className = 'clipboard-scratch';
  document.body.append(scratch);
  scratch.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  scratch.remove();
  if (previousFocus instanceof HTMLElement) {
    previousFocus.focus();
  }
  return copied;
}
