import type { WaitReason } from '../src/common/protocol';
import { element } from './dom';

/**
 * "Azure OpenAI asked to wait": shown in an answer while the host waits out a rate limit or a
 * failing service before trying again, so a pause of many seconds is explained in the chat
 * instead of three dots. The answer's next text, its end or its removal takes the note away.
 */
export class WaitNotice {
  constructor(private readonly messageElement: (messageId: string) => HTMLElement | undefined) {}

  show(messageId: string, seconds: number, reason: WaitReason): void {
    const root = this.messageElement(messageId);
    if (!root) {
      return;
    }
    let note = root.querySelector<HTMLElement>(':scope > .wait-notice');
    if (!note) {
      note = element('p', { className: 'wait-notice', attributes: { role: 'status' } });
      root.append(note);
    }
    const wait = `trying again in ${seconds} s. Your question is kept; Stop cancels.`;
    note.textContent = reason === 'rateLimited' ? `Azure OpenAI asked to wait (rate limit): ${wait}` : `Azure OpenAI did not answer: ${wait}`;
  }

  clear(messageId: string): void {
    this.messageElement(messageId)?.querySelector(':scope > .wait-notice')?.remove();
  }
}
