import type { ConnectionView, FixAction, HostToWebviewMessage, SpendHostMessage, WebviewToHostMessage } from '../common/protocol';
import { DeltaBatcher, fromToolArgumentsKey, toolArgumentsKey } from '../chat/deltaBatcher';
import { Disposable, type IDisposable } from '../common/dispose';
import { type ConnectionTarget, targetKey } from '../config/connectionTarget';
import type { ConnectionChange } from '../connection/connectionManager';
import { AnswerAfterFix } from '../chat/answerAfterFix';
import type { ChatSession, ConversationEvent } from '../chat/chatSession';
import type { OpenConversation } from '../chat/conversationLibrary';
import { messageForWebview } from '../chat/editorContext';
import type { Logger } from '../logging/logger';
import { type ConversationDeps, ConversationController } from './conversationController';
import type { ModelStateProvider } from '../chat/modelState';
import { describeRejected, parseWebviewMessage } from './messageValidation';

function assertNever(value: never): never {
  throw new Error(`Unhandled webview message ${JSON.stringify(value)}`);
}

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
  /** The conversation shown first; with `conversations`, the view can switch to others. */
  readonly session: ChatSession;
  readonly conversationId?: string;
  readonly conversations?: ConversationDeps;
  /** The header state of a target's connection (each view shows its own conversation's). */
  readonly connection: (target: ConnectionTarget | undefined) => Promise<ConnectionView>;
  readonly onDidChangeConnection: (listener: (change: ConnectionChange) => void) => IDisposable;
  /** Runs a fix the user clicked (sign in, open settings, ...) for this view's conversation. Never an arbitrary command. */
  readonly runFix: (action: Exclude<FixAction, 'retry' | 'newChat' | 'continue'>, target: ConnectionTarget | undefined) => void;
  /**
   * A fix the user ran from the command palette: a problem card's text names those commands
   * ("Run Azure OpenAI: Set API Key"), so they count as the card's own button.
   */
  readonly onDidStartFixElsewhere?: (listener: (action: FixAction) => void) => IDisposable;
  readonly openLink: (url: string) => void;
  /** Models: the deployment's reasoning effort control; absent hides it. */
  readonly models?: ModelStateProvider;
  readonly log: Logger;
  /** The webview's script loaded and said `ready` (the test API counts these). */
  readonly onDidBecomeReady?: (kind: WebviewSurface['kind']) => void;
  /** A question from this view was accepted (the walkthrough's "Ask a question" ticks). */
  readonly onDidAsk?: () => void;
  /** The user did something in this view (a validated message other than `ready`). */
  readonly onDidInteract?: () => void;
  /** The header's deployment picker (deployment discovery); absent: the button does nothing. */
  readonly pickDeployment?: (session: ChatSession) => void;
  /** Spend (issue 21): totals, budget warnings, and switching to a deployment offered after a 429. */
  readonly spend?: SpendBinding;
}

/** What a view needs of the spend feature (src/vscode/spend.ts). */
export interface SpendBinding {
  /** The spend line for this view's conversation, posted after every answer and on `ready`. */
  view(session: ChatSession): Promise<Extract<SpendHostMessage, { type: 'spend' }> | undefined>;
  /** A warning when sending `text` would pass the deployment's daily budget; undefined to send. */
  budgetWarning(session: ChatSession, text: string): Promise<Extract<SpendHostMessage, { type: 'budgetWarning' }> | undefined>;
  /** Switches this view's conversation to another deployment of the same model. */
  switchDeployment(session: ChatSession, target: ConnectionTarget): void;
  /** Other views changed the totals (another answer, another extension's request). */
  readonly onDidChange?: (listener: () => void) => IDisposable;
}

/**
 * Connects one webview to the shared chat session. Sends nothing before the webview says
 * `ready`; coalesces streamed text so the webview gets one message per answer per event-loop
 * turn, or per 16 ms when a turn lasts longer (postMessage is never awaited per chunk); sends
 * nothing while hidden and a fresh snapshot when shown again.
 */
export class ChatWebviewBinding extends Disposable {
  private ready = false;
  private stale = false;
  private readonly deltas = this._register(
    new DeltaBatcher((kind, key, text) =>
      // A tool call's argument pieces are coalesced like answer text: an edit's arguments can be a whole file.
      this.post(kind === 'toolArguments' ? { type: 'toolCallDelta', ...fromToolArgumentsKey(key), text } : { type: kind === 'text' ? 'delta' : 'reasoningDelta', messageId: key, text }),
    ),
  );
  private lastConnection: ConnectionView = { state: 'checking', label: 'Checking sign-in…', deployment: '' };
  /** Re-asks a question that ended on a problem card once that card's fix worked. */
  private readonly answerAfterFix: AnswerAfterFix;
  private session: ChatSession;
  private sessionListener: IDisposable;
  /** Conversations feature: which conversation this view shows, history, context, code actions. */
  readonly conversations: ConversationController | undefined;

