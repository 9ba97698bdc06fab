import * as vscode from 'vscode';
import { AnswerError } from '../chat/answerSource';
import type { ProblemView } from '../common/protocol';

/**
 * A failed request as the language model API reports it: the chat's own explanation (already
 * redacted), under the error code a caller can act on. Failures with no code of their own stay
 * plain errors, which VS Code hands the caller with the same message.
 */
export function toLanguageModelError(error: unknown): Error {
  if (!(error instanceof AnswerError)) {
    return error instanceof Error ? error : new Error(String(error));
  }
  const message = explanation(error.problem);
  switch (error.kind) {
    case 'noAccess':
      return vscode.LanguageModelError.NoPermissions(message);
    case 'blocked':
      return vscode.LanguageModelError.Blocked(message);
    case 'notFound':
      return vscode.LanguageModelError.NotFound(message);
    case 'other':
      return new Error(message);
  }
}

function explanation(problem: ProblemView): string {
  return problem.detail ? `${problem.title} ${problem.detail}` : problem.title;
}
