/**
 * One 100k answer through each of the three paths figures 6 and 7 compare, all streaming the
 * same chunks from the same Azure OpenAI stand-in in the same run:
 *   raw       the `openai` SDK alone in this node process, request → last delta consumed;
 *   side bar  our chat in VS Code's side bar: Enter in its webview → the answer's end in the DOM,
 *             through the real extension host, VS Code's IPC and webview;
 *   native    VS Code's own chat view running the bench participant (bench/native-chat-participant):
 *             Enter in its input → the answer's end in the DOM.
 * "In the DOM" is the mutation that inserted the answer's last words (see answerProbe.ts).
 */
import type { Frame } from 'playwright-core';
import { AzureOpenAI } from 'openai';
import { STANDIN_API_KEY } from '../../test/harness/standIns';
import { markdownAnswer, tokenChunks } from '../answers';
import { epochNow } from '../stats';
import { armProbe, collectProbe, type ProbeRecords } from './answerProbe';
import type { WorkbenchSession } from './workbenchSession';

/** The answer ends with words that occur nowhere else, so its end can be found in the DOM. */
export const endMark = 'Answer-ends-here-5c1e';

export function benchAnswerChunks(length: number): string[] {
  const tail = `\n\n${endMark}`;
  return tokenChunks(markdownAnswer(length - tail.length) + tail);
}

export interface StreamTimes {
  /** Stand-in wrote the first and the last content chunk (epoch ms). */
  firstWritten: number;
  lastWritten: number;
}

/** Records when the stand-in wrote the first and last chunk of the next answer. */
function watchStream(session: WorkbenchSession, chunkCount: number): StreamTimes {
  const times: StreamTimes = { firstWritten: Number.NaN, lastWritten: Number.NaN };
  session.onChunkWritten = (index, _text, at) => {
    if (index === 0) {
      times.firstWritten = at;
    } else if (index === chunkCount - 1) {
      times.lastWritten = at;
      session.onChunkWritten = undefined;
    }
  };
  return times;
}

export function createRawRun(session: WorkbenchSession, chunks: readonly string[]): () => Promise<number> {
  const { aoai, deployment } = session.standIns;
  const client = new AzureOpenAI({ endpoint: aoai.endpoint, apiKey: STANDIN_API_KEY, apiVersion: '2024-10-21', deployment });
  const expected = chunks.join('').length;
  return async () => {
    aoai.enqueue({ chunks: [...chunks] });
    const started = epochNow();
    const stream = await client.chat.completions.create({ model: deployment, messages: [{ role: 'user', content: 'Write a long answer.' }], stream: true });
    let received = 0;
    for await (const chunk of stream) {
      received += chunk.choices[0]?.delta?.content?.length ?? 0;
    }
    const elapsed = epochNow() - started;
    if (received !== expected) {
      throw new Error(`the raw SDK received ${received} characters, expected ${expected}`);
    }
    return elapsed;
  };
}

export interface ChatRun {
  /** Enter → the answer's end in the DOM. */
  readonly total: number;
  readonly probe: ProbeRecords;
  readonly stream: StreamTimes;
}

const answerTimeoutMs = 240_000;

/** Our side bar: a new chat, the question typed, Enter timed from its own keydown. */
export async function sideBarRun(session: WorkbenchSession, frame: Frame, chunks: readonly string[]): Promise<ChatRun> {
  await session.page.locator('.part.sidebar').getByRole('button', { name: /^New Chat/ }).click();
  await frame.locator('.message').first().waitFor({ state: 'detached', timeout: 30_000 });
  await frame.locator('textarea#question').fill('Write a long answer.');
  await armProbe(frame, '#messages', endMark);
  session.standIns.aoai.enqueue({ chunks: [...chunks] });
  const stream = watchStream(session, chunks.length);
  await frame.locator('textarea#question').press('Enter');
  const probe = await collectProbe(frame, answerTimeoutMs);
  await frame.locator('.message.assistant[data-status="done"]').waitFor({ timeout: 30_000 });
  return { total: probe.endInDomAt - probe.enterAt, probe, stream };
}

/**
 * VS Code's chat view: a new chat session with the bench's silent model chosen and `@bench` in
 * the input (the participant's prepare command), then Enter.
 */
export async function nativeRun(session: WorkbenchSession, chunks: readonly string[]): Promise<ChatRun> {
  const { page } = session;
  await session.runCommand('Prepare the native chat for the bench');
  const input = page.locator('.interactive-input-part .monaco-editor').first();
  await input.locator('.view-line', { hasText: '@bench' }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.type('write a long answer');
  await armProbe(page.mainFrame(), '.part.auxiliarybar', endMark);
  session.standIns.aoai.enqueue({ chunks: [...chunks] });
  const stream = watchStream(session, chunks.length);
  await page.keyboard.press('Enter');
  const probe = await collectProbe(page.mainFrame(), answerTimeoutMs);
  return { total: probe.endInDomAt - probe.enterAt, probe, stream };
}
