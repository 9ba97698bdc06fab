import { APIError } from 'openai';
import { SignInRequiredError } from '../auth/credential';

/**
 * What kind of failure a request met, for callers that must sort failures rather than show them:
 * VS Code's language model API has an error code for each of the first three.
 * - `noAccess`: the caller may not use the deployment (signed out, token or key refused, no role).
 * - `blocked`: the service refused this request for now (rate or quota limit, content filter).
 * - `notFound`: the deployment (or the route to it) does not exist.
 * - `other`: anything else (network, 5xx, a malformed request, a stall).
 */
export type FailureKind = 'noAccess' | 'blocked' | 'notFound' | 'other';

export function failureKind(error: unknown): FailureKind {
  if (error instanceof SignInRequiredError) {
    return 'noAccess';
  }
  if (!(error instanceof APIError) || error.status === undefined) {
    return 'other';
  }
  switch (error.status) {
    case 401:
    case 403:
      return 'noAccess';
    case 404:
      return 'notFound';
    case 429:
      return 'blocked';
    case 400:
      return error.code === 'content_filter' ? 'blocked' : 'other';
    default:
      return 'other';
  }
}
