import { randomUUID } from 'node:crypto';
import type { ChatMessageView, FilterView, HostToWebviewMessage, MessageStatus, ProblemView, QuotaView, ToolCallView, UsageView } from '../common/protocol';
import { describeFindings } from '../azure/contentFilters';
import { Disposable } from '../common/dispose';
import { Emitter } from '../common/events';
import type { StreamEnd } from '../azure/chatStream';
import { type AnswerDetail, AnswerError, type AnswerSource } from './answerSource';
import { type ChatMessage, Conversation, toView } from './conversation';
import type { Attachment } from './editorContext';
import type { DeploymentChoice } from './deploymentChoice';
import type { ChatTurn } from '../azure/chatStream';
import type { ToolCall } from '../azure/modelRequest';
import { offeredTools, runToolCalls, type ToolCallUpdate, type ToolHost } from './toolLoop';
import { assistantTurns, type StepReasoning } from './toolTranscript';

/**
 * What a view shows of the session, in the protocol's own shape (src/common/protocol.ts): the
 * binding posts these as they are, so an answer's event is translated once, from the model
 * core's ModelEvent, here in the session.
 */
export type ViewEvent = Extract<
  HostToWebviewMessage,
  {
    readonly type:
      | 'messageAdded'
      | 'delta'
      | 'messageFinished'
      | 'messageRemoved'
      | 'busy'
      | 'reasoningDelta'
      | 'usage'
      | 'sendingStartsAt'
      | 'waiting'
      | 'toolCall'
      | 'toolCallDelta'
      | 'filterNotice';
  }
>;

export type ConversationEvent =
  | ViewEvent
  | { readonly type: 'cleared' }
  /** The conversation was switched to another deployment (undefined: back to the settings'). */
  | { readonly type: 'deploymentChanged'; readonly deployment: DeploymentChoice | undefined };

const contentFilteredProblem: ProblemView = {
  title: "Azure's content filter withheld the rest of this answer.",
  detail: 'What arrived before it is kept. Rephrase the question to try again.',
  actions: ['retry'],
};

function stepLimitProblem(steps: number): ProblemView {
  return {
    title: `Paused after ${steps} tool steps.`,
    detail: 'The model may need more. Continue lets it go on; the limit is the setting azureOpenAIChat.tools.maxSteps.',
    actions: ['continue'],
  };
}

const truncatedProblem: ProblemView = {
  title: 'The answer was cut off: the connection closed before it finished.',
  detail: 'What arrived is kept. Retry to ask again.',
  actions: ['retry'],
};

/**
 * One conversation and the answer being streamed into it: send, stop, retry, new chat. Every
 * change is announced as a ConversationEvent; views and the journal listen, the session does
 * not know who they are.
 */
export class ChatSession extends Disposable {
  private readonly conversation: Conversation;
  private readonly changes = this._register(new Emitter<ConversationEvent>());
  readonly onDidChange = this.changes.event;
  private firstSentId: string | undefined;
  private current: { readonly answerId: string; readonly controller: AbortController; readonly done: Promise<void> } | undefined;
  private chosenDeployment: DeploymentChoice | undefined;
  /** Spend: what is left of the deployment's quota, from the latest answer's headers. */
  private lastQuota: QuotaView | undefined;
  /** Spend: what the filter flagged on the streaming answer and its question. */
  private readonly filters = new Map<'prompt' | 'completion', FilterView>();
  /** Tools the user allowed "for this conversation" (grant keys); a new chat starts without. */
  private readonly toolGrants = new Set<string>();
  /** The encrypted reasoning of each tool step, per answer: sent back, never shown or saved. */
  private readonly stepReasoning = new Map<string, StepReasoning[]>();
  /** VS Code's registered tools (other extensions', MCP servers') picked for this conversation. */
  private picked: ReadonlySet<string> = new Set();

  constructor(
    private readonly source: AnswerSource,
    restored: readonly ChatMessage[] = [],
    private readonly newId: () => string = randomUUID,
    /** Tools: without a host the chat only talks. */
    private readonly tools?: ToolHost,
  ) {
    super();
    this.conversation = new Conversation(restored);
  }

