// The bodies Azure OpenAI and Azure API Management answer with, byte for byte where the shape is
// known from the service (collected from public bug reports and Microsoft's docs). Keys are in
// the order Azure writes them (alphabetical for chat completion objects), so raw-wire tests and
// humans reading captures see what they would see from Azure.

export interface JsonErrorReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

// ---- Azure OpenAI (the resource itself) ----------------------------------------------------

/** Wrong path, missing or unsupported `api-version`: Azure answers 404, not 400. */
export function resourceNotFound(): JsonErrorReply {
  return { status: 404, body: { error: { code: '404', message: 'Resource not found' } } };
}

export function deploymentNotFound(): JsonErrorReply {
  return {
    status: 404,
    body: {
      error: {
        code: 'DeploymentNotFound',
        message:
          'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
      },
    },
  };
}

/** A wrong `api-key`, or no credential at all. */
export function invalidApiKey(): JsonErrorReply {
  return {
    status: 401,
    body: {
      error: {
        code: '401',
        message:
          'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
      },
    },
  };
}

/**
 * A bearer token Azure OpenAI refuses (bad, expired, wrong audience). Unlike the api-key answer
 * this one is NOT wrapped in `error`: it is `{"statusCode":401,"message":...}` (many public
 * reports show this exact body), so the openai SDK finds no `error` object in it.
 */
export function invalidBearerToken(audience: string): JsonErrorReply {
  return {
    status: 401,
    body: {
      statusCode: 401,
      message: `Unauthorized. Access token is missing, invalid, audience is incorrect (${audience}), or have expired.`,
    },
  };
}

/**
 * A valid token whose principal has no data-plane role (e.g. "Cognitive Services OpenAI User").
 * Azure has been seen answering this with status 401 (the code is what identifies it), so the
 * status is a parameter.
 */
export function permissionDenied(principal: string, status: 401 | 403): JsonErrorReply {
  return {
    status,
    body: {
      error: {
        code: 'PermissionDenied',
        message: `The principal \`${principal}\` lacks the required data action \`Microsoft.CognitiveServices/accounts/OpenAI/deployments/chat/completions/action\` to perform \`POST /openai/deployments/{deployment-id}/chat/completions\` operation.`,
      },
    },
  };
}

/** Which of a deployment's two limits a 429 is about: tokens per minute, or requests per minute. */
export type RateLimitKind = 'tokens' | 'requests';

/**
 * Azure's 429 for a Standard deployment: the message names the limit ("token rate limit" for
 * TPM, "call rate limit" for RPM) and how long to wait; the headers carry the same wait
 * (`retry-after` in seconds, `retry-after-ms`) and the remaining counts, the exhausted one 0.
 */
export function rateLimited(apiVersion: string, retryAfterSeconds: number, retryAfterMs?: number, limit: RateLimitKind = 'tokens', operation = 'ChatCompletions_Create', remaining: { requests: number; tokens: number } = { requests: 0, tokens: 0 }): JsonErrorReply {
  const headers: Record<string, string> = {
    'retry-after': String(Math.ceil(retryAfterSeconds)),
    'x-ratelimit-remaining-requests': String(limit === 'requests' ? 0 : remaining.requests),
    'x-ratelimit-remaining-tokens': String(limit === 'tokens' ? 0 : remaining.tokens),
    'policy-id': limit === 'tokens' ? 'DeploymentRatelimit-Token' : 'DeploymentRatelimit-Call',
  };
  if (retryAfterMs !== undefined) {headers['retry-after-ms'] = String(retryAfterMs);}
  const which = limit === 'tokens' ? 'token rate limit' : 'call rate limit';
  return {
    status: 429,
    headers,
    body: {
      error: {
        code: '429',
        message: `Requests to the ${operation} Operation under Azure OpenAI API version ${apiVersion} have exceeded ${which} of your current AIServices S0 pricing tier. Please retry after ${Math.ceil(retryAfterSeconds)} seconds. Please contact Azure support service if you would like to further increase the default rate limit.`,
      },
    },
  };
}

/** The prompt filter's default verdict when a scenario blocks a prompt without saying why. */
export const BLOCKED_PROMPT_FILTER: FilterResults = {
  hate: { filtered: true, severity: 'high' },
  jailbreak: { filtered: false, detected: false },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};

/** 400 `content_filter`: the prompt was blocked; `innererror.content_filter_result` says by what. */
export function promptContentFiltered(results: FilterResults = BLOCKED_PROMPT_FILTER): JsonErrorReply {
  return {
    status: 400,
    body: {
      error: {
        message:
          "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
        type: null,
        param: 'prompt',
        code: 'content_filter',
        status: 400,
        innererror: {
          code: 'ResponsibleAIPolicyViolation',
          content_filter_result: results,
        },
      },
    },
  };
}

