/**
 * The webview's only way out: VS Code's API object, acquired once (a second call throws), with a
 * `post` that accepts only protocol messages, and the small UI state VS Code keeps for us while
 * the view is hidden (the conversation itself comes back from the host in a snapshot).
 */
import type { WebviewToHostMessage } from '../src/common/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** Where the user was reading: the list's bottom, or a message and how far into it. */
export type ScrollPosition = 'bottom' | { readonly messageId: string; readonly offset: number };

export interface UiState {
  readonly draft: string;
  readonly scroll: ScrollPosition;
}

const emptyState: UiState = { draft: '', scroll: 'bottom' };

/** setState sends the whole state to VS Code; typing must not do that on every key. */
const stateWriteIntervalMs = 300;

export class Host {
  private readonly api = acquireVsCodeApi();
  private state: UiState = readState(this.api.getState());
  private unsaved = false;
  private lastWrite = -Infinity;
  private writeTimer: ReturnType<typeof setTimeout> | undefined;

  post(message: WebviewToHostMessage): void {
    this.api.postMessage(message);
  }

  get uiState(): UiState {
    return this.state;
  }

  /** Keeps the change now; writes it to VS Code at once or, if one was just written, shortly. */
  saveState(change: Partial<UiState>): void {
    this.state = { ...this.state, ...change };
    this.unsaved = true;
    const wait = this.lastWrite + stateWriteIntervalMs - performance.now();
    if (wait <= 0) {
      this.flushState();
    } else {
      this.writeTimer ??= setTimeout(() => this.flushState(), wait);
    }
  }

  /** Writes pending state now: the view is being hidden and may not come back with this page. */
  flushState(): void {
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    if (this.unsaved) {
      this.unsaved = false;
      this.lastWrite = performance.now();
      this.api.setState(this.state);
    }
  }
}

/** State written by an older version of this webview may have another shape. */
function readState(saved: unknown): UiState {
  if (typeof saved !== 'object' || saved === null) {
    return emptyState;
  }
  const { draft, scroll } = saved as Record<string, unknown>;
  return {
    draft: typeof draft === 'string' ? draft : '',
    scroll: isScrollPosition(scroll) ? scroll : 'bottom',
  };
}

function isScrollPosition(value: unknown): value is ScrollPosition {
  if (value === 'bottom') {
    return true;
  }
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const { messageId, offset } = value as Record<string, unknown>;
  return typeof messageId === 'string' && typeof offset === 'number' && Number.isFinite(offset);
}
