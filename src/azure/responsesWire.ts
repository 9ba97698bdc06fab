import type OpenAI from 'openai';
import type { ResponseCreateParamsStreaming, ResponseInputItem, ResponseStreamEvent, ResponseUsage } from 'openai/resources/responses/responses';
import type { WireOutcome } from './chatCompletionsWire';
import type { ModelProfile } from './modelProfiles';
import { imageDataUrl, type ModelEventSink, type ModelRequest, type ReasoningEffort, type TokenUsage } from './modelRequest';
import type { StreamGuard } from './streamGuard';
import { forEachStreamedEvent } from './streamedEvents';
import { responsesFindings } from './contentFilters';
import { readQuota } from './rateLimits';

/** The service ended a Responses stream with `response.failed` or an `error` event. */
export class ResponseFailedError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ResponseFailedError';
  }
}

/**
 * The Responses body for a request. The whole conversation is sent every time and `store` is
 * false: nothing of the user's conversation is kept by the service (Azure would otherwise keep
 * responses for 30 days), and no response id has to survive a VS Code restart. Reasoning
 * summaries are asked for (`summary: auto`) and shown, never sent back.
 */
export function responsesBody(deployment: string, request: ModelRequest, profile: ModelProfile, effort: ReasoningEffort | undefined): ResponseCreateParamsStreaming {
  const instructions = request.messages
    .filter((message) => message.role === 'system')
    .map((message) => message.content)
    .join('\n\n');
  const body: ResponseCreateParamsStreaming = {
    model: deployment,
    input: toInputItems(request),
    stream: true,
    store: false,
  };
  if (instructions) {
    body.instructions = instructions;
  }
  if (profile.reasoningEfforts.length > 0) {
    body.reasoning = { ...(effort ? { effort } : {}), ...(profile.reasoningSummary ? { summary: 'auto' } : {}) };
  }
  if (request.maxOutputTokens !== undefined) {
    body.max_output_tokens = request.maxOutputTokens;
  }
  if (request.temperature !== undefined && profile.temperature) {
    body.temperature = request.temperature;
  }
  if (request.tools?.length) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      name: tool.name,
      description: tool.description ?? null,
      parameters: tool.parameters ? { ...tool.parameters } : null,
      strict: false,
    }));
    if (request.toolChoice) {
      body.tool_choice = request.toolChoice;
    }
    // Nothing is stored server-side, so a reasoning model's thinking survives a tool step only
    // when the service hands it over (encrypted) and it is sent back with the results.
    if (profile.reasoningEfforts.length > 0) {
      body.include = ['reasoning.encrypted_content'];
    }
  }
  return body;
}

function toInputItems(request: ModelRequest): ResponseInputItem[] {
  const items: ResponseInputItem[] = [];
  for (const message of request.messages) {
    switch (message.role) {
      case 'system':
        break; // sent as `instructions`
      case 'user':
        items.push(
          message.images?.length
            ? { role: 'user', content: [{ type: 'input_text', text: message.content }, ...message.images.map((image) => ({ type: 'input_image' as const, image_url: imageDataUrl(image), detail: 'auto' as const }))] }
            : { role: 'user', content: message.content },
        );
        break;
      case 'assistant':
        for (const reasoning of message.reasoningItems ?? []) {
          items.push({ type: 'reasoning', id: reasoning.id, encrypted_content: reasoning.encryptedContent, summary: [] });
        }
        if (message.content) {
          items.push({ role: 'assistant', content: message.content });
        }
        for (const call of message.toolCalls ?? []) {
          items.push({ type: 'function_call', call_id: call.callId, name: call.name, arguments: call.arguments });
        }
        break;
      case 'tool':
        items.push({ type: 'function_call_output', call_id: message.callId, output: message.content });
        break;
    }
  }
  return items;
}

function toUsage(usage: ResponseUsage | null | undefined): TokenUsage | undefined {
  return usage
    ? {
        inputTokens: usage.input_tokens,
        outputTokens: usage.output_tokens,
        reasoningTokens: usage.output_tokens_details?.reasoning_tokens ?? 0,
        cachedInputTokens: usage.input_tokens_details?.cached_tokens ?? 0,
      }
    : undefined;
}