/** The OpenAI-style validation error the service gives for a body it cannot use. */
export function invalidRequest(message: string, param: string | null, code: string | null): JsonErrorReply {
  return { status: 400, body: { error: { message, type: 'invalid_request_error', param, code } } };
}

// ---- Azure API Management (a gateway in front of the resource) -------------------------------

export function apimMissingSubscriptionKey(): JsonErrorReply {
  return {
    status: 401,
    body: {
      statusCode: 401,
      message: 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
    },
  };
}

export function apimInvalidSubscriptionKey(): JsonErrorReply {
  return {
    status: 401,
    body: {
      statusCode: 401,
      message: 'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
    },
  };
}

/** validate-jwt with the customary failed-validation-error-message. */
export function apimInvalidJwt(): JsonErrorReply {
  return { status: 401, body: { statusCode: 401, message: 'Unauthorized. Access token is missing or invalid.' } };
}

/** A second validate-jwt (required `roles` claim) configured with failed-validation-httpcode 403. */
export function apimMissingRole(role: string): JsonErrorReply {
  return {
    status: 403,
    body: { statusCode: 403, message: `Forbidden. The access token does not grant the required role '${role}'.` },
  };
}

// ---- Content filter annotations (learn.microsoft.com, "Content filtering annotations") ----------

/** hate, sexual, violence, self_harm: a severity, and whether it was filtered. */
export interface SeverityResult {
  filtered: boolean;
  severity: 'safe' | 'low' | 'medium' | 'high';
}

/** The optional models (jailbreak, indirect_attack, protected_material_text, profanity). */
export interface DetectionResult {
  filtered: boolean;
  detected: boolean;
}

/** protected_material_code carries where the code was found and its license. */
export interface CitedDetectionResult extends DetectionResult {
  citation?: { URL: string; license: string };
}

/**
 * `content_filter_results` of a prompt or a completion. Prompts carry jailbreak (user prompt
 * attacks) and indirect_attack (in documents); completions carry protected material.
 */
export interface FilterResults {
  hate?: SeverityResult;
  sexual?: SeverityResult;
  violence?: SeverityResult;
  self_harm?: SeverityResult;
  profanity?: DetectionResult;
  jailbreak?: DetectionResult;
  indirect_attack?: DetectionResult;
  protected_material_text?: DetectionResult;
  protected_material_code?: CitedDetectionResult;
}

/** Keys in Azure's (alphabetical) order, the scenario's verdicts over the safe defaults. */
export function mergeFilter(base: FilterResults, over: FilterResults | undefined): FilterResults {
  const merged: Record<string, unknown> = { ...base, ...over };
  return Object.fromEntries(Object.keys(merged).sort().map((key) => [key, merged[key]])) as FilterResults;
}

// ---- Successful chat completions ---------------------------------------------------------------

export const SAFE_COMPLETION_FILTER: FilterResults = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};

export const SAFE_PROMPT_FILTER: FilterResults = {
  hate: { filtered: false, severity: 'safe' },
  jailbreak: { filtered: false, detected: false },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};

/** What the answer's filter reports when it cuts the answer off mid-stream. */
export const FILTERED_COMPLETION_FILTER: FilterResults = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: true, severity: 'medium' },
};

export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
  systemFingerprint: string;
}

export interface Usage {
  completion_tokens: number;
  prompt_tokens: number;
  total_tokens: number;
  completion_tokens_details?: { reasoning_tokens: number };
  /** Prompt caching: the part of prompt_tokens read from the cache (prompt_tokens includes it). */
  prompt_tokens_details?: { cached_tokens: number };
}

export function chatCompletion(
  identity: CompletionIdentity,
  content: string,
  finishReason: string,
  usage: Usage,
  filters: { prompt?: FilterResults; completion?: FilterResults } = {},
): unknown {
  return {
    choices: [
      {
        content_filter_results: filters.completion ?? (finishReason === 'content_filter' ? FILTERED_COMPLETION_FILTER : SAFE_COMPLETION_FILTER),
        finish_reason: finishReason,
        index: 0,
        logprobs: null,
        message: { annotations: [], content, refusal: null, role: 'assistant' },
      },
    ],
    created: identity.created,
    id: identity.id,
    model: identity.model,
    object: 'chat.completion',
    prompt_filter_results: [{ prompt_index: 0, content_filter_results: filters.prompt ?? SAFE_PROMPT_FILTER }],
    system_fingerprint: identity.systemFingerprint,
    usage: {
      ...usage,
      completion_tokens_details: { accepted_prediction_tokens: 0, audio_tokens: 0, reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0, rejected_prediction_tokens: 0 },
      prompt_tokens_details: { audio_tokens: 0, cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0 },
    },
  };
}

/** Rough token count (about four characters a token) for `usage`; nothing depends on it. */
export function approximateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
