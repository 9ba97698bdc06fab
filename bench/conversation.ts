/**
 * Figure 3, a long conversation: a webview opens on a session restored with 500 messages
 * (questions and markdown answers of varied length). Measured from the moment the binding
 * posts the snapshot (so serialising and delivering the big message counts) to the first
 * paint after the webview's `chat:snapshot-rendered`. The same is measured for an empty
 * conversation, alternating, as the baseline of what opening any webview's snapshot costs.
 */
import { AnswerError, type AnswerSource } from '../src/chat/answerSource';
import type { ChatMessage } from '../src/chat/conversation';
import { ChatSession } from '../src/chat/chatSession';
import type { BenchContext } from './context';
import { restoredConversation } from './answers';
import { bindWebview } from './hostStack';
import { type FigureResult, verdict } from './report';
import { kib, median, ms, ratio, round } from './stats';

const messageCount = 500;
const repetitions = 5;
const targetMs = 300;

/** Restoring never asks for an answer; if it did, the figure would be wrong, so say so. */
const noAnswers: AnswerSource = {
  streamAnswer: async () => {
    throw new AnswerError({ title: 'The conversation benchmark asks nothing.', detail: '', actions: [] });
  },
};

interface OpenRun {
  /** Snapshot posted → first frame after it was rendered is on screen. */
  readonly firstPaint: number;
  /** Snapshot posted → the page's message handler starts. */
  readonly hop: number;
  /** The webview's own time turning the snapshot into DOM (chat:snapshot-rendered). */
  readonly render: number;
  readonly bytes: number;
}

export async function measureConversation(ctx: BenchContext): Promise<FigureResult[]> {
  const restored = restoredConversation(messageCount);
  const characters = restored.reduce((total, m) => total + m.text.length, 0);

  const open = async (messages: readonly ChatMessage[]): Promise<OpenRun> => {
    const session = new ChatSession(noAnswers, messages);
    const webview = await ctx.browser.openWebview();
    const binding = bindWebview(session, webview);
    try {
      webview.start();
      await webview.waitForSnapshotPainted(1);
      const records = await webview.collect();
      const posted = webview.posted.find((p) => p.type === 'snapshot');
      const rendered = records.snapshots[0];
      const received = posted && records.received.get(posted.seq);
      if (!posted || !rendered?.paintedAt || received === undefined || rendered.messages !== messages.length) {
        throw new Error(`the snapshot of ${messages.length} messages was not rendered as expected`);
      }
      if (webview.errors.length > 0) {
        throw new Error(`the webview threw: ${webview.errors.join('; ')}`);
      }
      return { firstPaint: rendered.paintedAt - posted.at, hop: received - posted.at, render: rendered.durationMs, bytes: posted.bytes };
    } finally {
      binding.dispose();
      session.dispose();
      await webview.close();
    }
  };

  // Warm-up (page, bundle and JIT), discarded.
  await open(restored);
  const long: OpenRun[] = [];
  const empty: OpenRun[] = [];
  for (let i = 0; i < repetitions; i++) {
    if (i % 2 === 0) {
      long.push(await open(restored));
      empty.push(await open([]));
    } else {
      empty.push(await open([]));
      long.push(await open(restored));
    }
  }

  const firstPaint = median(long.map((r) => r.firstPaint));
  const baseline = median(empty.map((r) => r.firstPaint));
  ctx.log(`${messageCount} messages, ${characters.toLocaleString('en-US')} characters, snapshot message ${kib(long[0]?.bytes ?? 0)}; ${repetitions} alternating runs`);
  ctx.log(`500 messages: ${long.map((r) => ms(r.firstPaint)).join(', ')}  median ${ms(firstPaint)}`);
  ctx.log(`  of which the host → webview hop ${ms(median(long.map((r) => r.hop)))}, snapshot → DOM ${ms(median(long.map((r) => r.render)))} (medians)`);
  ctx.log(`empty conversation: ${empty.map((r) => ms(r.firstPaint)).join(', ')}  median ${ms(baseline)}`);
  ctx.log(`500 messages ÷ empty: ${ratio(firstPaint / baseline)}`);
  return [
    {
      figure: '3. 500 messages to first paint',
      measured: `${ms(firstPaint)} (${ratio(firstPaint / baseline)} empty)`,
      target: `≤ ${targetMs} ms`,
      verdict: verdict(firstPaint, targetMs),
      value: round(firstPaint),
      limit: targetMs,
      details: {
        messages: messageCount,
        characters,
        snapshotBytes: long[0]?.bytes,
        firstPaintMs: long.map((r) => round(r.firstPaint)),
        hopMs: long.map((r) => round(r.hop)),
        renderMs: long.map((r) => round(r.render)),
        emptyFirstPaintMs: empty.map((r) => round(r.firstPaint)),
        ratioToEmpty: round(firstPaint / baseline),
      },
    },
  ];
}