/** Sends the request and turns the Responses events into ModelEvents. */
export async function streamResponses(client: OpenAI, body: ResponseCreateParamsStreaming, guard: StreamGuard, onEvent: ModelEventSink): Promise<WireOutcome> {
  // The SDK sends the request; its body is read here, a network read at a time (streamedEvents.ts).
  const response = await client.responses.create(body, { signal: guard.signal }).asResponse();
  const quota = readQuota(response.headers);
  if (quota) {
    onEvent({ type: 'quota', quota });
  }
  // Azure's `content_filters` on the response object (not in the SDK's types).
  const reportFilters = (responseObject: unknown): void => {
    const { prompt, completion } = responsesFindings(responseObject);
    if (prompt.length > 0) {
      onEvent({ type: 'contentFilter', source: 'prompt', findings: prompt });
    }
    if (completion.length > 0) {
      onEvent({ type: 'contentFilter', source: 'completion', findings: completion });
    }
  };
  let finishReason: string | undefined;
  let reportedModel: string | undefined;
  // Function call items by item id: argument pieces name the item, not the call.
  const calls = new Map<string, { callId: string; name: string }>();
  let madeToolCalls = false;
  const handle = (event: ResponseStreamEvent): void => {
    switch (event.type) {
      case 'response.created':
        reportedModel = event.response.model || reportedModel;
        break;
      case 'response.output_text.delta':
        if (event.delta) {
          onEvent({ type: 'text', text: event.delta });
        }
        break;
      case 'response.reasoning_summary_part.added':
        // Summary parts are paragraphs of one summary.
        if (event.summary_index > 0) {
          onEvent({ type: 'reasoning', text: '\n\n' });
        }
        break;
      case 'response.reasoning_summary_text.delta':
        if (event.delta) {
          onEvent({ type: 'reasoning', text: event.delta });
        }
        break;
      case 'response.output_item.added':
        if (event.item.type === 'function_call') {
          const call = { callId: event.item.call_id, name: event.item.name };
          calls.set(event.item.id ?? call.callId, call);
          onEvent({ type: 'toolCallStart', ...call });
        }
        break;
      case 'response.function_call_arguments.delta': {
        const call = calls.get(event.item_id);
        if (call && event.delta) {
          onEvent({ type: 'toolCallArguments', callId: call.callId, text: event.delta });
        }
        break;
      }
      case 'response.output_item.done':
        if (event.item.type === 'reasoning' && event.item.encrypted_content) {
          onEvent({ type: 'reasoningItem', item: { id: event.item.id, encryptedContent: event.item.encrypted_content } });
        }
        if (event.item.type === 'function_call') {
          madeToolCalls = true;
          onEvent({ type: 'toolCallEnd', call: { callId: event.item.call_id, name: event.item.name, arguments: event.item.arguments } });
        }
        break;
      case 'response.completed': {
        reportedModel = event.response.model || reportedModel;
        reportFilters(event.response);
        const usage = toUsage(event.response.usage);
        if (usage) {
          onEvent({ type: 'usage', usage });
        }
        finishReason = madeToolCalls ? 'tool_calls' : 'stop';
        break;
      }
      case 'response.incomplete': {
        reportFilters(event.response);
        const usage = toUsage(event.response.usage);
        if (usage) {
          onEvent({ type: 'usage', usage });
        }
        const reason = event.response.incomplete_details?.reason;
        finishReason = reason === 'content_filter' ? 'content_filter' : 'length';
        break;
      }
      case 'response.failed':
        throw new ResponseFailedError(event.response.error?.message ?? 'The response failed.', event.response.error?.code ?? undefined);
      case 'error':
        throw new ResponseFailedError(event.message, event.code ?? undefined);
      default:
        break;
    }
  };
  await forEachStreamedEvent<ResponseStreamEvent>(response, () => guard.touch(), handle);
  return { finishReason, reportedModel };
}
