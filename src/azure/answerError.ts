import type { ProblemView } from '../common/protocol';
import type { FailureKind } from './failureKind';

/** A failed answer, already explained for the user. */
export class AnswerError extends Error {
  /** `kind` sorts the failure for callers that must (the language model API's error codes). */
  constructor(
    readonly problem: ProblemView,
    readonly kind: FailureKind = 'other',
  ) {
    super(problem.title);
    this.name = 'AnswerError';
  }
}
