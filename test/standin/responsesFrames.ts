// The server-sent events of a streamed Azure OpenAI Responses API answer, in the documented
// order, each as `event: <type>\ndata: <json>\n\n` with a growing `sequence_number`:
//   response.created, response.in_progress
//   (reasoning models asked for a summary) a reasoning item: output_item.added,
//     reasoning_summary_part.added, reasoning_summary_text.delta..., reasoning_summary_text.done,
//     reasoning_summary_part.done, output_item.done
//   the message item: output_item.added, content_part.added, output_text.delta...,
//     output_text.done, content_part.done, output_item.done
//   response.completed with `usage` (or response.incomplete with incomplete_details)
// No `[DONE]`: the stream ends after the last event. Deltas are the hot path, so each is the
// item's fixed prefix and suffix around the JSON-escaped text, like sseFrames.ts.

import { randomBytes } from 'node:crypto';
import type { FilterResults } from './azureResponses';

export interface ResponsesUsage {
  input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cached_tokens?: number;
}

/**
 * Azure's Responses API reports the filters in a top-level `content_filters` array of the
 * response object (not prompt_filter_results / content_filter_results): one entry per source.
 */
export interface ResponsesContentFilter {
  blocked: boolean;
  source_type: 'prompt' | 'completion';
  content_filter_results: FilterResults;
  content_filter_offsets: { start_offset: number; end_offset: number; check_offset: number };
}

export class ResponsesFrames {
  readonly responseId = `resp_${randomBytes(24).toString('hex')}`;
  private readonly reasoningId = `rs_${randomBytes(24).toString('hex')}`;
  private readonly messageId = `msg_${randomBytes(24).toString('hex')}`;
  readonly encryptedContent = `gAAAAA${randomBytes(48).toString('base64')}`;
  private readonly createdAt = Math.floor(Date.now() / 1000);
  private sequence = 0;
  private readonly textDeltaPrefix: string;
  private readonly summaryDeltaPrefix: string;
  /** The message item's output_index: 1 after a reasoning item, else 0. */
  private messageIndex = 0;
  private readonly calls: unknown[] = [];

  constructor(
    private readonly model: string,
    private readonly request: { instructions: string | null; reasoning: unknown; max_output_tokens: unknown; store: boolean; encryptedReasoning?: boolean },
  ) {
    this.textDeltaPrefix = `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","content_index":0,"delta":`;
    this.summaryDeltaPrefix = `event: response.reasoning_summary_text.delta\ndata: {"type":"response.reasoning_summary_text.delta","delta":`;
  }

  created(): string {
    return this.frame('response.created', { response: this.response('in_progress', [], null) }) + this.frame('response.in_progress', { response: this.response('in_progress', [], null) });
  }

  reasoningStart(): string {
    this.messageIndex = 1;
    return (
      this.frame('response.output_item.added', { output_index: 0, item: { id: this.reasoningId, type: 'reasoning', summary: [] } }) +
      this.frame('response.reasoning_summary_part.added', { item_id: this.reasoningId, output_index: 0, summary_index: 0, part: { type: 'summary_text', text: '' } })
    );
  }

  summaryDelta(text: string): string {
    return `${this.summaryDeltaPrefix}${JSON.stringify(text)},"item_id":"${this.reasoningId}","output_index":0,"sequence_number":${this.sequence++},"summary_index":0}\n\n`;
  }

  reasoningEnd(summary: string): string {
    return (
      this.frame('response.reasoning_summary_text.done', { item_id: this.reasoningId, output_index: 0, summary_index: 0, text: summary }) +
      this.frame('response.reasoning_summary_part.done', { item_id: this.reasoningId, output_index: 0, summary_index: 0, part: { type: 'summary_text', text: summary } }) +
      this.frame('response.output_item.done', { output_index: 0, item: this.reasoningItem(summary) })
    );
  }

