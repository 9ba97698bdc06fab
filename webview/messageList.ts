/**
 * The conversation: one element per message, answers rendered as markdown, streaming answers
 * painted at most once per frame, and the view kept at the bottom while an answer grows unless
 * the user scrolled up to read.
 */
import type { ChatMessageView, ChatRole, MessageStatus, ProblemView } from '../src/common/protocol';
import { element } from './dom';
import { FrameScheduler } from './frameScheduler';
import { whenIdle } from './idle';
import { renderMarkdown } from './markdown';
import { notifySnapshotRendered } from './paintEvents';
import { renderProblem } from './problems';
import { ScrollFollower } from './scrollFollower';
import { StreamingMessage } from './streamingMessage';
import type { ScrollPosition } from './vscodeApi';
import type { WebviewStringKey } from '../src/common/webviewStrings';
import { t } from './strings';

interface Entry {
  readonly id: string;
  readonly role: ChatRole;
  readonly element: HTMLElement;
  readonly body: HTMLElement;
  stream: StreamingMessage | undefined;
  /** Markdown not rendered yet (older messages of a snapshot); the body shows it as plain text. */
  deferredText: string | undefined;
}

/**
 * A snapshot renders the markdown of its newest messages at once and of older ones in idle time,
 * newest first, so a long restored conversation shows its end without waiting for its start.
 */
const eagerSnapshotMessages = 12;

const finishedAnnouncements = {
  done: 'answerComplete',
  stopped: 'answerStopped',
  error: 'answerFailed',
} as const satisfies Record<Exclude<MessageStatus, 'streaming'>, WebviewStringKey>;

/** A finished answer is read out whole, once; beyond this many characters, the rest is in the list. */
const maxAnnouncedLength = 4000;

export class MessageList {
  readonly element: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly welcome: HTMLElement;
  private readonly announcer: HTMLElement;
  private readonly scroll: ScrollFollower;
  private readonly entries = new Map<string, Entry>();
  private readonly streaming = new Set<Entry>();
  private readonly scheduler = new FrameScheduler(() => this.paintFrame());
  /** Entries whose markdown waits for idle time, newest first. */
  private deferred: Entry[] = [];
  private idleWork: (() => void) | undefined;

  constructor(onScrollPositionChanged: (position: ScrollPosition) => void) {
    this.scroller = element('div', {
      className: 'messages',
      // A list, as VS Code's own chat: not a live region, so a streaming answer is not read out
      // chunk by chunk. What a screen reader hears goes through the announcer below.
      attributes: { id: 'messages', role: 'list', 'aria-label': t('conversation'), tabindex: '0' },
    });
    this.welcome = element(
      'div',
      { className: 'welcome' },
      element('div', { className: 'welcome-icon', attributes: { 'aria-hidden': 'true' } }),
      element('h2', { className: 'welcome-title', text: t('welcomeTitle') }),
      element('p', { text: t('welcomeText') }),
    );
    const jumpButton = element('button', {
      className: 'jump-to-bottom',
      attributes: { type: 'button', 'aria-label': t('jumpToLatest'), title: t('jumpToLatest') },
    });
    jumpButton.hidden = true;
    this.announcer = element('div', { className: 'visually-hidden', attributes: { 'aria-live': 'polite', role: 'status' } });
    this.element = element('div', { className: 'conversation' }, this.scroller, this.welcome, jumpButton, this.announcer);
    this.scroll = new ScrollFollower(this.scroller, jumpButton, onScrollPositionChanged);
  }

  /**
   * Replaces the whole conversation (the host's snapshot). Builds every element off-document and
   * inserts them in one go. If a conversation was on screen, the reading position in it is kept;
   * otherwise `initialPosition` (saved before the view was hidden) is restored.
   */
  reset(messages: readonly ChatMessageView[], initialPosition: ScrollPosition): void {
    const started = performance.now();
    const position = this.entries.size > 0 ? this.scroll.position() : initialPosition;
    for (const entry of this.entries.values()) {
      this.scroll.unobserve(entry.element);
    }
    this.entries.clear();
    this.streaming.clear();
    this.deferred = [];
    const fragment = document.createDocumentFragment();
    // Rendered at once: the newest messages, and those around the message being read, so the
    // restored position lands on the same text.
    const eagerFrom = messages.length - eagerSnapshotMessages;
    const anchor = position === 'bottom' ? -1 : messages.findIndex((m) => m.id === position.messageId);
    const nearAnchor = (index: number) => anchor >= 0 && index >= anchor - 4 && index < anchor + 16;
    messages.forEach((message, index) => {
      fragment.append(this.createEntry(message, index < eagerFrom && !nearAnchor(index)).element);
    });
    this.deferred.reverse();
    this.scroller.replaceChildren(fragment);
    this.updateWelcome();
    this.scroll.restore(position, position === 'bottom' ? undefined : this.entries.get(position.messageId)?.element);
    this.scheduleDeferred();
    this.scheduler.request();
    notifySnapshotRendered({ messages: messages.length, durationMs: performance.now() - started });
  }

  add(message: ChatMessageView): void {
    this.remove(message.id);
    const entry = this.createEntry(message);
    this.scroller.append(entry.element);
    this.updateWelcome();
    if (message.role === 'user') {
      // The user just asked: show the question and the answer that follows, wherever they were.
      this.scroll.follow();
    } else if (message.status === 'streaming') {
      this.announce(t('answering'));
    }
    this.scheduler.request();
  }

  appendDelta(messageId: string, text: string): void {
    const entry = this.entries.get(messageId);
    if (entry?.stream) {
      entry.stream.append(text);
      this.scheduler.request();
    }
  }

