import type { ChatTurn } from '../azure/chatStream';

/** Tokens each message costs beyond its text (role and separators), as OpenAI documents for its chat format. */
export const tokensPerMessage = 4;

export interface ContextBudget {
  /** The model's context window: input plus output. */
  readonly contextWindow: number;
  /** Room kept for the answer (and a reasoning model's thinking). */
  readonly reserveForAnswer: number;
  /** Tokens of what is always sent: the system prompt. */
  readonly fixedTokens: number;
}

/** How many tokens the answer gets: enough for long answers, never most of a small window. */
export function answerReserve(contextWindow: number, maxOutputTokens: number, reasoning: boolean): number {
  const wanted = reasoning ? 32_768 : 16_384;
  return Math.max(256, Math.min(maxOutputTokens, wanted, Math.floor(contextWindow / 4)));
}

/**
 * The index of the first turn to send so the conversation fits the window with room for the
 * answer: the oldest turns go first, and the kept part always starts with a question (an answer
 * without its question would confuse the model). The newest question is always sent; if even it
 * does not fit, the service's context_length_exceeded explains that.
 */
export function firstTurnThatFits(turns: readonly ChatTurn[], budget: ContextBudget, countTokens: (text: string) => number): number {
  let available = budget.contextWindow - budget.reserveForAnswer - budget.fixedTokens - 3;
  let first = turns.length;
  let firstQuestion = turns.length - 1;
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn = turns[i];
    if (!turn) {
      continue;
    }
    available -= turnTokens(turn, countTokens);
    if (available < 0 && i < turns.length - 1) {
      break;
    }
    first = i;
    if (turn.role === 'user') {
      firstQuestion = i;
    }
  }
  return Math.min(first === turns.length ? turns.length - 1 : firstQuestion, turns.length - 1);
}

/** What a turn costs: its text, and the name and arguments of each tool call it made. */
export function turnTokens(turn: ChatTurn, countTokens: (text: string) => number): number {
  let tokens = countTokens(turn.content) + tokensPerMessage;
  for (const call of turn.toolCalls ?? []) {
    tokens += countTokens(call.name) + countTokens(call.arguments) + tokensPerMessage;
  }
  return tokens;
}
