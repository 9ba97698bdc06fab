// What each deployed model accepts, and the 400s Azure OpenAI answers when a request asks for
// something the model does not take. Learned from Azure's documentation (reasoning models:
// max_completion_tokens instead of max_tokens, no temperature but the default, developer
// messages, reasoning_effort; codex and -pro models on the Responses API only; the minimum
// api-version per model; the v1 API) and the refusal texts Azure writes.

import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { invalidRequest, type JsonErrorReply } from './azureResponses';
import type { ChatMessageLike } from './scenario';

export interface StandInModel {
  /** The model name with its version, as the service reports it (e.g. gpt-5-mini-2025-08-07). */
  name: string;
  /** The model without its version, as Azure names it in messages. */
  baseName: string;
  /** False for models that only answer on the Responses API. */
  chatCompletions: boolean;
  /** Oldest dated api-version that serves the model, if it needs a newer one than most. */
  minApiVersion?: string;
  /** Reasoning models refuse max_tokens, a temperature other than 1, and think before answering. */
  reasoning: boolean;
  /** Reasoning efforts taken; empty refuses the parameter. */
  reasoningEfforts: string[];
  /** Roles the model takes for instructions. */
  instructionRoles: Array<'system' | 'developer'>;
  contextWindow: number;
}

const catalog: StandInModel[] = [
  { name: 'gpt-4o-mini-2024-07-18', baseName: 'gpt-4o-mini', chatCompletions: true, reasoning: false, reasoningEfforts: [], instructionRoles: ['system', 'developer'], contextWindow: 128_000 },
  { name: 'gpt-4o-2024-11-20', baseName: 'gpt-4o', chatCompletions: true, reasoning: false, reasoningEfforts: [], instructionRoles: ['system', 'developer'], contextWindow: 128_000 },
  {
    name: 'gpt-5-mini-2025-08-07',
    baseName: 'gpt-5-mini',
    chatCompletions: true,
    minApiVersion: '2024-12-01-preview',
    reasoning: true,
    reasoningEfforts: ['minimal', 'low', 'medium', 'high'],
    instructionRoles: ['system', 'developer'],
    contextWindow: 400_000,
  },
  {
    name: 'gpt-5-codex-2025-09-15',
    baseName: 'gpt-5-codex',
    chatCompletions: false,
    minApiVersion: '2025-03-01-preview',
    reasoning: true,
    reasoningEfforts: ['low', 'medium', 'high'],
    instructionRoles: ['system', 'developer'],
    contextWindow: 400_000,
  },
  {
    name: 'o1-mini-2024-09-12',
    baseName: 'o1-mini',
    chatCompletions: true,
    minApiVersion: '2024-09-01-preview',
    reasoning: true,
    reasoningEfforts: [],
    instructionRoles: [],
    contextWindow: 128_000,
  },
];

/** The model for a name with or without its version; unknown names behave like gpt-4o-mini. */
export function lookUpModel(name: string): StandInModel {
  const found = catalog.find((model) => model.name === name) ?? catalog.find((model) => name.startsWith(model.baseName) && !name.startsWith(`${model.baseName}-`));
  return found ?? { ...catalog[0]!, name, baseName: name };
}

export function isDatedApiVersionBefore(apiVersion: string | undefined, minimum: string): boolean {
  // YYYY-MM-DD compares as text; a -preview of the same day counts as that day.
  return apiVersion !== undefined && apiVersion.slice(0, 10) < minimum.slice(0, 10);
}

export const RESPONSES_MIN_API_VERSION = '2025-03-01-preview';

/** Tokens a conversation costs the model: its text counted with the model's encoding, plus per-message framing. */
export function promptTokens(messages: ChatMessageLike[], instructions = ''): number {
  const framing = 3 + 4 * messages.length + (instructions ? 4 : 0);
  return framing + messages.reduce((sum, message) => sum + countTokens(message.content), instructions ? countTokens(instructions) : 0);
}

function unsupportedParameter(param: string, instead?: string): JsonErrorReply {
  return invalidRequest(`Unsupported parameter: '${param}' is not supported with this model.${instead ? ` Use '${instead}' instead.` : ''}`, param, 'unsupported_parameter');
}

function unsupportedValue(param: string, message: string): JsonErrorReply {
  return invalidRequest(`Unsupported value: ${message}`, param, 'unsupported_value');
}

