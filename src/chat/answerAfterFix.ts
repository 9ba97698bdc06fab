import type { ConnectionView, FixAction } from '../common/protocol';
import { Disposable, type IDisposable } from '../common/dispose';
import type { ChatSession } from './chatSession';

/**
 * Fixes that change what the connection is made of. When one of them works, the connection
 * resolves to `ready` again: that is how success is detected, whatever the fix was (a Microsoft
 * sign-in with its consent dialog, a key typed into an input box, settings edited by hand).
 * Retry and Show Log change nothing there.
 */
const connectionFixes: ReadonlySet<FixAction> = new Set<FixAction>(['signIn', 'setApiKey', 'setSubscriptionKey', 'openSettings']);

export interface AnswerAfterFixDeps {
  /** The session the view shows now (a view can switch conversations). */
  readonly session: () => ChatSession;
  readonly onDidChangeConnection: (listener: (view: ConnectionView) => void) => IDisposable;
}

/**
 * A question asked before the chat could reach Azure ends with a problem card ("Sign in to chat
 * with Azure OpenAI", "Set an API key", ...). When the user starts that card's fix from the chat
 * and the connection then becomes ready, the question is asked again, so it is answered without
 * being typed twice and the card (an answer with no text) goes away.
 *
 * Only the latest answer is re-asked, only once per fix, and only if nothing else was asked in
 * between: a fix must never send a question the user has moved on from.
 */
export class AnswerAfterFix extends Disposable {
  /** The failed answer whose fix the user started, until the connection is ready. */
  private waiting: string | undefined;

  constructor(private readonly deps: AnswerAfterFixDeps) {
    super();
    this._register(deps.onDidChangeConnection((view) => this.onConnection(view)));
  }

  /** The user started `action` from the chat (a problem card, or the header's sign-in). */
  fixStarted(action: FixAction): void {
    const latest = this.latestFailedAnswer();
    if (connectionFixes.has(action) && latest?.problem?.actions.includes(action)) {
      this.waiting = latest.id;
    }
  }

  private onConnection(view: ConnectionView): void {
    if (this.waiting === undefined || view.state !== 'ready') {
      // A fix that was cancelled leaves the card waiting: it may still be done another way.
      return;
    }
    const answerId = this.waiting;
    this.waiting = undefined;
    if (this.latestFailedAnswer()?.id === answerId) {
      this.deps.session().retry(answerId);
    }
  }

  /** The latest message, if it is an answer that ended on a problem and nothing is streaming. */
  private latestFailedAnswer() {
    const session = this.deps.session();
    const last = session.messages.at(-1);
    return !session.busy && last?.role === 'assistant' && last.status === 'error' && last.problem ? last : undefined;
  }
}
