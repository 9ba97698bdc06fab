// Writes a streamed response fast and gives up as soon as the client leaves.
//
// Frames written back to back (no delay) are coalesced into ~64 KiB writes: the bytes on the wire
// are the same, but a 100k-character answer costs a few dozen syscalls instead of tens of
// thousands. Every write respects backpressure (waits for 'drain'), and every wait also ends when
// the connection closes, so a client that aborts never leaves the stand-in writing or sleeping.

import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

const COALESCE_BYTES = 64 * 1024;

export class ResponseWriter {
  private pending = '';
  private readonly abort = new AbortController();
  /** Resolves when the response closed, finished or not. */
  readonly closed: Promise<void>;

  constructor(private readonly res: ServerResponse) {
    this.closed = new Promise((resolve) => res.once('close', () => {
      this.abort.abort();
      resolve();
    }));
  }

  get isClosed(): boolean {
    return this.abort.signal.aborted;
  }

  /** Queues a frame; writes when enough is queued. Returns false once the client is gone. */
  async write(frame: string): Promise<boolean> {
    if (this.isClosed) {return false;}
    this.pending += frame;
    if (this.pending.length >= COALESCE_BYTES) {return this.flush();}
    return true;
  }

  /** Writes what is queued and waits until the socket accepted it (drain). */
  async flush(): Promise<boolean> {
    if (this.isClosed) {return false;}
    if (this.pending) {
      const data = this.pending;
      this.pending = '';
      if (!this.res.write(data)) {await this.waitFor('drain');}
    }
    return !this.isClosed;
  }

  /** Waits, unless the client leaves first. Returns false once the client is gone. */
  async pause(ms: number): Promise<boolean> {
    if (ms <= 0) {return !this.isClosed;}
    try {
      await sleep(ms, undefined, { signal: this.abort.signal });
    } catch {
      // Aborted because the connection closed.
    }
    return !this.isClosed;
  }

  async end(): Promise<void> {
    if (!(await this.flush())) {return;}
    this.res.end();
  }

  /** Cuts the connection after what was written reached the kernel, like a network failure. */
  async drop(): Promise<void> {
    if (this.isClosed) {return;}
    const data = this.pending;
    this.pending = '';
    // The write callback runs once the data is handed to the socket; then wait for the socket's
    // own buffer to empty, so the client really receives everything before the cut.
    if (data) {await Promise.race([new Promise<void>((resolve) => this.res.write(data, () => resolve())), this.closed]);}
    const socket = this.res.socket;
    if (socket && socket.writableLength > 0) {
      await Promise.race([new Promise<void>((resolve) => socket.once('drain', () => resolve())), this.closed]);
    }
    socket?.destroy();
  }

  private waitFor(event: string): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.res.off(event, done);
        this.res.off('close', done);
        resolve();
      };
      this.res.once(event, done);
      this.res.once('close', done);
    });
  }
}
