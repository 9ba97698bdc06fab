import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { appendFile, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';

/**
 * A file of lines that several windows (processes) append to and read, and that may be
 * compacted without losing a line. Every append and every compaction happens under one lock
 * file (`<path>.lock`, created with O_EXCL), so a compaction's rewrite (write a temporary file,
 * rename it over) never races an append: an append either lands before the compaction read
 * the file, or after the rename, in the new file. Readers take no lock: they read by byte
 * offset and notice a compaction by the file's identity (inode) changing, then read it anew.
 *
 * A lock left by a process that died (killed mid-append) is recovered: the lock names its
 * process and host; on this host a dead process's lock is removed at once, any other after
 * `staleLockMs`.
 */
export class AppendLog {
  private offset = 0;
  private identity: string | undefined;
  private readonly queue: string[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    readonly path: string,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Lines appended by this process that are not yet in the file (a reader that starts over re-applies them). */
  get pending(): readonly string[] {
    return this.queue;
  }

  /** Bytes of the file read so far. */
  get bytesRead(): number {
    return this.offset;
  }

  /** Queues whole lines (without their newline) to be appended, in order, in one locked write. */
  append(...lines: string[]): Promise<void> {
    this.queue.push(...lines);
    return this.flush();
  }

  /** Resolves when everything appended so far is in the file. */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.writing) {
      if (!this.writing) {
        this.writing = this.writeQueued().finally(() => {
          this.writing = undefined;
        });
      }
      await this.writing;
    }
  }

  /**
   * What was appended since the last read: whole lines only (another process may be writing the
   * last one). `reset` when the file was replaced or shrank: `lines` are then the whole file.
   */
  async readNew(): Promise<{ readonly reset: boolean; readonly lines: string[] }> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        const reset = this.offset > 0;
        this.offset = 0;
        this.identity = undefined;
        return { reset, lines: [] };
      }
      throw error;
    }
    try {
      const info = await handle.stat();
      const identity = `${info.dev}:${info.ino}`;
      let reset = false;
      if (identity !== this.identity || info.size < this.offset) {
        reset = this.identity !== undefined || this.offset > 0;
        this.identity = identity;
        this.offset = 0;
      }
      if (info.size <= this.offset) {
        return { reset, lines: [] };
      }
      const buffer = Buffer.alloc(info.size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      const end = buffer.subarray(0, bytesRead).lastIndexOf(0x0a) + 1;
      this.offset += end;
      return { reset, lines: splitLines(buffer.subarray(0, end).toString('utf8')) };
    } finally {
      await handle.close();
    }
  }

  /**
   * Rewrites the file as `rewrite` turns its lines, under the lock, atomically (temporary file,
   * then rename). Returns false when the lock could not be had (the file is left as it is).
   */
  async compact(rewrite: (lines: string[]) => string[]): Promise<boolean> {
    await this.flush();
    return this.locked(async () => {
      let content: string;
      try {
        content = await readFile(this.path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return;
        }
        throw error;
      }
      // A torn last line (its writer died mid-write) is dropped: it was never a whole entry.
      const whole = content.slice(0, content.lastIndexOf('\n') + 1);
      const rewritten = rewrite(splitLines(whole));
      const temporary = `${this.path}.compact-${process.pid}-${randomUUID().slice(0, 8)}`;
      await writeFile(temporary, rewritten.map((line) => `${line}\n`).join(''), { flag: 'wx' });
      await rename(temporary, this.path);
    });
  }

  /**
   * Keeps only the last line of each key (the text before the first tab); lines without a tab
   * are tombstones that drop their key. Works on bytes, so a large file is never a large string.
   */
  async compactLastWins(): Promise<boolean> {
    await this.flush();
    return this.locked(async () => {
      let content: Buffer;
      try {
        content = await readFile(this.path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return;
        }
        throw error;
      }
      const last = new Map<string, readonly [number, number]>();
      for (let start = 0, end = content.indexOf(0x0a); end >= 0; start = end + 1, end = content.indexOf(0x0a, start)) {
        const tab = content.indexOf(0x09, start);
        const key = content.toString('utf8', start, tab >= 0 && tab < end ? tab : end);
        last.delete(key); // Re-inserted at its latest place: the rewrite keeps the file's order.
        if (tab >= 0 && tab < end) {
          last.set(key, [start, end + 1]);
        }
      }
      const temporary = `${this.path}.compact-${process.pid}-${randomUUID().slice(0, 8)}`;
      const handle = await open(temporary, 'wx');
      try {
        for (const [start, end] of last.values()) {
          await handle.write(content, start, end - start);
        }
      } finally {
        await handle.close();
      }
      await rename(temporary, this.path);
    });
  }

  /**
   * Runs `action` holding the lock; false when the lock could not be had within `waitMs`. The
   * action appends with `appendNow` (the queue's `append` would wait for the lock it holds).
   */
  async locked(action: (appendNow: (lines: readonly string[]) => Promise<void>) => Promise<void>, waitMs = 10_000): Promise<boolean> {
    const lockPath = `${this.path}.lock`;
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await writeFile(lockPath, `${process.pid} ${hostname()} ${Date.now()}`, { flag: 'wx' });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw error;
        }
      }
      if (await removeIfStale(lockPath)) {
        continue;
      }
      if (Date.now() - started > waitMs) {
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, 2 + attempt)));
    }
    try {
      await action((lines) => appendFile(this.path, lines.map((line) => `${line}\n`).join('')));
    } finally {
      await unlink(lockPath).catch(() => undefined);
    }
    return true;
  }

  private async writeQueued(): Promise<void> {
    const lines = this.queue.slice();
    try {
      const done = await this.locked((appendNow) => appendNow(lines));
      if (!done) {
        throw new Error(`${this.path} stayed locked by another window`);
      }
      this.queue.splice(0, lines.length);
    } catch (error) {
      // Kept queued: the next append tries again, and nothing is written out of order.
      this.onError(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }
}

/** A lock older than this is taken over even when its owner cannot be checked (another host). */
const staleLockMs = 60_000;

async function removeIfStale(lockPath: string): Promise<boolean> {
  let content: string;
  let modified: number;
  try {
    [content, modified] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath).then((info) => info.mtimeMs)]);
  } catch {
    return true; // Gone meanwhile: try again at once.
  }
  const [pid, host] = content.split(' ');
  const age = Date.now() - modified;
  // A lock being written has no content yet: give its writer a moment. A live owner on this
  // host keeps its lock however long it takes; another host's owner cannot be checked.
  const stale = content === '' ? age > 1000 : host === hostname() ? !isAlive(Number(pid)) : age > staleLockMs;
  if (!stale) {
    return false;
  }
  // Move it aside under a unique name first, so two recoverers cannot remove a fresh lock.
  const aside = `${lockPath}.stale-${process.pid}-${randomUUID().slice(0, 8)}`;
  try {
    await rename(lockPath, aside);
  } catch {
    return true;
  }
  const moved = await readFile(aside, 'utf8').catch(() => '');
  await unlink(aside).catch(() => undefined);
  if (moved !== content) {
    // Someone else's fresh lock was taken by mistake: give it back if the name is free.
    await writeFile(lockPath, moved, { flag: 'wx' }).catch(() => undefined);
  }
  return true;
}

/** Whether a process of this host is running (EPERM: it is, it is just not ours). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function splitLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}
