import type { WaitReason } from '../src/common/protocol';
import { element } from './dom';
import { t } from './strings';

/**
 * "Azure OpenAI asked to wait": shown in an answer while the host waits out a rate limit or a
 * failing service before trying again, so a pause of many seconds is explained in the chat
 * instead of three dots. The seconds count down, so the chat is visibly alive. The answer's next
 * text, its end or its removal takes the note away.
 */
export class WaitNotice {
  private readonly countdowns = new Map<string, ReturnType<typeof setInterval>>();

  constructor(private readonly messageElement: (messageId: string) => HTMLElement | undefined) {}

  show(messageId: string, seconds: number, reason: WaitReason): void {
    const root = this.messageElement(messageId);
    if (!root) {
      return;
    }
    this.stopCountdown(messageId);
    let note = root.querySelector<HTMLElement>(':scope > .wait-notice');
    if (!note) {
      note = element('p', { className: 'wait-notice', attributes: { role: 'status' } });
      root.append(note);
    }
    // Screen readers hear the note once, when it appears, not every second of the countdown.
    note.removeAttribute('aria-live');
    const shown = note;
    const retryAt = Date.now() + seconds * 1000;
    const render = () => {
      const left = Math.ceil((retryAt - Date.now()) / 1000);
      const wait = left > 0 ? t('waitSeconds', left) : t('waitNow');
      shown.textContent = t(reason === 'rateLimited' ? 'waitRateLimited' : 'waitServiceTrouble', wait);
      return left;
    };
    render();
    this.countdowns.set(
      messageId,
      setInterval(() => {
        shown.setAttribute('aria-live', 'off');
        if (render() <= 0 || !shown.isConnected) {
          this.stopCountdown(messageId);
        }
      }, 1000),
    );
  }

  clear(messageId: string): void {
    this.stopCountdown(messageId);
    this.messageElement(messageId)?.querySelector(':scope > .wait-notice')?.remove();
  }

  private stopCountdown(messageId: string): void {
    clearInterval(this.countdowns.get(messageId));
    this.countdowns.delete(messageId);
  }
}
