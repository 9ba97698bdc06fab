import type { ConnectionView, FixAction, HostToWebviewMessage, WebviewToHostMessage } from '../common/protocol';
import { Disposable, type IDisposable } from '../common/dispose';
import type { ChatSession, ConversationEvent } from '../chat/chatSession';
import type { Logger } from '../logging/logger';
import { describeRejected, parseWebviewMessage } from './messageValidation';

/** The parts of a VS Code webview (panel or view) the binding uses; tests pass a fake. */
export interface WebviewSurface {
  /** Which chat this is, for the log. */
  readonly kind?: 'panel' | 'sidebar';
  postMessage(message: HostToWebviewMessage): PromiseLike<boolean>;
  onDidReceiveMessage(listener: (message: unknown) => void): IDisposable;
  readonly visible: boolean;
  onDidChangeVisibility(listener: () => void): IDisposable;
}

export interface BindingDeps {
  readonly session: ChatSession;
  readonly connection: () => Promise<ConnectionView>;
  readonly onDidChangeConnection: (listener: (view: ConnectionView) => void) => IDisposable;
  /** Runs a fix the user clicked (sign in, open settings, ...). Never an arbitrary command. */
  readonly runFix: (action: Exclude<FixAction, 'retry'>) => void;
  readonly openLink: (url: string) => void;
  readonly log: Logger;
}

/** The longest a delta is held back for batching, about one display frame. */
const maxHoldMs = 16;

/**
 * Connects one webview to the shared chat session. Sends nothing before the webview says
 * `ready`; coalesces streamed text so the webview gets one message per answer per event-loop
 * turn, or per 16 ms when a turn lasts longer (postMessage is never awaited per chunk); sends
 * nothing while hidden and a fresh snapshot when shown again.
 */
export class ChatWebviewBinding extends Disposable {
  private ready = false;
  private stale = false;
  private readonly pendingDeltas = new Map<string, string>();
  private flushScheduled: ReturnType<typeof setImmediate> | undefined;
  /** When the oldest pending delta arrived (performance.now()). */
  private heldSince = 0;
  private lastConnection: ConnectionView = { state: 'checking', label: 'Checking sign-in…', deployment: '' };

  constructor(
    private readonly surface: WebviewSurface,
    private readonly deps: BindingDeps,
  ) {
    super();
    this._register(surface.onDidReceiveMessage((raw) => this.receive(raw)));
    this._register(deps.session.onDidChange((event) => this.forward(event)));
    this._register(
      deps.onDidChangeConnection((connection) => {
        this.lastConnection = connection;
        this.post({ type: 'connection', connection });
      }),
    );
    this._register(
      surface.onDidChangeVisibility(() => {
        if (surface.visible && this.stale) {
          void this.sendSnapshot();
        }
      }),
    );
  }

  private receive(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.deps.log.warn(`Dropped an invalid message from the chat webview: ${describeRejected(raw)}`);
      return;
    }
    this.handle(message);
  }

  private handle(message: WebviewToHostMessage): void {
    const { session } = this.deps;
    switch (message.type) {
      case 'ready':
        // Also the signal the in-host tests wait for: the webview's script runs and talks to us.
        this.deps.log.info(`Chat ${this.surface.kind ?? 'webview'} ready`);
        this.ready = true;
        void this.sendSnapshot();
        break;
      case 'send':
        if (!session.send(message.text)) {
          // Busy: give the question back rather than lose it.
          this.post({ type: 'restoreDraft', text: message.text });
        }
        break;
      case 'stop':
        void session.stop();
        break;
      case 'retry':
        session.retry(message.messageId);
        break;
      case 'newChat':
        void session.clear();
        break;
      case 'fix':
        if (message.action === 'retry') {
          const last = session.messages.at(-1);
          if (last) {
            session.retry(last.id);
          }
        } else {
          this.deps.runFix(message.action);
        }
        break;
      case 'openLink':
        this.deps.openLink(message.url);
        break;
    }
  }

  private forward(event: ConversationEvent): void {
    if (!this.ready) {
      return;
    }
    if (!this.surface.visible) {
      // A hidden webview gets a snapshot when it is shown; streaming into it is wasted work.
      this.stale = true;
      this.pendingDeltas.clear();
      return;
    }
    switch (event.type) {
      case 'delta':
        this.pendingDeltas.set(event.messageId, (this.pendingDeltas.get(event.messageId) ?? '') + event.text);
        if (!this.flushScheduled) {
          this.heldSince = performance.now();
          this.flushScheduled = setImmediate(() => this.flushDeltas());
        } else if (performance.now() - this.heldSince >= maxHoldMs) {
          // A fast stream is parsed in promise callbacks that never yield to the event loop, so the
          // turn's end can be seconds away: send what is held now, about once per frame.
          this.flushDeltas();
        }
        return;
      case 'messageAdded':
        this.flushDeltas();
        this.post({ type: 'messageAdded', message: event.message });
        return;
      case 'messageFinished':
        this.flushDeltas();
        this.post(
          event.problem
            ? { type: 'messageFinished', messageId: event.messageId, status: event.status, problem: event.problem }
            : { type: 'messageFinished', messageId: event.messageId, status: event.status },
        );
        return;
      case 'messageRemoved':
        this.post({ type: 'messageRemoved', messageId: event.messageId });
        return;
      case 'cleared':
        this.pendingDeltas.clear();
        void this.sendSnapshot();
        return;
      case 'busy':
        this.post({ type: 'busy', busy: event.busy });
        return;
    }
  }

  private flushDeltas(): void {
    if (this.flushScheduled) {
      clearImmediate(this.flushScheduled);
      this.flushScheduled = undefined;
    }
    if (this.isDisposed) {
      return;
    }
    for (const [messageId, text] of this.pendingDeltas) {
      this.post({ type: 'delta', messageId, text });
    }
    this.pendingDeltas.clear();
  }

  private async sendSnapshot(): Promise<void> {
    if (!this.surface.visible) {
      this.stale = true;
      return;
    }
    this.stale = false;
    this.pendingDeltas.clear();
    // Messages first, so a slow sign-in check never delays showing the conversation.
    const { session } = this.deps;
    this.post({ type: 'snapshot', messages: session.snapshot(), connection: this.lastConnection, busy: session.busy });
    const connection = await this.deps.connection();
    if (connection !== this.lastConnection) {
      this.lastConnection = connection;
      this.post({ type: 'connection', connection });
    }
  }

  private post(message: HostToWebviewMessage): void {
    if (this.ready && !this.isDisposed) {
      void this.surface.postMessage(message).then(undefined, (error: unknown) => {
        this.deps.log.debug(`postMessage to the chat webview failed: ${String(error)}`);
      });
    }
  }
}
