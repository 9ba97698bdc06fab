import { AnswerError } from '../azure/answerError';
import type { ChatTurn, StreamEnd } from '../azure/chatStream';
import type { AzureModelClient, DeploymentInfo } from '../azure/modelClient';
import type { ModelMessage, TokenUsage, ToolDefinition } from '../azure/modelRequest';
import { type CountTokens, loadTokenCounter } from '../azure/tokenCounter';
import type { ConnectionTarget } from '../config/connectionTarget';
import type { DeploymentOfferView } from '../common/protocol';
import type { ConnectionResult } from '../connection/connectionManager';
import type { AnswerDetail, AnswerSource } from './answerSource';
import { answerReserve, firstTurnThatFits } from './contextBudget';

export interface AzureAnswerSourceDeps {
  /** The model client of a target (one per target, from the composition root). */
  readonly clientFor: (target: ConnectionTarget | undefined) => AzureModelClient;
  /** The connection of a target; the system prompt comes from its settings. */
  readonly connection: (target: ConnectionTarget | undefined) => Promise<ConnectionResult>;
  /** Counts tokens; the lazily loaded tokenizer by default. */
  readonly countTokens?: () => Promise<CountTokens>;
  /** Spend: after a 429, other deployments of the same model that could answer (from discovery). */
  readonly alternatives?: (info: DeploymentInfo) => readonly DeploymentOfferView[];
  /** Spend: the estimated cost of an answer's tokens on this deployment, when a price is known. */
  readonly costOf?: (info: DeploymentInfo, usage: TokenUsage) => number | undefined;
}

/**
 * The chat's answers from Azure OpenAI: a thin consumer of AzureModelClient. It adds the system
 * prompt and the reasoning effort the user chose, trims the oldest turns to fit the model's
 * context window (telling the chat where sending starts), and passes text, reasoning and usage on.
 */
export class AzureAnswerSource implements AnswerSource {
  constructor(private readonly deps: AzureAnswerSourceDeps) {}

  async streamAnswer(
    turns: readonly ChatTurn[],
    signal: AbortSignal,
    onText: (text: string) => void,
    onDetail?: (detail: AnswerDetail) => void,
    target?: ConnectionTarget,
    tools?: readonly ToolDefinition[],
  ): Promise<StreamEnd> {
    const client = this.deps.clientFor(target);
    const [connection, info, countTokens] = await Promise.all([
      this.deps.connection(target),
      client.deploymentInfo(),
      (this.deps.countTokens ?? loadTokenCounter)(),
    ]);
    if (!connection.ok) {
      throw new AnswerError(connection.problem);
    }
    const { systemPrompt } = connection.connection.settings;
    const assumedWindow = info?.profile.contextWindow;
    try {
      return await this.send(client, turns, info, systemPrompt, countTokens, signal, onText, onDetail, tools);
    } catch (error) {
      // Azure named a smaller window than the model's family suggested (it answers
      // context_length_exceeded before any text): trim to the window it named and ask once more.
      const learned = await client.deploymentInfo();
      if (error instanceof AnswerError && learned && assumedWindow !== undefined && learned.profile.contextWindow < assumedWindow && !signal.aborted) {
        return this.send(client, turns, learned, systemPrompt, countTokens, signal, onText, onDetail, tools);
      }
      throw error;
    }
  }

  private send(
    client: AzureModelClient,
    turns: readonly ChatTurn[],
    info: DeploymentInfo | undefined,
    systemPrompt: string,
    countTokens: CountTokens,
    signal: AbortSignal,
    onText: (text: string) => void,
    onDetail: ((detail: AnswerDetail) => void) | undefined,
    tools: readonly ToolDefinition[] | undefined,
  ): Promise<StreamEnd> {
    let firstTurn = 0;
    let maxOutputTokens: number | undefined;
    if (info) {
      const { profile } = info;
      maxOutputTokens = answerReserve(profile.contextWindow, profile.maxOutputTokens, profile.reasoningEfforts.length > 0);
      firstTurn = firstTurnThatFits(turns, { contextWindow: profile.contextWindow, reserveForAnswer: maxOutputTokens, fixedTokens: countTokens(systemPrompt) }, countTokens);
    }
    onDetail?.({ type: 'sent', firstTurn });
    const messages: ModelMessage[] = [...(systemPrompt ? [{ role: 'system', content: systemPrompt } as const] : []), ...turns.slice(firstTurn).map(toModelMessage)];
    return this.offerAlternatives(info, client.stream(
      {
        messages,
        ...(tools?.length ? { tools } : {}),
        ...(info?.effort ? { reasoningEffort: info.effort } : {}),
        ...(maxOutputTokens ? { maxOutputTokens } : {}),
      },
      signal,
      (event) => {
        switch (event.type) {
          case 'text':
            onText(event.text);
            break;
          case 'reasoning':
            onDetail?.({ type: 'reasoning', text: event.text });
            break;
          case 'usage': {
            const cost = info ? this.deps.costOf?.(info, event.usage) : undefined;
            onDetail?.({ type: 'usage', usage: event.usage, ...(info ? { contextWindow: info.profile.contextWindow } : {}), ...(cost !== undefined ? { cost } : {}) });
            break;
          }
          case 'quota':
            onDetail?.({ type: 'quota', quota: event.quota });
            break;
          case 'contentFilter':
            onDetail?.({ type: 'contentFilter', source: event.source, findings: event.findings });
            break;
          case 'waiting':
            onDetail?.({ type: 'waiting', ms: event.ms, reason: event.reason });
            break;
          case 'toolCallStart':
          case 'toolCallArguments':
          case 'toolCallEnd':
          case 'reasoningItem':
            // The tool loop (chatSession.ts) runs the calls and asks again with their results.
            onDetail?.(event);
            break;
        }
      },
    ));
  }

  /** A 429's problem gains the deployments of the same model discovery knows. */
  private async offerAlternatives(info: DeploymentInfo | undefined, answer: Promise<StreamEnd>): Promise<StreamEnd> {
    try {
      return await answer;
    } catch (error) {
      const rateLimit = error instanceof AnswerError ? error.problem.rateLimit : undefined;
      const alternatives = info && rateLimit ? this.deps.alternatives?.(info) : undefined;
      if (alternatives?.length && rateLimit && error instanceof AnswerError) {
        const { problem } = error;
        throw new AnswerError(
          {
            ...problem,
            rateLimit: { ...rateLimit, alternatives },
            detail: `${problem.detail} Or switch this conversation to ${alternatives.map((offer) => offer.deployment).join(' or ')}, which serve${alternatives.length === 1 ? 's' : ''} the same model with quota of ${alternatives.length === 1 ? 'its' : 'their'} own.`,
          },
          error.kind,
        );
      }
      throw error;
    }
  }
}

/** A turn as the model core takes it: tool calls and results travel with their ids. */
function toModelMessage(turn: ChatTurn): ModelMessage {
  switch (turn.role) {
    case 'tool':
      return { role: 'tool', callId: turn.callId ?? '', content: turn.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: turn.content,
        ...(turn.toolCalls?.length ? { toolCalls: turn.toolCalls } : {}),
        ...(turn.reasoningItems?.length ? { reasoningItems: turn.reasoningItems } : {}),
      };
    default:
      return { role: turn.role, content: turn.content };
  }
}
