/**
 * Notices an extension host that went away. When it ends (a crash, an extension update, a remote
 * that reconnects), VS Code keeps this webview on screen but nothing listens to it any more, and
 * no message says so. So when the host is silent while an answer is in flight, or after the user
 * did something, the webview asks `ping`; a host that says nothing at all for a while after that
 * is gone. Idle, or while the host talks, nothing is sent. Once lost, it keeps asking for a
 * bounded time, in case the host only hung; when the host answers again, `back` runs.
 */
export interface LivenessEvents {
  /** Post `ping` to the host. */
  ping(): void;
  lost(): void;
  back(): void;
}

export interface LivenessTiming {
  /** While an answer is in flight, or after the user acted, silence this long makes the webview ask. */
  readonly pingAfterSilenceMs: number;
  /** A ping with no message at all from the host this long after it: the host is gone. */
  readonly lostAfterMs: number;
  /** Once lost, ask this often, at most `lostPings` times (then only when the user acts). */
  readonly lostPingIntervalMs: number;
  readonly lostPings: number;
}

/** A stream's chunks come well within a second; a busy host answers a ping within a few. */
export const defaultLivenessTiming: LivenessTiming = {
  pingAfterSilenceMs: 2_000,
  lostAfterMs: 5_000,
  lostPingIntervalMs: 5_000,
  lostPings: 24,
};

export class HostLiveness {
  private lastHeard = performance.now();
  /** When the unanswered ping went out. */
  private pingSentAt: number | undefined;
  private busy = false;
  /** When the user did something the host has not answered yet. */
  private actedAt: number | undefined;
  private isLost = false;
  private lostPingsSent = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly events: LivenessEvents,
    private readonly timing: LivenessTiming = defaultLivenessTiming,
  ) {}

  get lost(): boolean {
    return this.isLost;
  }

  /** Any message from the host: it is there. */
  heard(): void {
    this.lastHeard = performance.now();
    this.pingSentAt = undefined;
    this.actedAt = undefined;
    if (this.isLost) {
      this.isLost = false;
      this.events.back();
    }
    this.schedule();
  }

  /** Whether an answer is in flight: while one is, silence is suspicious. */
  setBusy(busy: boolean): void {
    this.busy = busy;
    this.schedule();
  }

  /** The user did something the host acts on: if the host stays silent, ask whether it is there. */
  check(): void {
    if (this.isLost) {
      // Asked now: the user waits for this.
      this.lostPingsSent = 0;
      this.events.ping();
      this.schedule();
    } else if (this.actedAt === undefined) {
      this.actedAt = performance.now();
      this.schedule();
    }
  }

  private ping(): void {
    this.pingSentAt = performance.now();
    this.events.ping();
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.isLost) {
      if (this.lostPingsSent < this.timing.lostPings) {
        this.timer = setTimeout(() => {
          this.lostPingsSent++;
          this.events.ping();
          this.schedule();
        }, this.timing.lostPingIntervalMs);
      }
    } else if (this.pingSentAt !== undefined) {
      this.timer = setTimeout(() => this.expire(), this.pingSentAt + this.timing.lostAfterMs - performance.now());
    } else if (this.busy || this.actedAt !== undefined) {
      const since = Math.min(this.busy ? this.lastHeard : Infinity, this.actedAt ?? Infinity);
      this.timer = setTimeout(() => this.pingIfSilent(), since + this.timing.pingAfterSilenceMs - performance.now());
    }
  }

  private expire(): void {
    this.timer = undefined;
    if (this.pingSentAt !== undefined && performance.now() - this.pingSentAt >= this.timing.lostAfterMs) {
      this.pingSentAt = undefined;
      this.isLost = true;
      this.lostPingsSent = 0;
      this.events.lost();
    }
    this.schedule();
  }

  private pingIfSilent(): void {
    this.timer = undefined;
    const now = performance.now();
    const silent = now - this.lastHeard >= this.timing.pingAfterSilenceMs;
    const unanswered = this.actedAt !== undefined && now - this.actedAt >= this.timing.pingAfterSilenceMs;
    if ((this.busy && silent) || unanswered) {
      this.actedAt = undefined;
      this.ping();
    } else {
      this.schedule();
    }
  }
}
