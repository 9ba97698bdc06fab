// What the stand-in answers: scripted scenarios, and the default answer derived from the prompt.

import type { FilterResults, RateLimitKind } from './azureResponses';

export interface ScriptedError {
  status: number;
  /** An object is sent as JSON; a string as it is. */
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * How the stand-in behaves for one chat completion request (every field optional). Counts of
 * chunks (`...AfterChunks`) count content chunks only: the metadata chunk with the prompt filter
 * results and the role chunk are always sent first on a streamed answer.
 */
export interface Scenario {
  /** The answer text; split into chunks of `chunkSize` characters (default: word by word). */
  text?: string;
  /** The answer as explicit chunks (wins over `text`). */
  chunks?: string[];
  chunkSize?: number;
  /** Pause between content chunks. */
  delayMs?: number;
  /** Pause before the response starts (time to first token; the SDK's create() resolves after it). */
  firstChunkDelayMs?: number;
  /** Answer with this instead of a completion. */
  error?: ScriptedError;
  /**
   * 429 as Azure's rate limiter answers it; `retryAfterMs` defaults to retryAfterSeconds*1000, null
   * omits the header; `limit` names the limit hit (default the token rate limit).
   */
  rateLimit?: { retryAfterSeconds: number; retryAfterMs?: number | null; limit?: RateLimitKind };
  /** 400 `content_filter`: the prompt tripped the content filter (true: hate, high; or these verdicts). */
  promptContentFilter?: boolean | FilterResults;
  /** The prompt filter's annotations on an answered prompt (e.g. jailbreak or indirect_attack detected, not filtered). */
  promptFilter?: FilterResults;
  /**
   * The answer filter's annotations, on every content chunk (e.g. protected_material_code detected
   * with its citation); with contentFilterAfterChunks, the verdict that cut the answer instead.
   */
  completionFilter?: FilterResults;
  /** usage.prompt_tokens_details.cached_tokens; by default the stand-in's own prompt cache decides. */
  cachedTokens?: number;
  /** After n content chunks, a chunk with finish_reason "content_filter", then [DONE]. */
  contentFilterAfterChunks?: number;
  /** After n content chunks, destroy the connection (no finish_reason, no [DONE]). */
  dropAfterChunks?: number;
  /** After n content chunks, send nothing more and keep the connection open until the client leaves. */
  stallAfterChunks?: number;
  /** End the response normally after the last content chunk, without finish_reason and [DONE]. */
  omitDone?: boolean;
  /** Responses API, reasoning models asked for a summary: the summary text ('' for none; default derived from the question). */
  reasoning?: string;
  /** finish_reason of a complete answer (default "stop"). */
  finishReason?: 'stop' | 'length';
  /**
   * Tool calls the model makes after the answer text (which may be empty). Chat completions
   * streams each as `delta.tool_calls` pieces with its index (id, type and name in the first
   * piece, then the arguments in pieces of `toolArgumentsChunkSize` characters, default 10) and
   * ends with finish_reason "tool_calls"; Responses streams each as a `function_call` output item
   * with `response.function_call_arguments.delta` events. `id` (the call id) defaults to a
   * generated `call_...`.
   */
  toolCalls?: ScriptedToolCall[];
  toolArgumentsChunkSize?: number;
}

export interface ScriptedToolCall {
  name: string;
  /** JSON text, as the model writes it. */
  arguments: string;
  id?: string;
}

export interface ChatMessageLike {
  role: string;
  content: string;
}

/** Reads `messages` from a request body, tolerating the content-part array form. */
export function readMessages(body: unknown): ChatMessageLike[] {
  if (typeof body !== 'object' || body === null) {return [];}
  const messages = (body as { messages?: unknown }).messages;
  if (!Array.isArray(messages)) {return [];}
  return messages.map((message: unknown) => {
    const { role, content } = (message ?? {}) as { role?: unknown; content?: unknown };
    return { role: typeof role === 'string' ? role : '', content: contentText(content) };
  });
}

function contentText(content: unknown): string {
  if (typeof content === 'string') {return content;}
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) => (typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : ''))
      .join('');
  }
  return '';
}

export interface PlannedAnswer {
  chunks: string[];
  delayMs: number;
}

/**
 * The answer when the scenario does not script one. Deterministic and derived from the whole
 * conversation, so a test (or a human in the browser) can see that the question, the turn count
 * and the system prompt reached the server. Words in the last question pick a behaviour:
 * "slow" streams 40 chunks 150 ms apart, "markdown" a rich markdown sample, "long" ~20k chars.
 */
export function defaultAnswer(messages: ChatMessageLike[], deployment: string): PlannedAnswer {
  const question = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  if (/\bslow\b/i.test(question)) {
    const text = `Streaming slowly as asked. ${'This sentence arrives one piece at a time. '.repeat(6)}Done.`;
    return { chunks: splitIntoCount(text, 40), delayMs: 150 };
  }
  if (/\bmarkdown\b/i.test(question)) {return { chunks: splitWords(MARKDOWN_SAMPLE), delayMs: 0 };}
  if (/\blong\b/i.test(question)) {return { chunks: splitBySize(longAnswer(20_000), 64), delayMs: 0 };}
  return { chunks: splitWords(echoAnswer(messages, question, deployment)), delayMs: 0 };
}

function echoAnswer(messages: ChatMessageLike[], question: string, deployment: string): string {
  const system = messages.find((m) => m.role === 'system')?.content;
  const turns = messages.filter((m) => m.role === 'user').length;
  return [
    `You asked: ${question}`,
    '',
    `- Turn: ${turns}`,
    `- Messages received: ${messages.length}`,
    `- System prompt: ${system === undefined ? '(none)' : JSON.stringify(system)}`,
    `- Deployment: ${deployment}`,
    '',
    '```ts',
    `const answer = ${JSON.stringify(question.slice(0, 40))}.length;`,
    '```',
  ].join('\n');
}

const MARKDOWN_SAMPLE = [
  '# Markdown sample',
  '',
  'Some **bold**, some *italic*, and `inline code`.',
  '',
  '## Lists',
  '',
  '- First item',
  '- Second item with a [link](https://learn.microsoft.com)',
  '  - A nested item',
  '',
  '1. One',
  '2. Two',
  '',
  '## Table',
  '',
  '| Setting | Default |',
  '| --- | --- |',
  '| `apiVersion` | 2024-10-21 |',
  '| `auth` | auto |',
  '',
  '## Code',
  '',
  '```ts',
  'function greet(name: string): string {',
  '  return `Hello, ${name}!`;',
  '}',
  '```',
  '',
  '> A quote to finish.',
].join('\n');

function longAnswer(length: number): string {
  const paragraph =
    'This is a long answer from the Azure OpenAI stand-in. It exists to exercise scrolling, rendering and throughput. ';
  let text = '# A long answer\n\n';
  let n = 1;
  while (text.length < length) {
    text += `${n}. ${paragraph.repeat(3)}\n\n`;
    n++;
  }
  return text.slice(0, length);
}

/** Words with their trailing whitespace, like model tokens arrive. */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}

export function splitBySize(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) {chunks.push(text.slice(i, i + size));}
  return chunks;
}

function splitIntoCount(text: string, count: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < count; i++) {chunks.push(text.slice(Math.floor((i * text.length) / count), Math.floor(((i + 1) * text.length) / count)));}
  return chunks;
}
