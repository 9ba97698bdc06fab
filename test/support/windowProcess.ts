/**
 * Starts a store window process (storeWindow.ts) and talks to it: one command, one reply, in
 * order. Used by the multi-window unit tests and by the soak in the benchmark.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { WindowCommand } from './storeWindow';

export class WindowProcess {
  private readonly waiting: ((reply: Record<string, unknown>) => void)[] = [];
  private readonly events: ((event: Record<string, unknown>) => void)[] = [];
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (text) => {
      const value = JSON.parse(text) as Record<string, unknown>;
      if ('event' in value) {
        this.events.forEach((listener) => listener(value));
      } else {
        this.waiting.shift()?.(value);
      }
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async open(folder: string, nowOffsetMs = 0): Promise<WindowProcess> {
    const child = spawn(process.execPath, [join(__dirname, 'storeWindow.js'), '--window'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const window = new WindowProcess(child);
    await window.send({ op: 'open', folder, nowOffsetMs });
    return window;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends a command and resolves with its reply; rejects when the reply is an error. */
  send(command: WindowCommand): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      this.waiting.push((reply) => (typeof reply.error === 'string' ? reject(new Error(`${command.op}: ${reply.error}`)) : resolve(reply)));
      this.child.stdin?.write(`${JSON.stringify(command)}\n`);
    });
  }

  /** Resolves at the next event line the window prints (e.g. an endless answer streaming). */
  nextEvent(): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      const listener = (event: Record<string, unknown>) => {
        this.events.splice(this.events.indexOf(listener), 1);
        resolve(event);
      };
      this.events.push(listener);
    });
  }

  async close(): Promise<void> {
    await this.send({ op: 'close' });
    await this.exited;
  }

  /** Ends the process as a crash or a killed window would: no flushing, no lease removed. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