  messageStart(): string {
    return (
      this.frame('response.output_item.added', { output_index: this.messageIndex, item: { id: this.messageId, type: 'message', status: 'in_progress', content: [], role: 'assistant' } }) +
      this.frame('response.content_part.added', { item_id: this.messageId, output_index: this.messageIndex, content_index: 0, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } })
    );
  }

  textDelta(text: string): string {
    return `${this.textDeltaPrefix}${JSON.stringify(text)},"item_id":"${this.messageId}","logprobs":[],"output_index":${this.messageIndex},"sequence_number":${this.sequence++}}\n\n`;
  }

  messageEnd(text: string): string {
    return (
      this.frame('response.output_text.done', { item_id: this.messageId, output_index: this.messageIndex, content_index: 0, text, logprobs: [] }) +
      this.frame('response.content_part.done', { item_id: this.messageId, output_index: this.messageIndex, content_index: 0, part: this.outputText(text) }) +
      this.frame('response.output_item.done', { output_index: this.messageIndex, item: this.messageItem(text, 'completed') })
    );
  }

  /** A function call item after the message: added, argument pieces, done. */
  toolCall(outputIndex: number, callId: string, name: string, argumentPieces: string[]): string {
    const id = `fc_${randomBytes(24).toString('hex')}`;
    const item = { id, type: 'function_call', status: 'in_progress', arguments: '', call_id: callId, name };
    const args = argumentPieces.join('');
    const done = { ...item, status: 'completed', arguments: args };
    this.calls.push(done);
    return (
      this.frame('response.output_item.added', { output_index: outputIndex, item }) +
      argumentPieces.map((delta) => this.frame('response.function_call_arguments.delta', { item_id: id, output_index: outputIndex, delta })).join('') +
      this.frame('response.function_call_arguments.done', { item_id: id, output_index: outputIndex, arguments: args }) +
      this.frame('response.output_item.done', { output_index: outputIndex, item: done })
    );
  }

  /** The output index the next item gets. */
  get nextOutputIndex(): number {
    return this.messageIndex + 1 + this.calls.length;
  }

  completed(text: string, summary: string | undefined, usage: ResponsesUsage, filters?: ResponsesContentFilter[]): string {
    return this.frame('response.completed', { response: { ...this.response('completed', this.output(text, summary, 'completed'), usage), ...(filters ? { content_filters: filters } : {}) } });
  }

  /** The answer ended early: `reason` is content_filter or max_output_tokens. */
  incomplete(text: string, summary: string | undefined, usage: ResponsesUsage, reason: 'content_filter' | 'max_output_tokens', filters?: ResponsesContentFilter[]): string {
    return this.frame('response.incomplete', {
      response: { ...this.response('incomplete', this.output(text, summary, 'incomplete'), usage), incomplete_details: { reason }, ...(filters ? { content_filters: filters } : {}) },
    });
  }

  private output(text: string, summary: string | undefined, status: string): unknown[] {
    return [...(summary === undefined ? [] : [this.reasoningItem(summary)]), this.messageItem(text, status), ...this.calls];
  }

  private reasoningItem(summary: string): unknown {
    // `include: ["reasoning.encrypted_content"]` adds the reasoning, encrypted, for a stateless (store: false) caller to send back.
    return {
      id: this.reasoningId,
      type: 'reasoning',
      summary: summary ? [{ type: 'summary_text', text: summary }] : [],
      ...(this.request.encryptedReasoning ? { encrypted_content: this.encryptedContent } : {}),
    };
  }

  private messageItem(text: string, status: string): unknown {
    return { id: this.messageId, type: 'message', status, content: [this.outputText(text)], role: 'assistant' };
  }

  private outputText(text: string): unknown {
    return { type: 'output_text', annotations: [], logprobs: [], text };
  }

  private response(status: string, output: unknown[], usage: ResponsesUsage | null): Record<string, unknown> {
    return {
      id: this.responseId,
      object: 'response',
      created_at: this.createdAt,
      status,
      background: false,
      error: null,
      incomplete_details: null,
      instructions: this.request.instructions,
      max_output_tokens: this.request.max_output_tokens ?? null,
      model: this.model,
      output,
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: this.request.reasoning ?? { effort: null, summary: null },
      store: this.request.store,
      temperature: 1,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools: [],
      top_p: 1,
      truncation: 'disabled',
      usage: usage && {
        input_tokens: usage.input_tokens,
        input_tokens_details: { cached_tokens: usage.cached_tokens ?? 0 },
        output_tokens: usage.output_tokens,
        output_tokens_details: { reasoning_tokens: usage.reasoning_tokens },
        total_tokens: usage.input_tokens + usage.output_tokens,
      },
      user: null,
      metadata: {},
    };
  }

  private frame(type: string, fields: Record<string, unknown>): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.sequence++, ...fields })}\n\n`;
  }
}
