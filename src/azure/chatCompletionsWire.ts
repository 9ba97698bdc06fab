import type OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ModelProfile } from './modelProfiles';
import { imageDataUrl, type ModelEventSink, type ModelRequest, type ReasoningEffort } from './modelRequest';
import type { StreamGuard } from './streamGuard';
import { forEachStreamedEvent } from './streamedEvents';
import { FindingSet, promptFindings, readFilterResults } from './contentFilters';
import { readQuota } from './rateLimits';

/** What a wire reports back to the engine besides the events. */
export interface WireOutcome {
  /** stop, length, tool_calls, content_filter; undefined when the stream ended without one. */
  readonly finishReason: string | undefined;
  /** The model the service said answered. */
  readonly reportedModel: string | undefined;
}

/** The chat completions body for a request, in the shape the deployment's model accepts. */
export function chatCompletionsBody(deployment: string, request: ModelRequest, profile: ModelProfile, effort: ReasoningEffort | undefined): ChatCompletionCreateParamsStreaming {
  const body: ChatCompletionCreateParamsStreaming = {
    model: deployment,
    messages: toChatMessages(request, profile),
    stream: true,
    // The last chunk carries the token counts the chat shows under each answer.
    stream_options: { include_usage: true },
  };
  if (request.maxOutputTokens !== undefined) {
    body[profile.maxTokensParameter] = request.maxOutputTokens;
  }
  if (effort) {
    body.reasoning_effort = effort;
  }
  if (request.temperature !== undefined && profile.temperature) {
    body.temperature = request.temperature;
  }
  if (request.tools?.length) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), ...(tool.parameters ? { parameters: { ...tool.parameters } } : {}) },
    }));
    if (request.toolChoice) {
      body.tool_choice = request.toolChoice;
    }
  }
  return body;
}

function toChatMessages(request: ModelRequest, profile: ModelProfile): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  for (const message of request.messages) {
    switch (message.role) {
      case 'system':
        // Models that take no instructions role get them as the first user words.
        messages.push(profile.instructionsRole === 'user' ? { role: 'user', content: message.content } : { role: profile.instructionsRole, content: message.content });
        break;
      case 'user':
        messages.push(
          message.images?.length
            ? { role: 'user', content: [{ type: 'text', text: message.content }, ...message.images.map((image) => ({ type: 'image_url' as const, image_url: { url: imageDataUrl(image) } }))] }
            : { role: 'user', content: message.content },
        );
        break;
      case 'assistant':
        messages.push(
          message.toolCalls?.length
            ? {
                role: 'assistant',
                content: message.content || null,
                tool_calls: message.toolCalls.map((call) => ({ id: call.callId, type: 'function', function: { name: call.name, arguments: call.arguments } })),
              }
            : { role: 'assistant', content: message.content },
        );
        break;
      case 'tool':
        messages.push({ role: 'tool', tool_call_id: message.callId, content: message.content });
        break;
    }
  }
  return messages;
}

/** Sends the request and turns the chunks into ModelEvents. */
export async function streamChatCompletions(client: OpenAI, body: ChatCompletionCreateParamsStreaming, guard: StreamGuard, onEvent: ModelEventSink): Promise<WireOutcome> {
  // The SDK sends the request; its body is read here, a network read at a time (streamedEvents.ts).
  const response = await client.chat.completions.create(body, { signal: guard.signal }).asResponse();
  const quota = readQuota(response.headers);
  if (quota) {
    onEvent({ type: 'quota', quota });
  }
  // Azure's extensions to the chunks: filter results on the prompt and on each piece of the answer.
  const prompt = new FindingSet();
  const completion = new FindingSet();
  let finishReason: string | undefined;
  let reportedModel: string | undefined;
  // Tool calls arrive as pieces keyed by index; the id and name come with the first piece.
  const calls = new Map<number, { callId: string; name: string; arguments: string }>();
  const onChunk = (chunk: ChatCompletionChunk): void => {
    if (chunk.model) {
      reportedModel = chunk.model;
    }
    if (chunk.usage) {
      onEvent({
        type: 'usage',
        usage: {
          inputTokens: chunk.usage.prompt_tokens,
          outputTokens: chunk.usage.completion_tokens,
          reasoningTokens: chunk.usage.completion_tokens_details?.reasoning_tokens ?? 0,
          cachedInputTokens: chunk.usage.prompt_tokens_details?.cached_tokens ?? 0,
        },
      });
    }
    const flagged = promptFindings(chunk);
    if (flagged.length > 0 && prompt.add(flagged)) {
      onEvent({ type: 'contentFilter', source: 'prompt', findings: prompt.findings });
    }
    // Azure's first chunk carries only prompt_filter_results and an empty `choices`.
    const choice = chunk.choices[0];
    if (!choice) {
      return;
    }
    const answerFlags = readFilterResults((choice as { content_filter_results?: unknown }).content_filter_results);
    if (answerFlags.length > 0 && completion.add(answerFlags)) {
      onEvent({ type: 'contentFilter', source: 'completion', findings: completion.findings });
    }
    const delta = choice.delta;
    if (delta?.content) {
      onEvent({ type: 'text', text: delta.content });
    }
    for (const piece of delta?.tool_calls ?? []) {
      let call = calls.get(piece.index);
      if (!call) {
        call = { callId: piece.id ?? `call_${piece.index}`, name: piece.function?.name ?? '', arguments: '' };
        calls.set(piece.index, call);
        onEvent({ type: 'toolCallStart', callId: call.callId, name: call.name });
      }
      const argumentsPiece = piece.function?.arguments;
      if (argumentsPiece) {
        call.arguments += argumentsPiece;
        onEvent({ type: 'toolCallArguments', callId: call.callId, text: argumentsPiece });
      }
    }
    if (choice.finish_reason) {
      finishReason = choice.finish_reason;
      for (const call of calls.values()) {
        onEvent({ type: 'toolCallEnd', call: { ...call } });
      }
      calls.clear();
    }
  };
  await forEachStreamedEvent<ChatCompletionChunk>(response, () => guard.touch(), onChunk);
  return { finishReason, reportedModel };
}