  constructor(
    private readonly surface: WebviewSurface,
    private readonly deps: BindingDeps,
  ) {
    super();
    this.session = deps.session;
    this.sessionListener = deps.session.onDidChange((event) => this.forward(event));
    this._register({ dispose: () => this.sessionListener.dispose() });
    if (deps.conversations) {
      const view = { post: (message: HostToWebviewMessage) => this.post(message), show: (opened: OpenConversation) => this.show(opened), restoreDraft: (text: string) => this.post({ type: 'restoreDraft', text }) };
      this.conversations = this._register(new ConversationController(deps.conversations, view, { id: deps.conversationId ?? '', session: deps.session }));
    }
    this._register(surface.onDidReceiveMessage((raw) => this.receive(raw)));
    this._register(
      deps.onDidChangeConnection((change) => {
        if (change.key === targetKey(this.session.deployment)) {
          this.lastConnection = change.view;
          this.post({ type: 'connection', connection: change.view });
          void this.sendModelState();
        }
      }),
    );
    // After the header learned of the new connection, so the view shows "Signed in" first.
    this.answerAfterFix = this._register(
      new AnswerAfterFix({
        session: () => this.session,
        onDidChangeConnection: (listener) => deps.onDidChangeConnection((change) => change.key === targetKey(this.session.deployment) && listener(change.view)),
      }),
    );
    if (deps.spend?.onDidChange) {
      this._register(deps.spend.onDidChange(() => this.ready && this.surface.visible && void this.sendSpend()));
    }
    if (deps.onDidStartFixElsewhere) {
      this._register(deps.onDidStartFixElsewhere((action) => this.answerAfterFix.fixStarted(action)));
    }
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
    if (message.type !== 'ready') {
      // A view that merely (re)loaded says `ready`; that is not the user turning to it.
      this.deps.onDidInteract?.();
    }
    this.handle(message);
  }

  /** Shows another conversation in this view (conversations feature). */
  private show(opened: OpenConversation): void {
    this.sessionListener.dispose();
    this.session = opened.session;
    this.sessionListener = opened.session.onDidChange((event) => this.forward(event));
    this.deltas.clear();
    void this.sendSnapshot();
  }

  private handle(message: WebviewToHostMessage): void {
    const { session } = this;
    switch (message.type) {
      case 'ready':
        this.deps.log.info(`Chat ${this.surface.kind ?? 'webview'} ready`);
        this.ready = true;
        this.deps.onDidBecomeReady?.(this.surface.kind);
        void this.sendSnapshot();
        break;
      case 'send':
        if (this.deps.spend) {
          void this.sendWithinBudget(message.text);
        } else {
          void this.sendQuestion(message.text);
        }
        break;
      case 'stop':
        void session.stop();
        break;
      case 'retry':
        session.retry(message.messageId);
        break;
      case 'newChat':
        if (this.conversations) {
          this.conversations.newChat();
        } else {
          void session.clear();
        }
        break;
      case 'fix':
        if (message.action === 'retry') {
          const last = session.messages.at(-1);
          if (last) {
            session.retry(last.id);
          }
        } else if (message.action === 'continue') {
          // The tool loop paused at its step limit: let the last answer go on.
          const last = session.messages.at(-1);
          if (last) {
            session.continueAnswer(last.id);
          }
        } else if (message.action === 'newChat') {
          // A conversation too long for the model: start another one, keeping this one in the history.
          this.handle({ type: 'newChat' });
        } else {
          this.answerAfterFix.fixStarted(message.action);
          this.deps.runFix(message.action, session.deployment);
        }
        break;
      case 'openLink':
        this.deps.openLink(message.url);
        break;
      // Conversations feature.
      case 'openConversation':
      case 'listConversations':
      case 'renameConversation':
      case 'deleteConversation':
      case 'undoDelete':
      case 'exportConversation':
      case 'insertCode':
      case 'openCode':
      case 'attachActiveFile':
      case 'attachFiles':
      case 'attachUris':
      case 'removeAttachment':
      case 'resend':
      case 'copyAnswer':
        this.conversations?.handle(message);
        break;
      case 'pickDeployment':
        this.deps.pickDeployment?.(this.session);
        break;
      case 'setReasoningEffort':
        void this.deps.models?.setEffort(session.deployment, message.effort === 'default' ? undefined : message.effort).then(() => this.sendModelState());
        break;
      case 'ping':
        // Answered with `pong` by chatWebview.ts before a message reaches the binding.
        break;
      case 'switchDeployment':
        this.deps.spend?.switchDeployment(session, { endpoint: message.endpoint, deployment: message.deployment });
        break;
      case 'sendOverBudget':
        void this.sendQuestion(message.text);
        break;
      default:
        // A message type added to the protocol without a case here does not compile.
        return assertNever(message);
    }
  }