  finish(messageId: string, status: MessageStatus, problem: ProblemView | undefined): void {
    const entry = this.entries.get(messageId);
    if (!entry) {
      return;
    }
    if (entry.stream) {
      entry.stream.finish();
      entry.stream = undefined;
      this.streaming.delete(entry);
    }
    this.decorate(entry, status, problem);
    if (entry.role === 'assistant' && status !== 'streaming') {
      this.announce(this.finishedAnnouncement(entry, status, problem));
    }
    this.scheduler.request();
  }

  /** Ends every answer still streaming with `problem`: nothing more will come for them. */
  interruptStreaming(problem: ProblemView): void {
    for (const entry of [...this.streaming]) {
      this.finish(entry.id, 'stopped', problem);
    }
  }

  /** A message's element, for features that add to it (models.ts). */
  elementFor(messageId: string): HTMLElement | undefined {
    return this.entries.get(messageId)?.element;
  }

  remove(messageId: string): void {
    const entry = this.entries.get(messageId);
    if (!entry) {
      return;
    }
    entry.element.remove();
    this.scroll.unobserve(entry.element);
    this.entries.delete(messageId);
    this.streaming.delete(entry);
    this.updateWelcome();
  }

  private createEntry(message: ChatMessageView, deferMarkdown = false): Entry {
    const body = element('div', { className: 'message-body' });
    // `data-speaker` is the "You" / "Azure OpenAI" label the CSS draws (and screen readers read);
    // tabindex -1: the keyboard moves between messages with the arrows (keyboardNavigation.ts).
    const root = element(
      'div',
      { className: `message ${message.role}`, attributes: { 'data-id': message.id, role: 'listitem', tabindex: '-1', 'data-speaker': t(message.role === 'user' ? 'you' : 'assistant') } },
      body,
    );
    const entry: Entry = { id: message.id, role: message.role, element: root, body, stream: undefined, deferredText: undefined };
    if (message.role === 'user') {
      body.textContent = message.text;
    } else {
      body.classList.add('markdown');
      if (deferMarkdown && message.status !== 'streaming') {
        body.classList.add('deferred');
        body.textContent = message.text;
        entry.deferredText = message.text;
        this.deferred.push(entry);
      } else if (message.status === 'streaming') {
        entry.stream = new StreamingMessage(body, message.id);
        entry.stream.append(message.text);
        entry.stream.paint();
        this.streaming.add(entry);
      } else {
        body.innerHTML = renderMarkdown(message.text);
      }
    }
    this.entries.set(message.id, entry);
    this.scroll.observe(root);
    this.decorate(entry, message.status, message.problem);
    return entry;
  }

  /** Status attributes, the problem block and notes: everything that depends on how it ended. */
  private decorate(entry: Entry, status: MessageStatus, problem: ProblemView | undefined): void {
    const root = entry.element;
    root.dataset.status = status;
    const streaming = status === 'streaming';
    root.setAttribute('aria-busy', String(streaming));
    root.classList.toggle('awaiting', streaming && (entry.stream?.length ?? 0) === 0);
    for (const old of root.querySelectorAll(':scope > .problem, :scope > .message-note')) {
      old.remove();
    }
    if (problem) {
      root.append(renderProblem(problem));
    } else if (status === 'stopped') {
      root.append(element('div', { className: 'message-note', text: t('stopped') }));
    } else if (status === 'error') {
      root.append(element('div', { className: 'message-note error', text: t('answerFailed') }));
    }
  }

  private paintFrame(): void {
    for (const entry of this.streaming) {
      const stream = entry.stream;
      if (stream?.needsPaint) {
        stream.paint();
        if (stream.length > 0) {
          entry.element.classList.remove('awaiting');
        }
      }
    }
    if (this.scroll.afterContentChanged()) {
      this.scheduler.request();
    }
  }

  /** Reports where the user reads now, e.g. before the view is hidden. */
  saveScrollPosition(): void {
    this.scroll.savePosition();
  }

  /** Renders deferred markdown in idle time, a few milliseconds at a time. */
  private scheduleDeferred(): void {
    if (this.idleWork || this.deferred.length === 0) {
      return;
    }
    const work = (deadline?: IdleDeadline): void => {
      if (this.idleWork !== work) {
        return;
      }
      this.idleWork = undefined;
      const until = performance.now() + Math.max(deadline?.timeRemaining() ?? 0, 8);
      let entry: Entry | undefined;
      while (performance.now() < until && (entry = this.deferred.shift())) {
        if (entry.deferredText !== undefined && this.entries.get(entry.id) === entry) {
          entry.body.innerHTML = renderMarkdown(entry.deferredText);
          entry.body.classList.remove('deferred');
          entry.deferredText = undefined;
        }
      }
      this.scheduleDeferred();
    };
    this.idleWork = work;
    whenIdle(work);
  }

  private updateWelcome(): void {
    this.welcome.hidden = this.entries.size > 0;
  }

  /** The answer itself when it completed (as VS Code's chat reads a response), else how it ended. */
  private finishedAnnouncement(entry: Entry, status: Exclude<MessageStatus, 'streaming'>, problem: ProblemView | undefined): string {
    if (status === 'error' && problem) {
      return problem.title;
    }
    const text = (entry.body.textContent ?? '').replace(/\s+/g, ' ').trim();
    if (status !== 'done' || text.length === 0) {
      return t(finishedAnnouncements[status]);
    }
    return t('answerCompleteWithText', text.length > maxAnnouncedLength ? `${text.slice(0, maxAnnouncedLength)}…` : text);
  }

  private announce(text: string): void {
    // Clearing first makes a repeated text ("Answer complete.") be announced again.
    this.announcer.textContent = '';
    requestAnimationFrame(() => {
      this.announcer.textContent = text;
    });
  }
}
