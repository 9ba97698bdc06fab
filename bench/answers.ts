/**
 * Deterministic content for the benchmark: markdown answers like a model writes them (prose,
 * lists, code fences, tables, headings; from test/webview/corpus.ts), cut into token-sized
 * chunks, and a long restored conversation. Deterministic so two runs measure the same work.
 */
import type { ChatMessage } from '../src/chat/conversation';
import { longAnswer } from '../test/webview/corpus';

/** Chunk sizes cycle through 3..7 characters (mean 5), about what one model token carries. */
const chunkSizes = [4, 6, 3, 7, 5, 5, 4, 6, 3, 7];
export const meanChunkChars = chunkSizes.reduce((a, b) => a + b, 0) / chunkSizes.length;

export function tokenChunks(text: string): string[] {
  const chunks: string[] = [];
  for (let at = 0, i = 0; at < text.length; i++) {
    const size = chunkSizes[i % chunkSizes.length] as number;
    chunks.push(text.slice(at, at + size));
    at += size;
  }
  return chunks;
}

/** A markdown answer of exactly `length` characters. */
export function markdownAnswer(length: number): string {
  return longAnswer(length).slice(0, length);
}

const questions = [
  'How do I rotate the key of my Azure OpenAI resource without downtime?',
  'Why does my deployment answer 429 so often in the afternoon?',
  'Can you write a TypeScript function that retries a fetch with exponential backoff?',
  'What is the difference between a system prompt and a user message?',
  'Explain how managed identity works on an App Service.',
  'Summarise the table above in two sentences.',
  'Show me how to stream a chat completion with the openai package.',
  'Is `apiVersion` 2024-10-21 the latest GA version?\nIf not, which one should I use?',
];

/**
 * `count` messages alternating question and answer. Answers are runs of 1-8 consecutive
 * blocks of a long generated document, so they differ in length and structure (about 1.5k
 * characters on average, a few much longer), like a long working session with a model.
 */
export function restoredConversation(count: number): ChatMessage[] {
  const blocks = longAnswer(count * 1200).split('\n\n');
  const messages: ChatMessage[] = [];
  let next = 0;
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      messages.push({ id: `q${i}`, role: 'user', text: questions[(i / 2) % questions.length] as string, status: 'done' });
    } else {
      const take = 1 + ((i * 7) % 8);
      const parts: string[] = [];
      for (let j = 0; j < take; j++) {
        parts.push(blocks[next++ % blocks.length] as string);
      }
      messages.push({ id: `a${i}`, role: 'assistant', text: parts.join('\n\n'), status: 'done' });
    }
  }
  return messages;
}
