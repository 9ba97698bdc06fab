// The server-sent-event frames of a streamed Azure OpenAI chat completion.
//
// A streamed answer is thousands of nearly identical frames, so each frame is the answer's fixed
// prefix and suffix around the JSON-escaped delta: one JSON.stringify of a short string per frame
// instead of a whole object. The frames match what Azure sends (keys in its order):
//   1. a metadata chunk with empty `choices` and the prompt's `prompt_filter_results`
//   2. a first content chunk with `delta: {content:"", refusal:null, role:"assistant"}`
//   3. content chunks, each with the answer filter's `content_filter_results`
//   4. (tool calls) `delta.tool_calls` pieces: index, id, type and name first, then argument pieces
//   5. a last chunk with an empty delta and `finish_reason`
//   6. (with stream_options.include_usage) a chunk with empty `choices` and `usage`
//   7. `data: [DONE]`

import {
  type CompletionIdentity,
  FILTERED_COMPLETION_FILTER,
  type FilterResults,
  SAFE_COMPLETION_FILTER,
  SAFE_PROMPT_FILTER,
  type Usage,
} from './azureResponses';

/**
 * What the filters say: `prompt` in the first chunk's prompt_filter_results, `completion` on every
 * content chunk (annotations, e.g. protected code with its citation), `cut` on the chunk that ends
 * an answer the filter stopped.
 */
export interface StreamFilters {
  prompt?: FilterResults;
  completion?: FilterResults;
  cut?: FilterResults;
}

export const DONE_FRAME = 'data: [DONE]\n\n';

export class SseFrames {
  private readonly contentPrefix: string;
  private readonly chunkSuffix: string;

  constructor(
    private readonly identity: CompletionIdentity,
    private readonly filters: StreamFilters = {},
  ) {
    this.contentPrefix = `data: {"choices":[{"content_filter_results":${JSON.stringify(filters.completion ?? SAFE_COMPLETION_FILTER)},"delta":{"content":`;
    this.chunkSuffix =
      `,"created":${identity.created},"id":${JSON.stringify(identity.id)},"model":${JSON.stringify(identity.model)},` +
      `"object":"chat.completion.chunk","system_fingerprint":${JSON.stringify(identity.systemFingerprint)}}\n\n`;
  }

  promptFilter(): string {
    return frame({
      choices: [],
      created: 0,
      id: '',
      model: '',
      object: '',
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: this.filters.prompt ?? SAFE_PROMPT_FILTER }],
    });
  }

  role(): string {
    return this.choiceFrame({ content_filter_results: {}, delta: { content: '', refusal: null, role: 'assistant' }, finish_reason: null });
  }

  content(text: string): string {
    return `${this.contentPrefix}${JSON.stringify(text)}},"finish_reason":null,"index":0,"logprobs":null}]${this.chunkSuffix}`;
  }

  /**
   * The first piece of tool call `index`: its id, type and name, with empty arguments. When no
   * text came before, the delta also carries the role and `content: null`, as Azure sends it.
   */
  toolCallStart(index: number, id: string, name: string, first: boolean): string {
    const call = { index, id, type: 'function', function: { name, arguments: '' } };
    return this.choiceFrame({ content_filter_results: {}, delta: first ? { role: 'assistant', content: null, tool_calls: [call] } : { tool_calls: [call] }, finish_reason: null });
  }

  /** A piece of the arguments of tool call `index` (only the index names which call it is). */
  toolCallArguments(index: number, piece: string): string {
    return this.choiceFrame({ content_filter_results: {}, delta: { tool_calls: [{ index, function: { arguments: piece } }] }, finish_reason: null });
  }

  finish(reason: 'stop' | 'length' | 'tool_calls'): string {
    return this.choiceFrame({ content_filter_results: {}, delta: {}, finish_reason: reason });
  }

  /** The answer filter stops the answer: the chunk carries which category it caught. */
  contentFiltered(): string {
    return this.choiceFrame({ content_filter_results: this.filters.cut ?? FILTERED_COMPLETION_FILTER, delta: {}, finish_reason: 'content_filter' });
  }

  usage(usage: Usage): string {
    const { created, id, model, systemFingerprint } = this.identity;
    return frame({ choices: [], created, id, model, object: 'chat.completion.chunk', system_fingerprint: systemFingerprint, usage });
  }

  private choiceFrame(choice: { content_filter_results: unknown; delta: unknown; finish_reason: string | null }): string {
    const body = JSON.stringify([{ ...choice, index: 0, logprobs: null }]);
    return `data: {"choices":${body}${this.chunkSuffix}`;
  }
}

function frame(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}
