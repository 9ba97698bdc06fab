/**
 * Where the conversation is scrolled: at the bottom, following a growing answer, until the user
 * scrolls up to read; back at the bottom, following again. Also finds and restores the reading
 * position (a message and an offset into it) across snapshots and hidden views.
 */
import type { ScrollPosition } from './vscodeApi';

/** Within this many pixels of the end counts as "at the bottom" (sub-pixel layouts, rounding). */
const bottomSlackPx = 24;
/** Scrolling within this long after wheel, touch, key or pointer input is the user's doing. */
const userScrollWindowMs = 600;
const savePositionAfterMs = 250;
/**
 * Frames in which a restored position is re-applied: messages skipped by content-visibility get
 * their real height only in the frames after they are inserted.
 */
const settleFrames = 3;

export class ScrollFollower {
  private following = true;
  private lastUserInput = -Infinity;
  private pinned: { readonly element: HTMLElement; readonly offset: number } | undefined;
  private settling = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly scroller: HTMLElement,
    private readonly jumpButton: HTMLButtonElement,
    private readonly onPositionChanged: (position: ScrollPosition) => void,
  ) {
    scroller.addEventListener('scroll', this.onScroll, { passive: true });
    const noteUserInput = () => {
      this.lastUserInput = performance.now();
      this.pinned = undefined;
    };
    for (const type of ['wheel', 'touchmove', 'keydown', 'pointerdown']) {
      scroller.addEventListener(type, noteUserInput, { passive: true });
    }
    jumpButton.addEventListener('click', () => {
      this.follow();
      scroller.focus({ preventScroll: true });
    });
    // A narrower view wraps text into more lines; stay at the bottom if we were there.
    new ResizeObserver(() => {
      if (this.following) {
        this.scrollToBottom();
      }
    }).observe(scroller);
  }

  /** Go to the bottom and follow it (the user just asked something, or clicked the button). */
  follow(): void {
    this.following = true;
    this.pinned = undefined;
    this.scrollToBottom();
    this.updateJumpButton();
  }

  /**
   * After the content changed (once per frame): keep following the bottom, or hold a restored
   * position while the layout settles. Returns true when it wants to run in the next frame too.
   */
  afterContentChanged(): boolean {
    if (this.following) {
      this.scrollToBottom();
    } else if (this.pinned && this.settling > 0) {
      this.scroller.scrollTop = this.pinned.element.offsetTop + this.pinned.offset;
    }
    this.updateJumpButton();
    if (this.settling > 0) {
      this.settling--;
      return true;
    }
    this.pinned = undefined;
    return false;
  }

  /** The first message in view and how far it is scrolled, found by binary search. */
  position(): ScrollPosition {
    if (this.following || this.isAtBottom()) {
      return 'bottom';
    }
    const top = this.scroller.scrollTop;
    const children = this.scroller.children;
    let low = 0;
    let high = children.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      const child = children[middle] as HTMLElement;
      if (child.offsetTop + child.offsetHeight <= top) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    const first = children[low] as HTMLElement | undefined;
    const messageId = first?.dataset.id;
    return first && messageId !== undefined ? { messageId, offset: top - first.offsetTop } : 'bottom';
  }

  /** Scrolls to a saved position; `target` is the element of its message, if that still exists. */
  restore(position: ScrollPosition, target: HTMLElement | undefined): void {
    this.settling = settleFrames;
    if (position === 'bottom' || !target) {
      this.follow();
      return;
    }
    this.scroller.scrollTop = target.offsetTop + position.offset;
    this.following = this.isAtBottom();
    this.pinned = { element: target, offset: position.offset };
    this.updateJumpButton();
  }

  /** Reports where the user reads now (when scrolling pauses, and before the view hides). */
  savePosition(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.onPositionChanged(this.position());
  }

  /**
   * Only the user stops the following: layout changes (content-visibility sizing, scroll
   * anchoring) move scrollTop too, and must not leave a growing answer behind.
   */
  private readonly onScroll = (): void => {
    if (this.isAtBottom()) {
      this.following = true;
    } else if (performance.now() - this.lastUserInput < userScrollWindowMs) {
      this.following = false;
    }
    this.updateJumpButton();
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.savePosition(), savePositionAfterMs);
  };

  private isAtBottom(): boolean {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight <= bottomSlackPx;
  }

  private scrollToBottom(): void {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  private updateJumpButton(): void {
    this.jumpButton.hidden = this.following || this.isAtBottom();
  }
}