/** 400 for a model that needs a newer dated api-version than the request named. */
export function modelNeedsNewerApiVersion(model: StandInModel): JsonErrorReply {
  return { status: 400, body: { error: { code: 'BadRequest', message: `Model ${model.baseName} is enabled only for api versions ${model.minApiVersion} and later` } } };
}

export function operationNotSupported(operation: 'chatCompletion' | 'responses', model: StandInModel): JsonErrorReply {
  return {
    status: 400,
    body: {
      error: {
        code: 'OperationNotSupported',
        message: `The ${operation} operation does not work with the specified model, ${model.baseName}. Please choose different model and try again. You can learn more about which models can be used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993.`,
      },
    },
  };
}

export function responsesNeedNewerApiVersion(): JsonErrorReply {
  return { status: 400, body: { error: { code: 'BadRequest', message: `Responses API is enabled only for api-version ${RESPONSES_MIN_API_VERSION} and later` } } };
}

interface ChatBody {
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
  temperature?: unknown;
  reasoning_effort?: unknown;
  messages?: Array<{ role?: unknown }>;
}

/** The refusal Azure gives a chat completions body the model does not take, if any. */
export function refuseChatBody(model: StandInModel, body: ChatBody, messages: ChatMessageLike[], contextWindow: number): JsonErrorReply | undefined {
  if (model.reasoning && body.max_tokens !== undefined) {
    return unsupportedParameter('max_tokens', 'max_completion_tokens');
  }
  if (model.reasoning && body.temperature !== undefined && body.temperature !== 1) {
    return unsupportedValue('temperature', `'temperature' does not support ${String(body.temperature)} with this model. Only the default (1) value is supported.`);
  }
  const refusedEffort = refuseEffort(model, body.reasoning_effort, 'reasoning_effort');
  if (refusedEffort) {
    return refusedEffort;
  }
  const roleAt = messages.findIndex((message) => (message.role === 'system' || message.role === 'developer') && !model.instructionRoles.includes(message.role));
  if (roleAt >= 0) {
    return unsupportedValue(`messages[${roleAt}].role`, `'messages[${roleAt}].role' does not support '${messages[roleAt]?.role}' with this model.`);
  }
  const prompt = promptTokens(messages);
  const completion = Number(body.max_completion_tokens ?? body.max_tokens ?? 0);
  if (prompt + completion > contextWindow) {
    return {
      status: 400,
      body: {
        error: {
          message: `This model's maximum context length is ${contextWindow} tokens. However, you requested ${prompt + completion} tokens (${prompt} in the messages, ${completion} in the completion). Please reduce the length of the messages or completion.`,
          type: 'invalid_request_error',
          param: 'messages',
          code: 'context_length_exceeded',
        },
      },
    };
  }
  return undefined;
}

interface ResponsesBody {
  temperature?: unknown;
  reasoning?: { effort?: unknown; summary?: unknown } | null;
  max_output_tokens?: unknown;
}

/** The refusal Azure gives a Responses body the model does not take, if any. */
export function refuseResponsesBody(model: StandInModel, body: ResponsesBody, input: ChatMessageLike[], instructions: string, contextWindow: number): JsonErrorReply | undefined {
  if (model.reasoning && body.temperature !== undefined && body.temperature !== 1) {
    return unsupportedParameter('temperature');
  }
  if (body.reasoning && !model.reasoning) {
    return unsupportedParameter('reasoning.effort');
  }
  const refusedEffort = refuseEffort(model, body.reasoning?.effort, 'reasoning.effort');
  if (refusedEffort) {
    return refusedEffort;
  }
  const prompt = promptTokens(input, instructions);
  if (prompt + Number(body.max_output_tokens ?? 0) > contextWindow) {
    return {
      status: 400,
      body: {
        error: {
          message: 'Your input exceeds the context window of this model. Please adjust your input and try again.',
          type: 'invalid_request_error',
          param: 'input',
          code: 'context_length_exceeded',
        },
      },
    };
  }
  return undefined;
}

function refuseEffort(model: StandInModel, effort: unknown, param: string): JsonErrorReply | undefined {
  if (effort === undefined || effort === null) {
    return undefined;
  }
  if (model.reasoningEfforts.length === 0) {
    return unsupportedParameter(param);
  }
  if (typeof effort !== 'string' || !model.reasoningEfforts.includes(effort)) {
    const listed = model.reasoningEfforts.map((value) => `'${value}'`);
    const last = listed.pop();
    return unsupportedValue(param, `'${param}' does not support '${String(effort)}' with this model. Supported values are: ${listed.join(', ')}, and ${last}.`);
  }
  return undefined;
}
