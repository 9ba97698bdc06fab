/**
 * Azure's rate-limit signals. Every answer of a Standard deployment carries what is left of its
 * minute (`x-ratelimit-remaining-requests`, `x-ratelimit-remaining-tokens`); a 429 says in its
 * message which limit was hit ("exceeded token rate limit" for tokens per minute, "exceeded call
 * rate limit" for requests per minute) and how long to wait (`retry-after-ms`, `retry-after`).
 * The Responses API has been seen sending -1 for a header it does not know: that is no number.
 */
import type { QuotaView, RateLimitView } from '../common/protocol';
import { requestedWaitMs } from './retryPolicy';

export function readQuota(headers: Headers | undefined): QuotaView | undefined {
  const count = (name: string): number | undefined => {
    const value = headers?.get(name);
    const parsed = value === null || value === undefined || value.trim() === '' ? Number.NaN : Number(value);
    return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
  };
  const remainingRequests = count('x-ratelimit-remaining-requests');
  const remainingTokens = count('x-ratelimit-remaining-tokens');
  if (remainingRequests === undefined && remainingTokens === undefined) {
    return undefined;
  }
  return { ...(remainingRequests !== undefined ? { remainingRequests } : {}), ...(remainingTokens !== undefined ? { remainingTokens } : {}) };
}

/** Which limit a 429 names: its message first, then the header that reads 0. */
export function describeRateLimit(message: string, headers: Headers | undefined): RateLimitView {
  const waitMs = requestedWaitMs(headers);
  const quota = readQuota(headers);
  const limit = /token rate limit|tokens per minute/i.test(message)
    ? 'tokens'
    : /call rate limit|requests per minute|request rate limit/i.test(message)
      ? 'requests'
      : quota?.remainingTokens === 0 && quota.remainingRequests !== 0
        ? 'tokens'
        : quota?.remainingRequests === 0 && quota.remainingTokens !== 0
          ? 'requests'
          : 'unknown';
  return { limit, ...(waitMs !== undefined ? { waitSeconds: Math.ceil(waitMs / 1000) } : {}) };
}