  /** The first message the last request sent, when older ones no longer fit; undefined when all were sent. */
  get sendingStartsAt(): string | undefined {
    return this.firstSentId;
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Spend: what Azure said is left of the deployment's quota after the latest answer. */
  get quota(): QuotaView | undefined {
    return this.lastQuota;
  }

  get messages(): readonly ChatMessage[] {
    return this.conversation.messages;
  }

  snapshot(): ChatMessageView[] {
    return this.conversation.snapshot();
  }

  /** This conversation's own deployment, when it was switched from the header. */
  get deployment(): DeploymentChoice | undefined {
    return this.chosenDeployment;
  }

  get pickedTools(): ReadonlySet<string> {
    return this.picked;
  }

  /** The conversation's tools menu: takes effect with the next model step. */
  setPickedTools(names: Iterable<string>): void {
    this.picked = new Set(names);
  }

  /** Takes effect with the next question; an answer already streaming finishes where it started. */
  setDeployment(choice: DeploymentChoice | undefined): void {
    this.chosenDeployment = choice;
    this.changes.fire({ type: 'deploymentChanged', deployment: choice });
  }

  /** Asks a question. Returns false (and changes nothing) while an answer is streaming. */
  send(text: string, attachments?: readonly Attachment[]): boolean {
    if (this.current || !text.trim()) {
      return false;
    }
    const question: ChatMessage = { id: this.newId(), role: 'user', text, status: 'done', ...(attachments?.length ? { attachments } : {}) };
    this.add(question);
    this.answer(question.id);
    return true;
  }

  /** Answers the question behind `messageId` again; nothing already shown is lost. */
  retry(messageId: string): boolean {
    if (this.current) {
      return false;
    }
    const question = this.conversation.questionFor(messageId);
    if (!question) {
      return false;
    }
    const last = this.conversation.messages.at(-1);
    const questionIsLatest = this.conversation.questionFor(last?.id ?? '') === question;
    if (!questionIsLatest) {
      // Re-ask at the end rather than rewrite history in the middle of the conversation.
      return this.send(question.text);
    }
    // A failed attempt that produced no text has nothing worth keeping on screen.
    if (last && last.role === 'assistant' && !last.text && last.status !== 'streaming') {
      this.conversation.remove(last.id);
      this.changes.fire({ type: 'messageRemoved', messageId: last.id });
    }
    this.answer(question.id);
    return true;
  }

  /**
   * Replaces the last question, and the answers it got, with an edited question and asks it.
   * Its attachments stay. Only the last question: earlier ones are what later answers built on.
   */
  resendEdited(questionId: string, text: string): boolean {
    const question = this.conversation.lastQuestion();
    if (this.current || !text.trim() || question?.id !== questionId) {
      return false;
    }
    for (const message of this.conversation.messagesFrom(questionId)) {
      this.conversation.remove(message.id);
      this.changes.fire({ type: 'messageRemoved', messageId: message.id });
    }
    return this.send(text, question.attachments);
  }

  /** Stops the streaming answer, keeping what arrived. Resolves when the request is closed. */
  async stop(): Promise<void> {
    const current = this.current;
    if (current) {
      current.controller.abort();
      await current.done;
    }
  }

  /**
   * Lets the tool loop of the last answer go on after the step limit paused it (its "Continue"
   * button). The answer is shown again as streaming and keeps its text and cards.
   */
  continueAnswer(messageId: string): boolean {
    const last = this.conversation.messages.at(-1);
    if (this.current || !last || last.id !== messageId || last.role !== 'assistant' || !last.problem?.actions.includes('continue')) {
      return false;
    }
    const question = this.conversation.questionFor(last.id);
    if (!question) {
      return false;
    }
    this.conversation.remove(last.id);
    this.changes.fire({ type: 'messageRemoved', messageId: last.id });
    delete last.problem;
    last.status = 'streaming';
    this.add(last);
    this.startAnswer(last.id, this.conversation.turnsUpTo(question.id));
    return true;
  }

  /** Starts a new chat; stops a streaming answer first. */
  async clear(): Promise<void> {
    await this.stop();
    this.toolGrants.clear();
    this.stepReasoning.clear();
    this.conversation.clear();
    this.firstSentId = undefined;
    this.changes.fire({ type: 'cleared' });
    // A new chat starts with the deployment of the settings again.
    if (this.chosenDeployment) {
      this.setDeployment(undefined);
    }
  }

  /** Resolves when the streaming answer (if any) has ended. */
  whenIdle(): Promise<void> {
    return this.current?.done ?? Promise.resolve();
  }

  override dispose(): void {
    this.current?.controller.abort();
    super.dispose();
  }

  private add(message: ChatMessage): void {
    this.conversation.add(message);
    this.changes.fire({ type: 'messageAdded', message: toView(message) });
  }

  private answer(questionId: string): void {
    const turns = this.conversation.turnsUpTo(questionId);
    const answer: ChatMessage = { id: this.newId(), role: 'assistant', text: '', status: 'streaming' };
    this.add(answer);
    this.startAnswer(answer.id, turns);
  }

  private startAnswer(answerId: string, turns: ChatTurn[]): void {
    const controller = new AbortController();
    const done = this.stream(answerId, turns, controller.signal);
    this.current = { answerId, controller, done };
    this.changes.fire({ type: 'busy', busy: true });
  }

  /**
   * The answer to `turns`, and its tool loop: while the model ends a step with tool calls (and
   * a tool host is there), the calls run (asking the user as toolApproval.ts says) and the
   * model is asked again with their results, until it answers, Stop, or the step limit.
   */
  private async stream(answerId: string, turns: ChatTurn[], signal: AbortSignal): Promise<void> {
    // Let `answer` record the request before anything can finish it.
    await Promise.resolve();
    let status: MessageStatus;
    let problem: ProblemView | undefined;
    this.filters.clear();
    const { tools } = this;
    const maxSteps = Math.max(1, tools?.settings().maxSteps ?? 1);
    try {
      let end: StreamEnd = { kind: 'stopped' };
      let stepLimited = false;
      for (let steps = 0; ; ) {
        // Stop may come before the request has even started.
        if (signal.aborted) {
          end = { kind: 'stopped' };
          break;
        }
        const answer = this.conversation.get(answerId);
        const sent = [...turns, ...(answer ? assistantTurns({ ...answer, reasoningItems: this.stepReasoning.get(answerId) ?? [] }) : [])];
        const step = nextStep(answer);
        const calls: ToolCall[] = [];
        const available = tools ? tools.tools(this.picked) : [];
        const definitions = tools ? offeredTools(available, tools.trusted()) : [];
        end = await this.source.streamAnswer(
          sent,
          signal,
          (text) => {
            this.conversation.append(answerId, text);
            this.changes.fire({ type: 'delta', messageId: answerId, text });
          },
          (detail) => this.onDetail(answerId, sent, detail, step, calls),
          this.chosenDeployment,
          definitions.length ? definitions : undefined,
        );
        if (!tools || end.kind !== 'finished' || end.finishReason !== 'tool_calls' || calls.length === 0) {
          break;
        }
        await runToolCalls(calls, available, tools, this.toolGrants, signal, (callId, change) => this.updateCall(answerId, callId, change));
        steps++;
        if (signal.aborted) {
          end = { kind: 'stopped' };
          break;
        }
        if (steps >= maxSteps) {
          stepLimited = true;
          break;
        }
      }
      ({ status, problem } = describeEnd(end));
      if (end.kind === 'contentFiltered') {
        problem = this.explainCut(answerId);
      } else if (stepLimited) {
        problem = stepLimitProblem(maxSteps);
      }
    } catch (error) {
      status = 'error';
      problem =
        error instanceof AnswerError
          ? error.problem
          : { title: 'The request failed.', detail: error instanceof Error ? error.message : String(error), actions: ['retry', 'showLog'] };
    }
    this.settleCalls(answerId);
    this.conversation.finish(answerId, status, problem);
    this.current = undefined;
    this.changes.fire(problem ? { type: 'messageFinished', messageId: answerId, status, problem } : { type: 'messageFinished', messageId: answerId, status });
    this.changes.fire({ type: 'busy', busy: false });
  }

  /** The filter cut the answer: where (after how much text) and why (the categories it flagged). */
  private explainCut(answerId: string): ProblemView {
    const cutAt = this.conversation.messages.find((message) => message.id === answerId)?.text.length ?? 0;
    const findings = this.filters.get('completion')?.findings.filter((finding) => finding.filtered) ?? [];
    return {
      ...contentFilteredProblem,
      title: `Azure's content filter withheld the rest of this answer, after ${cutAt.toLocaleString('en-US')} characters.`,
      detail: `${findings.length > 0 ? `Flagged: ${describeFindings(findings)}. ` : ''}${contentFilteredProblem.detail}`,
      filter: { source: 'completion', findings, cutAt },
    };
  }

  /** A card that never got to run (the stream ended in the middle of its arguments) ends as stopped. */
  private settleCalls(answerId: string): void {
    for (const call of this.conversation.get(answerId)?.toolCalls ?? []) {
      if (call.status === 'streaming' || call.status === 'awaitingApproval' || call.status === 'running') {
        this.putCall(answerId, { ...call, status: 'stopped', result: call.result ?? 'Stopped before it ran.' });
      }
    }
  }

  private putCall(answerId: string, call: ToolCallView): void {
    this.conversation.upsertToolCall(answerId, call);
    this.changes.fire({ type: 'toolCall', messageId: answerId, call });
  }

  private updateCall(answerId: string, callId: string, change: ToolCallUpdate): void {
    const call = this.conversation.get(answerId)?.toolCalls?.find((known) => known.callId === callId);
    if (call) {
      this.putCall(answerId, { ...call, ...change });
    }
  }

  private onDetail(answerId: string, turns: readonly ChatTurn[], detail: AnswerDetail, step: number, calls: ToolCall[]): void {
    switch (detail.type) {
      case 'toolCallStart': {
        const textOffset = this.conversation.get(answerId)?.text.length ?? 0;
        this.putCall(answerId, { callId: detail.callId, name: detail.name, arguments: '', status: 'streaming', step, textOffset });
        return;
      }
      case 'toolCallArguments': {
        const call = this.conversation.get(answerId)?.toolCalls?.find((known) => known.callId === detail.callId);
        if (call) {
          this.conversation.upsertToolCall(answerId, { ...call, arguments: call.arguments + detail.text });
          this.changes.fire({ type: 'toolCallDelta', messageId: answerId, callId: detail.callId, text: detail.text });
        }
        return;
      }
      case 'toolCallEnd': {
        calls.push(detail.call);
        const known = this.conversation.get(answerId)?.toolCalls?.find((call) => call.callId === detail.call.callId);
        const textOffset = known?.textOffset ?? this.conversation.get(answerId)?.text.length ?? 0;
        this.putCall(answerId, { callId: detail.call.callId, name: detail.call.name, arguments: detail.call.arguments, status: 'streaming', step, textOffset });
        return;
      }
      case 'reasoningItem':
        this.stepReasoning.set(answerId, [...(this.stepReasoning.get(answerId) ?? []), { step, item: detail.item }]);
        return;
      case 'reasoning':
        this.conversation.appendReasoning(answerId, detail.text);
        this.changes.fire({ type: 'reasoningDelta', messageId: answerId, text: detail.text });
        return;
      case 'usage': {
        const usage: UsageView = { ...detail.usage, ...(detail.contextWindow ? { contextWindow: detail.contextWindow } : {}), ...(detail.cost !== undefined ? { cost: detail.cost } : {}) };
        this.conversation.setUsage(answerId, usage);
        this.changes.fire({ type: 'usage', messageId: answerId, usage });
        return;
      }
      case 'quota':
        this.lastQuota = detail.quota;
        return;
      case 'contentFilter': {
        const filter: FilterView = { source: detail.source, findings: detail.findings };
        this.filters.set(detail.source, filter);
        this.changes.fire({ type: 'filterNotice', messageId: answerId, filter });
        return;
      }
      case 'waiting':
        // Shown while it lasts, never saved: the answer's next text or its end replaces it.
        this.changes.fire({ type: 'waiting', messageId: answerId, seconds: Math.ceil(detail.ms / 1000), reason: detail.reason });
        return;
      case 'sent': {
        const firstSentId = detail.firstTurn > 0 ? turns[detail.firstTurn]?.id : undefined;
        if (firstSentId !== this.firstSentId) {
          this.firstSentId = firstSentId;
          this.changes.fire(firstSentId ? { type: 'sendingStartsAt', messageId: firstSentId } : { type: 'sendingStartsAt' });
        }
        return;
      }
    }
  }
}

/** The step index of the next model request of an answer: one after the last step with calls. */
function nextStep(answer: ChatMessage | undefined): number {
  return (answer?.toolCalls ?? []).reduce((next, call) => Math.max(next, call.step + 1), 0);
}

function describeEnd(end: StreamEnd): { status: MessageStatus; problem: ProblemView | undefined } {
  switch (end.kind) {
    case 'finished':
      return { status: 'done', problem: undefined };
    case 'stopped':
      return { status: 'stopped', problem: undefined };
    case 'contentFiltered':
      return { status: 'done', problem: contentFilteredProblem };
    case 'truncated':
      return { status: 'error', problem: truncatedProblem };
  }
}
