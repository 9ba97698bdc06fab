/**
 * Figure 7: VS Code's own chat view (what Copilot Chat renders into) beside our side bar, the same
 * 100k answer from the same stand-in, timed the same way (Enter → the answer's end in the DOM),
 * taking turns in one workbench. The native view runs the bench participant
 * (bench/native-chat-participant), which streams with `response.markdown()` per delta. Printed:
 * both times, native ÷ ours, and the gaps between animation frames while each streamed (the
 * workbench page's frames for the native view, the webview frame's for ours).
 */
import type { BenchContext } from '../context';
import type { FigureResult } from '../report';
import { median, ms, percentile, ratio, round } from '../stats';
import { frameGaps } from './answerProbe';
import { benchAnswerChunks, type ChatRun, nativeRun, sideBarRun } from './answerRuns';

const answerChars = 100_000;
/** The native view takes about a minute per 100k answer, so two turns each. */
const rounds = 2;

export async function measureNativeChat(ctx: BenchContext): Promise<FigureResult[]> {
  const session = await ctx.workbench();
  const chunks = benchAnswerChunks(answerChars);
  const frame = await session.openSideBarChat();
  const natives: ChatRun[] = [];
  const ours: ChatRun[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      natives.push(await nativeRun(session, chunks));
      ours.push(await sideBarRun(session, frame, chunks));
    } else {
      ours.push(await sideBarRun(session, frame, chunks));
      natives.push(await nativeRun(session, chunks));
    }
  }
  const nativeMedian = median(natives.map((r) => r.total));
  const oursMedian = median(ours.map((r) => r.total));
  const gapsOf = (runs: readonly ChatRun[]) => runs.flatMap((r) => frameGaps(r.probe));
  const nativeGaps = gapsOf(natives);
  const ourGaps = gapsOf(ours);
  ctx.log(`${chunks.length} chunks (${answerChars} characters), no delay; ${rounds} turns each, alternating`);
  ctx.log(`VS Code's chat view, Enter → end in DOM: ${natives.map((r) => ms(r.total)).join(', ')}  median ${ms(nativeMedian)}`);
  ctx.log(`our side bar, Enter → end in DOM:        ${ours.map((r) => ms(r.total)).join(', ')}  median ${ms(oursMedian)}`);
  ctx.log(`  the stand-in finished writing after (median): native ${ms(median(natives.map(streamEnd)))}, ours ${ms(median(ours.map(streamEnd)))}`);
  ctx.log(`  frame gaps while streaming: native p95 ${ms(percentile(nativeGaps, 95))}, max ${ms(Math.max(...nativeGaps))}; ours p95 ${ms(percentile(ourGaps, 95))}, max ${ms(Math.max(...ourGaps))}`);
  const nativeRatio = nativeMedian / oursMedian;
  return [
    {
      figure: '7. VS Code chat view ÷ our side bar (100k)',
      measured: `${ratio(nativeRatio)} (medians ${ms(nativeMedian)} vs ${ms(oursMedian)})`,
      target: 'context',
      verdict: 'INFO',
      value: round(nativeRatio),
      limit: Number.NaN,
      details: {
        nativeMs: natives.map((r) => round(r.total)),
        oursMs: ours.map((r) => round(r.total)),
        nativeFrameGapP95Ms: round(percentile(nativeGaps, 95)),
        nativeFrameGapMaxMs: round(Math.max(...nativeGaps)),
        oursFrameGapP95Ms: round(percentile(ourGaps, 95)),
        oursFrameGapMaxMs: round(Math.max(...ourGaps)),
      },
    },
    {
      figure: '7. frame gaps p95 / max (native | ours)',
      measured: `${ms(percentile(nativeGaps, 95))} / ${ms(Math.max(...nativeGaps))} | ${ms(percentile(ourGaps, 95))} / ${ms(Math.max(...ourGaps))}`,
      target: 'context',
      verdict: 'INFO',
      value: round(Math.max(...ourGaps)),
      limit: Number.NaN,
    },
  ];
}

/** Enter → the stand-in wrote the last chunk: how fast the participant or host consumed the stream. */
function streamEnd(run: ChatRun): number {
  return run.stream.lastWritten - run.probe.enterAt;
}
