/**
 * Where the conversation is scrolled: at the bottom, following a growing answer, until the user
 * scrolls up to read; back at the bottom, following again. Also finds and restores the reading
 * position (a message and an offset into it) across snapshots and hidden views.
 *
 * Following is kept by layout, not by the code that changes the content: a ResizeObserver on
 * every message (and on the view) scrolls back to the bottom after ANY change of height, in the
 * frame it happens, before it is painted. Heights change long after the last delta: chunks of
 * finished blocks skipped by `content-visibility` get their real height only once they are near
 * the view, the final check re-renders a whole answer (at once, or in idle time), deferred
 * markdown of older messages renders in idle time. Scrolling from the frame callback alone left
 * the view thousands of pixels above the end of a fast answer.
 */
import type { ScrollPosition } from './vscodeApi';

/** Within this many pixels of the end counts as "at the bottom" (sub-pixel layouts, rounding). */
const bottomSlackPx = 24;
/** Scrolling within this long after the user scrolled with wheel, touch, keys or scrollbar is theirs. */
const userScrollWindowMs = 600;
const savePositionAfterMs = 250;
/**
 * Frames in which a restored position is re-applied: messages skipped by content-visibility get
 * their real height only in the frames after they are inserted.
 */
const settleFrames = 3;
/** Keys that scroll the conversation up (when it has focus). */
const scrollUpKeys = new Set(['ArrowUp', 'PageUp', 'Home']);

export class ScrollFollower {
  private following = true;
  /** When the user last did something that scrolls up: wheel up, touch, keys, the scrollbar. */
  private lastUserScroll = -Infinity;
  private lastScrollTop = 0;
  private readonly resizes: ResizeObserver;
  private pinned: { readonly element: HTMLElement; readonly offset: number } | undefined;
  private settling = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly scroller: HTMLElement,
    private readonly jumpButton: HTMLButtonElement,
    private readonly onPositionChanged: (position: ScrollPosition) => void,
  ) {
    scroller.addEventListener('scroll', this.onScroll, { passive: true });
    // Only input that scrolls up can leave the bottom. A click on an answer (selecting text,
    // Copy, a link) is not scrolling, and must not stop the following.
    const noteUserScroll = () => {
      this.lastUserScroll = performance.now();
      this.pinned = undefined;
    };
    // Wheel and keys say which way at once: stop following before a layout change in the same
    // frame could pull the view back down (when there is anywhere up to go).
    const scrollUp = () => {
      noteUserScroll();
      if (scroller.scrollTop > 0) {
        this.following = false;
      }
    };
    scroller.addEventListener('wheel', (event) => event.deltaY < 0 && scrollUp(), { passive: true });
    scroller.addEventListener('touchmove', noteUserScroll, { passive: true });
    scroller.addEventListener('keydown', (event) => (scrollUpKeys.has(event.key) || (event.key === ' ' && event.shiftKey)) && scrollUp(), {
      passive: true,
    });
    // The scroll bar belongs to the scroller itself; its content gets its own pointer events.
    scroller.addEventListener('pointerdown', (event) => event.target === scroller && noteUserScroll(), { passive: true });
    jumpButton.addEventListener('click', () => {
      this.follow();
      scroller.focus({ preventScroll: true });
    });
    // The view resized (a narrower view wraps text into more lines), or a message changed height.
    this.resizes = new ResizeObserver(() => this.afterLayoutChanged());
    this.resizes.observe(scroller);
  }

  /** Keeps following through height changes of this message (see the file comment). */
  observe(message: HTMLElement): void {
    this.resizes.observe(message);
  }

  unobserve(message: HTMLElement): void {
    this.resizes.unobserve(message);
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

  private afterLayoutChanged(): void {
    const s = this.scroller;
    if (this.following) {
      if (s.scrollHeight - s.scrollTop - s.clientHeight > 1) {
        this.scrollToBottom();
      }
    } else if (this.pinned && this.settling > 0) {
      this.scroller.scrollTop = this.pinned.element.offsetTop + this.pinned.offset;
    }
    this.updateJumpButton();
  }

  /**
   * Only the user stops the following: layout changes (content-visibility sizing, scroll
   * anchoring) move scrollTop too, and must not leave a growing answer behind.
   */
  private readonly onScroll = (): void => {
    const top = this.scroller.scrollTop;
    const movedUp = top < this.lastScrollTop;
    this.lastScrollTop = top;
    if (this.isAtBottom()) {
      this.following = true;
    } else if (movedUp && performance.now() - this.lastUserScroll < userScrollWindowMs) {
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
    this.lastScrollTop = this.scroller.scrollTop;
  }

  private updateJumpButton(): void {
    this.jumpButton.hidden = this.following || this.isAtBottom();
  }
}
