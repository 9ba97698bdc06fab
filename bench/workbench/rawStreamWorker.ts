/**
 * The raw `openai` SDK in its own node process, as the extension host is in its own: forked by
 * answerRuns.ts and kept warm, it streams one answer per request from the parent and replies
 * with the time from request to the last delta. Each worker is either the SDK as published or the
 * SDK reading the stream one event at a time as the extension does. (In the bench's own process the SDK would share
 * one thread with the stand-in writing the stream, which slows both.)
 */
import { AzureOpenAI } from 'openai';
import { fetchReadingEventSized } from '../../src/azure/eventSizedReads';

interface Job {
  readonly endpoint: string;
  readonly apiKey: string;
  readonly deployment: string;
  /** Read the stream one event at a time, as the extension does (src/azure/eventSizedReads.ts). */
  readonly eventSized: boolean;
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
    ...(job.eventSized ? { fetch: fetchReadingEventSized() } : {}),
  });
  const started = performance.now();
  const response = await client.chat.completions.create({ model: job.deployment, messages: [{ role: 'user', content: 'Write a long answer.' }], stream: true });
  let received = 0;
  for await (const chunk of response) {
    received += chunk.choices[0]?.delta?.content?.length ?? 0;
  }
  return { elapsedMs: performance.now() - started, received };
}
