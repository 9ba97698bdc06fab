/**
 * Figure 9: VS Code's own chat view (what Copilot Chat renders into) beside our side bar, the same
 * answer from the same stand-in, timed the same way (Enter → the answer's end in the DOM), taking
 * turns in one workbench. The native view runs the bench participant
 * (bench/native-chat-participant), which streams with `response.markdown()` per delta. Printed:
 * both times, native ÷ ours, and the gaps between animation frames while each streamed (the
 * workbench page's frames for the native view, the webview frame's for ours).
 *
 * The native view takes minutes for a 100k answer on a busy machine, so it is timed twice at 10k
 * (alternating with ours) and once at 100k with a cap; a capped run reports how much of the
 * answer was in the DOM by then.
 */
import type { BenchContext } from '../context';
import type { FigureResult } from '../report';
import { median, ms, percentile, ratio, round } from '../stats';
import { AnswerTimeout, frameGaps, type ProbeRecords } from './answerProbe';
import { benchAnswerChunks, type ChatRun, nativeRun, sideBarRun } from './answerRuns';
import type { WorkbenchSession } from './workbenchSession';

const smallChars = 10_000;
const largeChars = 100_000;
const smallRounds = 2;
const largeCapMs = 180_000;

interface NativeResult {
  readonly run?: ChatRun;
  readonly timeout?: AnswerTimeout;
}

async function timedNative(session: WorkbenchSession, chunks: readonly string[], capMs: number): Promise<NativeResult> {
  try {
    return { run: await nativeRun(session, chunks, capMs) };
  } catch (error) {
    if (!(error instanceof AnswerTimeout)) {
      throw error;
    }
    // A new chat ends the request still rendering, so it does not run on into the next turn. Best
    // effort: a workbench busy rendering may not answer the palette in time.
    await session
      .runCommand('Prepare the native chat for the bench', 20_000)
      .then(() => session.page.keyboard.press('Escape'))
      .catch(() => undefined);
    return { timeout: error };
  }
}

export async function measureNativeChat(ctx: BenchContext): Promise<FigureResult[]> {
  const session = await ctx.workbench();
  const frame = await session.openSideBarChat();
  const small = benchAnswerChunks(smallChars);
  const large = benchAnswerChunks(largeChars);
  const natives: NativeResult[] = [];
  const ours: ChatRun[] = [];
  for (let i = 0; i < smallRounds; i++) {
    if (i % 2 === 0) {
      natives.push(await timedNative(session, small, largeCapMs));
      ours.push(await sideBarRun(session, frame, small));
    } else {
      ours.push(await sideBarRun(session, frame, small));
      natives.push(await timedNative(session, small, largeCapMs));
    }
  }
  const nativeLarge = await timedNative(session, large, largeCapMs);
  const oursLarge = await sideBarRun(session, frame, large);

  const nativeSmall = natives.flatMap((n) => (n.run ? [n.run.total] : []));
  const nativeSmallMedian = nativeSmall.length === natives.length ? median(nativeSmall) : Number.NaN;
  const oursSmallMedian = median(ours.map((r) => r.total));
  const recordsOf = (n: NativeResult): ProbeRecords | undefined => n.run?.probe ?? n.timeout?.records;
  const nativeGaps = [...natives, nativeLarge].flatMap((n) => {
    const records = recordsOf(n);
    return records ? frameGaps(records) : [];
  });
  const ourGaps = [...ours, oursLarge].flatMap((r) => frameGaps(r.probe));
  const describe = (n: NativeResult) =>
    n.run ? ms(n.run.total) : `not done after ${n.timeout?.seconds} s (${n.timeout?.charactersInDom} characters of text in the view by then)`;

  ctx.log(`the same generated markdown in 3-7 character pieces, no delay; ${smallRounds} turns each at ${smallChars / 1000}k alternating, then one each at ${largeChars / 1000}k`);
  ctx.log(`VS Code's chat view, Enter → end in DOM, ${smallChars / 1000}k: ${natives.map(describe).join(', ')}`);
  ctx.log(`our side bar, Enter → end in DOM, ${smallChars / 1000}k:        ${ours.map((r) => ms(r.total)).join(', ')}`);
  ctx.log(`${largeChars / 1000}k: VS Code's chat view ${describe(nativeLarge)}; our side bar ${ms(oursLarge.total)}`);
  const streamEnds = natives.flatMap((n) => (n.run ? [n.run.stream.lastWritten - n.run.probe.enterAt] : []));
  ctx.log(`  the participant had read the whole ${smallChars / 1000}k stream after ${streamEnds.map(ms).join(', ')} (the rest is the view rendering)`);
  ctx.log(`  frame gaps while streaming: native p95 ${ms(percentile(nativeGaps, 95))}, max ${ms(Math.max(...nativeGaps))}; ours p95 ${ms(percentile(ourGaps, 95))}, max ${ms(Math.max(...ourGaps))}`);
  const smallRatio = nativeSmallMedian / oursSmallMedian;
  const largeRatio = nativeLarge.run ? nativeLarge.run.total / oursLarge.total : Number.NaN;
  return [
    {
      figure: `9. VS Code chat view ÷ our side bar (${smallChars / 1000}k)`,
      measured: `${ratio(smallRatio)} (medians ${ms(nativeSmallMedian)} vs ${ms(oursSmallMedian)})`,
      target: 'context',
      verdict: 'INFO',
      value: round(smallRatio),
      limit: Number.NaN,
      details: { nativeMs: natives.map((n) => (n.run ? round(n.run.total) : null)), oursMs: ours.map((r) => round(r.total)) },
    },
    {
      figure: `9. VS Code chat view ÷ our side bar (${largeChars / 1000}k)`,
      measured: nativeLarge.run
        ? `${ratio(largeRatio)} (${ms(nativeLarge.run.total)} vs ${ms(oursLarge.total)})`
        : `> ${ratio(largeCapMs / oursLarge.total)} (not done after ${largeCapMs / 1000} s, ${nativeLarge.timeout?.charactersInDom} characters in the view; ours ${ms(oursLarge.total)})`,
      target: 'context',
      verdict: 'INFO',
      value: round(largeRatio),
      limit: Number.NaN,
      details: { nativeMs: nativeLarge.run ? round(nativeLarge.run.total) : null, nativeCharactersAtCap: nativeLarge.timeout?.charactersInDom, oursMs: round(oursLarge.total) },
    },
    {
      figure: '9. frame gaps p95 / max, native vs ours',
      measured: `${ms(percentile(nativeGaps, 95))} / ${ms(Math.max(...nativeGaps))} vs ${ms(percentile(ourGaps, 95))} / ${ms(Math.max(...ourGaps))}`,
      target: 'context',
      verdict: 'INFO',
      value: round(Math.max(...ourGaps)),
      limit: Number.NaN,
      details: {
        nativeFrameGapP95Ms: round(percentile(nativeGaps, 95)),
        nativeFrameGapMaxMs: round(Math.max(...nativeGaps)),
        oursFrameGapP95Ms: round(percentile(ourGaps, 95)),
        oursFrameGapMaxMs: round(Math.max(...ourGaps)),
      },
    },
  ];
}