  /** Spend: asks first when the question would pass the deployment's daily budget. */
  private async sendWithinBudget(text: string): Promise<void> {
    const warning = await this.deps.spend?.budgetWarning(this.session, text).catch(() => undefined);
    if (warning) {
      this.post(warning);
      this.post({ type: 'restoreDraft', text });
      return;
    }
    await this.sendQuestion(text);
  }

  private async sendQuestion(text: string): Promise<void> {
    const sent = this.conversations ? await this.conversations.send(text) : this.session.send(text);
    if (sent) {
      this.deps.onDidAsk?.();
    } else {
      // Busy, or the secret warning was cancelled: give the question back rather than lose it.
      this.post({ type: 'restoreDraft', text });
    }
  }

  private async sendSpend(): Promise<void> {
    const spend = await this.deps.spend?.view(this.session).catch(() => undefined);
    if (spend) {
      this.post(spend);
    }
  }

  private forward(event: ConversationEvent): void {
    if (!this.ready) {
      return;
    }
    if (!this.surface.visible) {
      // A hidden webview gets a snapshot when it is shown; streaming into it is wasted work.
      this.stale = true;
      this.deltas.clear();
      return;
    }
    switch (event.type) {
      case 'delta':
        this.deltas.add('text', event.messageId, event.text);
        return;
      case 'reasoningDelta':
        this.deltas.add('reasoning', event.messageId, event.text);
        return;
      case 'toolCallDelta':
        this.deltas.add('toolArguments', toolArgumentsKey(event.messageId, event.callId), event.text);
        return;
      case 'cleared':
        this.deltas.clear();
        void this.sendSnapshot();
        return;
      case 'deploymentChanged':
        // This view's conversation now has another target: show that target's connection.
        void this.sendConnection();
        void this.sendModelState();
        return;
      case 'messageAdded':
        this.flushDeltas();
        // Attachments travel as names and sizes, never their content.
        this.post({ type: 'messageAdded', message: messageForWebview(event.message) });
        return;
      default:
        // Everything else is already in the protocol's shape. What is held goes first, so the
        // view never sees an answer end before its last text.
        this.flushDeltas();
        this.post(event);
        if (event.type === 'messageFinished') {
          // The answer may have taught what the model is (and so which efforts it takes).
          void this.sendModelState();
          void this.sendSpend();
        }
        return;
    }
  }

  private flushDeltas(): void {
    if (!this.isDisposed) {
      this.deltas.flush();
    }
  }

  private async sendModelState(): Promise<void> {
    if (this.deps.models && this.ready) {
      const state = await this.deps.models.state(this.session.deployment);
      this.post(state ? { type: 'modelState', state } : { type: 'modelState' });
    }
  }

  private async sendSnapshot(): Promise<void> {
    if (!this.surface.visible) {
      this.stale = true;
      return;
    }
    this.stale = false;
    this.deltas.clear();
    // Messages first, so a slow sign-in check never delays showing the conversation.
    const { session } = this;
    this.conversations?.postState();
    this.post({ type: 'snapshot', messages: session.snapshot().map(messageForWebview), connection: this.lastConnection, busy: session.busy });
    const startsAt = session.sendingStartsAt;
    if (startsAt) {
      this.post({ type: 'sendingStartsAt', messageId: startsAt });
    }
    void this.sendModelState();
    void this.sendSpend();
    await this.sendConnection();
  }

  /** The header state of this view's conversation's target. */
  private async sendConnection(): Promise<void> {
    const target = this.session.deployment;
    const connection = await this.deps.connection(target);
    // The view may have switched conversation (or target) while this was resolving.
    if (targetKey(this.session.deployment) === targetKey(target) && JSON.stringify(connection) !== JSON.stringify(this.lastConnection)) {
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
