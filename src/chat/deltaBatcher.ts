/**
 * Coalesces streamed pieces (answer text, reasoning summary) per message, for whoever writes
 * them somewhere costly: the webview binding (one postMessage per answer per frame) and the
 * journal (one line per answer per turn). Written once, so the two cannot drift apart.
 *
 * A batch is handed over at the end of the event-loop turn, or after `maxHoldMs` when a turn
 * lasts longer: a fast stream is parsed in promise callbacks that never yield to the event
 * loop, so the turn's end can be seconds away. Reasoning is handed over before text, as it is
 * shown above the answer and comes before it.
 */
import type { IDisposable } from '../common/dispose';

/** `toolArguments`: a streaming tool call's argument pieces, keyed by `toolArgumentsKey`. */
export type DeltaKind = 'reasoning' | 'text' | 'toolArguments';

/** The batcher's key for one tool call's arguments (its message and call), and back. */
export function toolArgumentsKey(messageId: string, callId: string): string {
  return JSON.stringify([messageId, callId]);
}
export function fromToolArgumentsKey(key: string): { messageId: string; callId: string } {
  const [messageId, callId] = JSON.parse(key) as [string, string];
  return { messageId, callId };
}

/** About one display frame. */
export const defaultMaxHoldMs = 16;

export class DeltaBatcher implements IDisposable {
  private readonly pending: Record<DeltaKind, Map<string, string>> = { reasoning: new Map(), text: new Map(), toolArguments: new Map() };
  private scheduled: ReturnType<typeof setImmediate> | undefined;
  /** When the oldest pending piece arrived (performance.now()). */
  private heldSince = 0;
  private disposed = false;

  constructor(
    private readonly deliver: (kind: DeltaKind, messageId: string, text: string) => void,
    private readonly maxHoldMs = defaultMaxHoldMs,
  ) {}

  add(kind: DeltaKind, messageId: string, text: string): void {
    if (this.disposed) {
      return;
    }
    const map = this.pending[kind];
    map.set(messageId, (map.get(messageId) ?? '') + text);
    if (!this.scheduled) {
      this.heldSince = performance.now();
      this.scheduled = setImmediate(() => this.flush());
    } else if (performance.now() - this.heldSince >= this.maxHoldMs) {
      this.flush();
    }
  }

  /** Hands over everything held, reasoning first. */
  flush(): void {
    if (this.scheduled) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    for (const kind of ['reasoning', 'text', 'toolArguments'] as const) {
      const map = this.pending[kind];
      if (map.size === 0) {
        continue;
      }
      const batch = [...map];
      map.clear();
      for (const [messageId, text] of batch) {
        this.deliver(kind, messageId, text);
      }
    }
  }

  /** Drops everything held (a snapshot replaces it). */
  clear(): void {
    if (this.scheduled) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    this.pending.reasoning.clear();
    this.pending.text.clear();
    this.pending.toolArguments.clear();
  }

  dispose(): void {
    this.clear();
    this.disposed = true;
  }
}
