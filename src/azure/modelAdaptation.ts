import { APIError } from 'openai';
import { failedResponseBody } from './responseBodies';
import type { LearnedProfile, ModelProfile } from './modelProfiles';
import { reasoningEfforts, type ReasoningEffort } from './modelRequest';

/**
 * Reads a 400 in which Azure refused part of a request because of the deployment's model, and
 * says what to change so the same request is accepted: the correction is remembered for the
 * deployment, so each refusal costs one extra request, once. Returns undefined for any other error.
 *
 * Azure's refusals, as it words them:
 * - `unsupported_parameter`, param `max_tokens`: "Use 'max_completion_tokens' instead."
 * - `unsupported_parameter`, param `reasoning_effort` / `reasoning.effort` / `reasoning.summary`
 * - `unsupported_value`, param `temperature`: "Only the default (1) value is supported."
 * - `unsupported_value`, param `messages[0].role`: "does not support 'system' with this model."
 * - `unsupported_value`, param `reasoning_effort`: "Supported values are: 'low', 'medium', and 'high'."
 * - `OperationNotSupported`: "The chatCompletion operation does not work with the specified model"
 * - "Responses API is enabled only for api-version 2025-03-01-preview and later" (dated versions)
 * - 404 on the Responses route: a gateway that exposes only chat completions.
 */
export function adaptationFor(error: unknown, profile: ModelProfile, responsesOnly: boolean): LearnedProfile | undefined {
  if (!(error instanceof APIError)) {
    return undefined;
  }
  const { code, param, message } = readRefusal(error);
  if (error.status === 404 && profile.api === 'responses' && code !== 'DeploymentNotFound' && !responsesOnly) {
    return { responsesUnavailable: true };
  }
  if (error.status !== 400) {
    return undefined;
  }
  if (code === 'OperationNotSupported') {
    if (/chat ?completion/i.test(message) && profile.api === 'chat') {
      return { api: 'responses', chatCompletions: false };
    }
    if (/response/i.test(message) && profile.api === 'responses' && !responsesOnly) {
      return { api: 'chat', reasoningSummary: false };
    }
    return undefined;
  }
  if (/Responses API is enabled only for api-version/i.test(message) && profile.api === 'responses' && !responsesOnly) {
    return { responsesUnavailable: true };
  }
  const parameter = (param ?? quotedParameter(message) ?? '').toLowerCase();
  if (code === 'unsupported_parameter' || /unrecognized request argument/i.test(message)) {
    if (parameter === 'max_tokens' && profile.maxTokensParameter === 'max_tokens') {
      return { maxTokensParameter: 'max_completion_tokens' };
    }
    if (parameter === 'max_completion_tokens' && profile.maxTokensParameter === 'max_completion_tokens') {
      return { maxTokensParameter: 'max_tokens' };
    }
    if ((parameter === 'reasoning_effort' || parameter === 'reasoning.effort' || parameter === 'reasoning') && profile.reasoningEfforts.length > 0) {
      return { reasoningEfforts: [], reasoningSummary: false };
    }
    if (parameter === 'reasoning.summary' && profile.reasoningSummary) {
      return { reasoningSummary: false };
    }
    if (parameter === 'temperature' && profile.temperature) {
      return { temperature: false };
    }
    return undefined;
  }
  if (code === 'unsupported_value') {
    if (parameter === 'temperature' && profile.temperature) {
      return { temperature: false };
    }
    if (/^messages\[\d+\]\.role$/.test(parameter) || /^input\[\d+\]\.role$/.test(parameter)) {
      const refused = /does not support '(\w+)'/i.exec(message)?.[1];
      if (refused !== profile.instructionsRole || refused === 'user') {
        return undefined;
      }
      // Try the other instructions role unless it was refused already, then user words.
      const refusedRoles = [...(profile.refusedInstructionRoles ?? []), refused];
      const other = refused === 'system' ? 'developer' : 'system';
      return { instructionsRole: refusedRoles.includes(other) ? 'user' : other, refusedInstructionRoles: refusedRoles };
      return undefined;
    }
    if (parameter === 'reasoning_effort' || parameter === 'reasoning.effort') {
      const supported = supportedEfforts(message);
      return supported && supported.length > 0 ? { reasoningEfforts: supported } : { reasoningEfforts: [], reasoningSummary: false };
    }
    if (parameter === 'reasoning.summary' && profile.reasoningSummary) {
      return { reasoningSummary: false };
    }
  }
  return undefined;
}

/** The code, param and message of a refusal, wherever the body put them. */
function readRefusal(error: APIError): { code: string | undefined; param: string | undefined; message: string } {
  const inner = (error.error ?? {}) as { code?: unknown; param?: unknown; message?: unknown };
  let message = typeof inner.message === 'string' ? inner.message : '';
  if (!message) {
    // Some refusals come in the `{statusCode, message}` shape the SDK drops.
    try {
      const body = JSON.parse(failedResponseBody(error.headers as Headers | undefined) ?? '{}') as { message?: unknown };
      message = typeof body.message === 'string' ? body.message : error.message;
    } catch {
      message = error.message;
    }
  }
  return {
    code: typeof inner.code === 'string' ? inner.code : typeof error.code === 'string' ? error.code : undefined,
    param: typeof inner.param === 'string' ? inner.param : undefined,
    message,
  };
}

function quotedParameter(message: string): string | undefined {
  return /(?:parameter|argument supplied):? '?([\w.[\]]+)'?/i.exec(message)?.[1];
}

function supportedEfforts(message: string): ReasoningEffort[] | undefined {
  const listed = /supported values are:?(.*)$/i.exec(message)?.[1];
  if (!listed) {
    return undefined;
  }
  return reasoningEfforts.filter((effort) => new RegExp(`'${effort}'`).test(listed));
}

/** Azure names the window it refused when the conversation is too long: learn it for the next send. */
export function contextWindowFrom(error: unknown): number | undefined {
  if (!(error instanceof APIError) || error.status !== 400) {
    return undefined;
  }
  const { code, message } = readRefusal(error);
  if (code !== 'context_length_exceeded' && !/maximum context length/i.test(message)) {
    return undefined;
  }
  const limit = Number(/maximum context length is (\d+)/i.exec(message)?.[1] ?? /context window of (\d+)/i.exec(message)?.[1]);
  return Number.isFinite(limit) && limit > 0 ? limit : undefined;
}
