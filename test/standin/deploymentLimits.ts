// What a Standard deployment meters, from Azure's documentation: a quota in tokens per minute
// (TPM) with requests per minute (RPM) at 6 per 1,000 TPM; each request counts as its prompt
// tokens plus the output it may produce (max_tokens), before it is answered; every answer says
// what is left in `x-ratelimit-remaining-requests` / `x-ratelimit-remaining-tokens`, and a request
// over either limit gets 429 naming it, with the wait until the minute frees enough.
//
// Prompt caching: a prompt of at least 1,024 tokens whose beginning matches one sent to the same
// deployment recently is partly served from the cache, in steps of 128 tokens;
// usage.prompt_tokens_details.cached_tokens (Responses: input_tokens_details.cached_tokens) says
// how much. Caches are cleared after 5-10 minutes without use.

import type { RateLimitKind } from './azureResponses';

const windowMs = 60_000;
const cacheLifetimeMs = 5 * 60_000;
const minimumCachedPrompt = 1024;
const cacheStep = 128;

export interface DeploymentQuota {
  tokensPerMinute: number;
  requestsPerMinute: number;
}

/** What stand-in deployments without a quota report: large enough that no test reaches it. */
export const UNMETERED: DeploymentQuota = { tokensPerMinute: 1_000_000, requestsPerMinute: 6_000 };

export function quotaFor(tokensPerMinute: number | undefined, requestsPerMinute: number | undefined): DeploymentQuota | undefined {
  if (tokensPerMinute === undefined && requestsPerMinute === undefined) {
    return undefined;
  }
  const tpm = tokensPerMinute ?? UNMETERED.tokensPerMinute;
  return { tokensPerMinute: tpm, requestsPerMinute: requestsPerMinute ?? Math.max(1, Math.floor((tpm / 1000) * 6)) };
}

export type Admission =
  | { readonly ok: true; readonly remainingRequests: number; readonly remainingTokens: number }
  | { readonly ok: false; readonly limit: RateLimitKind; readonly retryAfterMs: number; readonly remainingRequests: number; readonly remainingTokens: number };

/** One deployment's minute: the requests admitted and the tokens each was charged. */
export class RateWindow {
  private readonly entries: Array<{ at: number; tokens: number }> = [];

  constructor(
    private readonly quota: DeploymentQuota,
    private readonly enforced: boolean,
  ) {}

  /** Charges a request of `tokens` (prompt + max output) if the minute has room; else says which limit and how long to wait. */
  admit(tokens: number, now = Date.now()): Admission {
    this.expire(now);
    const usedTokens = this.entries.reduce((sum, entry) => sum + entry.tokens, 0);
    const remainingRequests = Math.max(0, this.quota.requestsPerMinute - this.entries.length);
    const remainingTokens = Math.max(0, this.quota.tokensPerMinute - usedTokens);
    if (this.enforced && remainingRequests < 1) {
      return { ok: false, limit: 'requests', retryAfterMs: this.waitFor(() => true, now), remainingRequests, remainingTokens };
    }
    if (this.enforced && tokens > remainingTokens) {
      // Wait until enough of the minute's oldest requests have aged out.
      let freed = remainingTokens;
      return { ok: false, limit: 'tokens', retryAfterMs: this.waitFor((entry) => (freed += entry.tokens) >= tokens, now), remainingRequests, remainingTokens };
    }
    this.entries.push({ at: now, tokens });
    return { ok: true, remainingRequests: remainingRequests - 1, remainingTokens: Math.max(0, remainingTokens - tokens) };
  }

  private waitFor(enough: (entry: { at: number; tokens: number }) => boolean, now: number): number {
    const entry = this.entries.find(enough) ?? this.entries.at(-1);
    return entry ? Math.max(1000, entry.at + windowMs - now) : 1000;
  }

  private expire(now: number): void {
    while (this.entries.length > 0 && (this.entries[0] as { at: number }).at <= now - windowMs) {
      this.entries.shift();
    }
  }
}

/** Recent prompts of one deployment, as token counts of their leading messages. */
export class PromptCache {
  private readonly prompts: Array<{ at: number; messages: string[] }> = [];

  /**
   * Tokens of `messages` served from the cache: the longest run of leading messages identical to
   * an earlier prompt's, counted with `tokensOf`, in steps of 128, when it reaches 1,024. The
   * prompt is remembered for the next request.
   */
  lookUp(messages: string[], tokensOf: (leading: number) => number, now = Date.now()): number {
    while (this.prompts.length > 0 && (this.prompts[0] as { at: number }).at <= now - cacheLifetimeMs) {
      this.prompts.shift();
    }
    let matched = 0;
    for (const earlier of this.prompts) {
      let same = 0;
      while (same < messages.length && same < earlier.messages.length && messages[same] === earlier.messages[same]) {
        same++;
      }
      matched = Math.max(matched, same);
    }
    this.prompts.push({ at: now, messages });
    const tokens = matched > 0 ? tokensOf(matched) : 0;
    return tokens >= minimumCachedPrompt ? Math.floor(tokens / cacheStep) * cacheStep : 0;
  }
}
