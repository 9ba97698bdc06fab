import type { ProblemView } from '../common/protocol';
import type { ChatTurn, StreamEnd } from '../azure/chatStream';

/**
 * Where answers come from. The chat session only knows this interface, so the same session
 * (and webview) can be fed by Azure OpenAI, a VS Code language model or a benchmark source.
 */
export interface AnswerSource {
  /**
   * Streams an answer to the conversation (user and assistant turns; the source adds its own
   * system prompt). Resolves with how the stream ended; rejects with AnswerError.
   */
  streamAnswer(turns: readonly ChatTurn[], signal: AbortSignal, onText: (text: string) => void): Promise<StreamEnd>;
}

/** A failed answer, already explained for the user. */
export class AnswerError extends Error {
  constructor(readonly problem: ProblemView) {
    super(problem.title);
    this.name = 'AnswerError';
  }
}
