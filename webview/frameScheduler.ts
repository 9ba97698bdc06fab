/**
 * Runs one callback at most once per animation frame, however many times it is requested.
 *
 * Deltas can arrive many times per frame; rendering on each would waste work the user never
 * sees. requestAnimationFrame does not fire while the webview is hidden (VS Code keeps
 * receiving and applying messages then), so a timer backs every request up: whichever fires
 * first runs the callback and cancels the other.
 */
export class FrameScheduler {
  private frame: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly callback: () => void,
    /** How long to wait when no frame comes, e.g. while hidden. */
    private readonly fallbackMs = 200,
  ) {}

  request(): void {
    if (this.frame !== undefined || this.timer !== undefined) {
      return;
    }
    if (!document.hidden) {
      this.frame = requestAnimationFrame(this.run);
    }
    this.timer = setTimeout(this.run, this.fallbackMs);
  }

  /** Runs a pending callback now, e.g. before the state it would paint changes shape. */
  flush(): void {
    if (this.frame !== undefined || this.timer !== undefined) {
      this.run();
    }
  }

  private readonly run = (): void => {
    if (this.frame !== undefined) {
      cancelAnimationFrame(this.frame);
      this.frame = undefined;
    }
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.callback();
  };
}
