import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { refusedRedirect, refusedRequest } from '../net/hardenedFetch';

/**
 * When to ask again after a failed request, and after how long. The SDK's own retries are off:
 * it sleeps for whatever retry-after says (Azure has said 86400 s) and Stop cannot cut the
 * sleep short. Here the wait is bounded, and abortable.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** A service that asks to wait longer than this is not retried; the user is told instead. */
  readonly maxWaitMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxRetries: 2, maxWaitMs: 20_000 };

/** How long the service asked to wait, from `retry-after-ms` or `retry-after` (seconds or a date). */
export function requestedWaitMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const millis = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(millis) && millis >= 0) {
    return millis;
  }
  const retryAfter = headers?.get('retry-after');
  if (!retryAfter) {
    return undefined;
  }
  const seconds = Number.parseFloat(retryAfter);
  if (Number.isFinite(seconds)) {
    return Math.max(0, seconds * 1000);
  }
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Milliseconds to wait before retry number `retry` (1-based), or undefined to give up now. */
export function retryDelayMs(error: unknown, retry: number, policy: RetryPolicy): number | undefined {
  if (retry > policy.maxRetries) {
    return undefined;
  }
  const backoff = Math.min(500 * 2 ** (retry - 1), 8_000);
  // A redirect is an answer, not a glitch, and a refused request would be refused again.
  if (refusedRedirect(error) || refusedRequest(error)) {
    return undefined;
  }
  if (error instanceof APIConnectionTimeoutError || error instanceof APIConnectionError) {
    return backoff;
  }
  if (!(error instanceof APIError) || error.status === undefined) {
    return undefined;
  }
  return retryDelayForStatus(error.status, error.headers as Headers | undefined, retry, policy);
}

/** The same decision for any HTTP answer (Resource Manager's too): status and headers only. */
export function retryDelayForStatus(status: number, headers: Headers | undefined, retry: number, policy: RetryPolicy): number | undefined {
  if (retry > policy.maxRetries) {
    return undefined;
  }
  const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
  if (!retryable) {
    return undefined;
  }
  const requested = requestedWaitMs(headers);
  if (requested === undefined) {
    return Math.min(500 * 2 ** (retry - 1), 8_000);
  }
  return requested <= policy.maxWaitMs ? requested : undefined;
}

/** Resolves after `ms`, or early (with false) when the signal aborts. */
export function waitUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
