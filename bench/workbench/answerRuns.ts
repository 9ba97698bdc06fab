/**
 * One 100k answer through each of the three paths figures 8 and 9 compare, all streaming the
 * same chunks from the same Azure OpenAI stand-in in the same run:
 *   raw       the `openai` SDK alone in a node process of its own (rawStreamWorker.ts), request →
 *             last delta consumed;
 *   side bar  our chat in VS Code's side bar: Enter in its webview → the answer's end in the DOM,
 *             through the real extension host, VS Code's IPC and webview;
 *   native    VS Code's own chat view running the bench participant (bench/native-chat-participant):
 *             Enter in its input → the answer's end in the DOM.
 * "In the DOM" is the mutation that inserted the answer's last words (see answerProbe.ts).
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { STANDIN_API_KEY } from '../../test/harness/standIns';
import { markdownAnswer, tokenChunks } from '../answers';
import { armProbe, collectProbe, type EndPosition, endPosition, type ProbeRecords } from './answerProbe';
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

/** A warm node process that streams with the raw SDK on request (its own reader, or the extension's); dispose() ends it. */
export function createRawRun(session: WorkbenchSession, chunks: readonly string[], extensionReader = false): { run: () => Promise<number>; dispose: () => void } {
  const { aoai, deployment } = session.standIns;
  const worker = fork(path.join(__dirname, 'rawStreamWorker.js'), [], { stdio: 'inherit' });
  const expected = chunks.join('').length;
  const run = () =>
    new Promise<number>((resolve, reject) => {
      aoai.enqueue({ chunks: [...chunks] });
      worker.once('message', (reply: { elapsedMs?: number; received?: number; error?: string }) => {
        if (reply.error !== undefined || reply.elapsedMs === undefined) {
          reject(new Error(`the raw SDK failed: ${reply.error}`));
        } else if (reply.received !== expected) {
          reject(new Error(`the raw SDK received ${reply.received} characters, expected ${expected}`));
        } else {
          resolve(reply.elapsedMs);
        }
      });
      worker.send({ endpoint: aoai.endpoint, apiKey: STANDIN_API_KEY, deployment, extensionReader });
    });
  return { run, dispose: () => worker.kill() };
}

export interface ChatRun {
  /** Enter → the answer's end in the DOM. */
  readonly total: number;
  readonly probe: ProbeRecords;
  readonly stream: StreamTimes;
  /** Our side bar only: where the end of the finished answer is. */
  readonly end?: EndPosition;
}

const answerTimeoutMs = 240_000;

/** Our side bar: a new chat, the question typed, Enter timed from its own keydown. */
export async function sideBarRun(session: WorkbenchSession, frame: Frame, chunks: readonly string[]): Promise<ChatRun> {
  // New Chat only when there is a conversation to leave, and then wait until the view shows the
  // new one. The click travels workbench → extension host while the question travels webview →
  // extension host, so a question sent before the click took effect would be answered in the
  // conversation the click then leaves (the answer never reached this view in 2 of 3 fresh runs).
  if ((await frame.locator('.message').count()) > 0) {
    await session.page.locator('.part.sidebar').getByRole('button', { name: /^New Chat/ }).click();
    await frame.locator('.message').first().waitFor({ state: 'detached', timeout: 30_000 });
  }
  await frame.locator('textarea#question').fill('Write a long answer.');
  await armProbe(frame, '#messages', endMark);
  session.standIns.aoai.enqueue({ chunks: [...chunks] });
  const stream = watchStream(session, chunks.length);
  await frame.locator('textarea#question').press('Enter');
  const probe = await collectProbe(frame, answerTimeoutMs);
  await frame.locator('.message.assistant[data-status="done"]').waitFor({ timeout: 30_000 });
  return { total: probe.endInDomAt - probe.enterAt, probe, stream, end: await endPosition(frame, '#messages', endMark) };
}

/**
 * VS Code's chat view: a new chat session with the bench's silent model chosen and `@bench` in
 * the input (the participant's prepare command), then Enter.
 */
export async function nativeRun(session: WorkbenchSession, chunks: readonly string[], timeoutMs: number): Promise<ChatRun> {
  const { page } = session;
  await session.runCommand('Prepare the native chat for the bench');
  const input = page.locator('.interactive-input-part .monaco-editor').first();
  await input.locator('.view-line', { hasText: '@bench' }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.type('write a long answer');
  await armProbe(page.mainFrame(), '.part.auxiliarybar', endMark);
  session.standIns.aoai.enqueue({ chunks: [...chunks] });
  const stream = watchStream(session, chunks.length);
  await page.keyboard.press('Enter');
  const probe = await collectProbe(page.mainFrame(), timeoutMs);
  return { total: probe.endInDomAt - probe.enterAt, probe, stream };
}
