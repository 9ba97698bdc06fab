import { AnswerError, type AnswerDetail, type AnswerSource } from '../chat/answerSource';
import type { ConnectionResult } from '../connection/connectionManager';
import { answerReserve, firstTurnThatFits } from '../chat/contextBudget';
import type { ChatTurn, StreamEnd } from './chatStream';
import type { AzureModelClient, DeploymentInfo } from './modelClient';
import type { ModelMessage } from './modelRequest';
import { type CountTokens, loadTokenCounter } from './tokenCounter';

export interface AzureAnswerSourceDeps {
  readonly client: AzureModelClient;
  /** The connection the client uses; the system prompt comes from its settings. */
  readonly connection: () => Promise<ConnectionResult>;
  /** Counts tokens; the lazily loaded tokenizer by default. */
  readonly countTokens?: () => Promise<CountTokens>;
}

/**
 * The chat's answers from Azure OpenAI: a thin consumer of AzureModelClient. It adds the system
 * prompt and the reasoning effort the user chose, trims the oldest turns to fit the model's
 * context window (telling the chat where sending starts), and passes text, reasoning and usage on.
 */
export class AzureAnswerSource implements AnswerSource {
  constructor(private readonly deps: AzureAnswerSourceDeps) {}

  async streamAnswer(turns: readonly ChatTurn[], signal: AbortSignal, onText: (text: string) => void, onDetail?: (detail: AnswerDetail) => void): Promise<StreamEnd> {
    const [connection, info, countTokens] = await Promise.all([
      this.deps.connection(),
      this.deps.client.deploymentInfo(),
      (this.deps.countTokens ?? loadTokenCounter)(),
    ]);
    if (!connection.ok) {
      throw new AnswerError(connection.problem);
    }
    const { systemPrompt } = connection.connection.settings;
    const assumedWindow = info?.profile.contextWindow;
    try {
      return await this.send(turns, info, systemPrompt, countTokens, signal, onText, onDetail);
    } catch (error) {
      // Azure named a smaller window than the model's family suggested (it answers
      // context_length_exceeded before any text): trim to the window it named and ask once more.
      const learned = await this.deps.client.deploymentInfo();
      if (error instanceof AnswerError && learned && assumedWindow !== undefined && learned.profile.contextWindow < assumedWindow && !signal.aborted) {
        return this.send(turns, learned, systemPrompt, countTokens, signal, onText, onDetail);
      }
      throw error;
    }
  }

  private send(
    turns: readonly ChatTurn[],
    info: DeploymentInfo | undefined,
    systemPrompt: string,
    countTokens: CountTokens,
    signal: AbortSignal,
    onText: (text: string) => void,
    onDetail: ((detail: AnswerDetail) => void) | undefined,
  ): Promise<StreamEnd> {
    let firstTurn = 0;
    let maxOutputTokens: number | undefined;
    if (info) {
      const { profile } = info;
      maxOutputTokens = answerReserve(profile.contextWindow, profile.maxOutputTokens, profile.reasoningEfforts.length > 0);
      firstTurn = firstTurnThatFits(turns, { contextWindow: profile.contextWindow, reserveForAnswer: maxOutputTokens, fixedTokens: countTokens(systemPrompt) }, countTokens);
    }
    onDetail?.({ type: 'sent', firstTurn });
    const messages: ModelMessage[] = [...(systemPrompt ? [{ role: 'system', content: systemPrompt } as const] : []), ...turns.slice(firstTurn).map((turn) => ({ role: turn.role, content: turn.content }))];
    return this.deps.client.stream(
      { messages, ...(info?.effort ? { reasoningEffort: info.effort } : {}), ...(maxOutputTokens ? { maxOutputTokens } : {}) },
      signal,
      (event) => {
        switch (event.type) {
          case 'text':
            onText(event.text);
            break;
          case 'reasoning':
            onDetail?.({ type: 'reasoning', text: event.text });
            break;
          case 'usage':
            onDetail?.({ type: 'usage', usage: event.usage, ...(info ? { contextWindow: info.profile.contextWindow } : {}) });
            break;
          case 'waiting':
            onDetail?.({ type: 'waiting', ms: event.ms, reason: event.reason });
            break;
          default:
            // The chat offers no tools, so the model makes no tool calls.
            break;
        }
      },
    );
  }
}
