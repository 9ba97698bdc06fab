/**
 * The raw `openai` SDK in its own node process, as the extension host is in its own: forked by
 * answerRuns.ts and kept warm, it streams one answer per request from the parent and replies
 * with the time from request to the last delta. Each worker reads the stream either with the SDK
 * as published or with the extension's own reader (src/azure/streamedEvents.ts) on the SDK's
 * response, as the extension does. (In the bench's own process the SDK would share one thread
 * with the stand-in writing the stream, which slows both.)
 */
import { AzureOpenAI } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { forEachStreamedEvent } from '../../src/azure/streamedEvents';

interface Job {
  readonly endpoint: string;
  readonly apiKey: string;
  readonly deployment: string;
  /** Read the stream with the extension's reader instead of the SDK's. */
  readonly extensionReader: boolean;
}

process.on('message', (job: Job) => {
  void stream(job).then(
    (reply) => process.send?.(reply),
    (error: unknown) => process.send?.({ error: String(error) }),
  );
});

let client: AzureOpenAI | undefined;

async function stream(job: Job): Promise<{ elapsedMs: number; received: number }> {
  client ??= new AzureOpenAI({
    endpoint: job.endpoint,
    apiKey: job.apiKey,
    apiVersion: '2024-10-21',
    deployment: job.deployment,
  });
  const started = performance.now();
  const request = client.chat.completions.create({ model: job.deployment, messages: [{ role: 'user', content: 'Write a long answer.' }], stream: true });
  let received = 0;
  if (job.extensionReader) {
    await forEachStreamedEvent<ChatCompletionChunk>(await request.asResponse(), () => undefined, (chunk) => {
      received += chunk.choices[0]?.delta?.content?.length ?? 0;
    });
  } else {
    for await (const chunk of await request) {
      received += chunk.choices[0]?.delta?.content?.length ?? 0;
    }
  }
  return { elapsedMs: performance.now() - started, received };
}
