/**
 * Figure 2b, flat cost: does the webview's cost per chunk stay the same however long the answer
 * gets? The 100,000-character answer of figure 2, in the same 20,000 chunks, is fed to the real
 * webview bundle in Chromium 4 chunks per animation frame (about 240 tokens/s, a fast model),
 * frames run by hand so each one's cost is timed exactly: handling the frame's delta messages,
 * then the frame (markdown parse, DOM update, and the scroll-to-bottom that forces style and
 * layout).
 *
 * Side by side, as everything here: two webviews (two renderer processes), one fed the first
 * 10% of the answer and one, fed 90% beforehand, the last 10%, taking turns every 10 frames so
 * the machine's load changes hit both alike. The figure is the ratio of their costs per chunk;
 * the same ratio of `chat:painted` durations (parse + DOM only) is context.
 *
 * (The fast stream of figure 2 cannot show this: it reaches the webview in a handful of large
 * batches, so hardly any frames fall in the first and last 10%.)
 */
import type { BenchContext } from './context';
import { markdownAnswer, tokenChunks } from './answers';
import { type FigureResult, verdict } from './report';
import { median, ratio, round, sum } from './stats';
import type { WebviewBridge } from './webviewBridge';

const answerChars = 100_000;
const chunksPerFrame = 4;
const framesPerTurn = 10;
const repetitions = 3;
const targetRatio = 1.5;

/** Installs `__feed` in a page opened with manual frames. */
const installFeeder = `function () {
  const post = (data) => window.dispatchEvent(new MessageEvent('message', { data }));
  let painted = 0;
  document.addEventListener('chat:painted', (e) => { painted += e.detail.durationMs; });
  window.__feed = {
    begin(id) {
      post({ type: 'messageAdded', message: { id, role: 'assistant', text: '', status: 'streaming' } });
      window.__runFrames();
    },
    /** Delivers perFrame chunks per frame; returns [frame ms, chat:painted ms] per frame. */
    frames(id, chunks, perFrame) {
      const out = [];
      for (let i = 0; i < chunks.length; i += perFrame) {
        painted = 0;
        const started = performance.now();
        for (let j = i; j < Math.min(chunks.length, i + perFrame); j++) post({ type: 'delta', messageId: id, text: chunks[j] });
        window.__runFrames();
        void document.body.offsetHeight;
        out.push(performance.now() - started, painted);
      }
      return out;
    },
    end(id) {
      post({ type: 'messageFinished', messageId: id, status: 'done' });
      window.__runFrames();
    },
    remove(id) {
      post({ type: 'messageRemoved', messageId: id });
      window.__runFrames();
    },
  };
}`;

const feed = (webview: WebviewBridge, id: string, chunks: readonly string[]) =>
  webview.call('function (id, chunks, perFrame) { return window.__feed.frames(id, chunks, perFrame); }', id, chunks, chunksPerFrame) as Promise<number[]>;
const step = (webview: WebviewBridge, action: 'begin' | 'end' | 'remove', id: string) =>
  webview.call(`function (id) { window.__feed.${action}(id); }`, id);

interface Side {
  readonly frameMs: number[];
  readonly paintedMs: number[];
}

interface RunResult {
  readonly early: Side;
  readonly late: Side;
  readonly ratio: number;
  readonly paintedRatio: number;
  readonly medianFrameRatio: number;
}

export async function measureFlatCost(ctx: BenchContext): Promise<FigureResult[]> {
  const chunks = tokenChunks(markdownAnswer(answerChars));
  const tenth = Math.floor(chunks.length / 10);
  const runs: RunResult[] = [];
  for (let i = 0; i < repetitions; i++) {
    const early = await ctx.browser.openWebview('manual', 0);
    const late = await ctx.browser.openWebview('manual', 1);
    try {
      for (const webview of [early, late]) {
        await webview.call(installFeeder);
        // Warm-up (JIT, markdown-it), then the list is empty again.
        await step(webview, 'begin', 'warm-up');
        await feed(webview, 'warm-up', chunks.slice(0, 2_000));
        await step(webview, 'end', 'warm-up');
        await step(webview, 'remove', 'warm-up');
        await step(webview, 'begin', 'answer');
      }
      for (let at = 0; at < chunks.length - tenth; at += 2_000) {
        await feed(late, 'answer', chunks.slice(at, Math.min(at + 2_000, chunks.length - tenth)));
      }
      const result = { early: { frameMs: [] as number[], paintedMs: [] as number[] }, late: { frameMs: [] as number[], paintedMs: [] as number[] } };
      const perTurn = framesPerTurn * chunksPerFrame;
      for (let turn = 0, offset = 0; offset < tenth; turn++, offset += perTurn) {
        const length = Math.min(perTurn, tenth - offset);
        const sides: ['early' | 'late', WebviewBridge, number][] = [
          ['early', early, offset],
          ['late', late, chunks.length - tenth + offset],
        ];
        // Alternate which page goes first, so neither always runs right after the other.
        for (const [name, webview, from] of turn % 2 === 0 ? sides : sides.reverse()) {
          const frames = await feed(webview, 'answer', chunks.slice(from, from + length));
          for (let f = 0; f + 1 < frames.length; f += 2) {
            result[name].frameMs.push(frames[f] as number);
            result[name].paintedMs.push(frames[f + 1] as number);
          }
        }
      }
      for (const webview of [early, late]) {
        if (webview.errors.length > 0) {
          throw new Error(`the webview threw: ${webview.errors.join('; ')}`);
        }
      }
      runs.push({
        ...result,
        // Both sides got the same number of chunks, so the ratio of sums is the ratio per chunk.
        ratio: sum(result.late.frameMs) / sum(result.early.frameMs),
        paintedRatio: sum(result.late.paintedMs) / sum(result.early.paintedMs),
        medianFrameRatio: median(result.late.frameMs) / median(result.early.frameMs),
      });
    } finally {
      await early.close();
      await late.close();
    }
  }

  const figure = median(runs.map((r) => r.ratio));
  const paintedRatio = median(runs.map((r) => r.paintedRatio));
  const perChunk = (side: Side) => `${((sum(side.frameMs) / tenth) * 1000).toFixed(0)} µs`;
  ctx.log(`${chunks.length} chunks, ${chunksPerFrame} per frame; first and last ${tenth} chunks in two webviews taking turns every ${framesPerTurn} frames; ${repetitions} runs`);
  for (const run of runs) {
    ctx.log(
      `per chunk: first 10% ${perChunk(run.early)}, last 10% ${perChunk(run.late)} → ${ratio(run.ratio)}` +
        ` (parse + DOM only ${ratio(run.paintedRatio)}; median frame ${ratio(run.medianFrameRatio)})`,
    );
  }
  return [
    {
      figure: '2. flat cost: last 10% ÷ first 10%',
      measured: `${ratio(figure)} per chunk (parse + DOM ${ratio(paintedRatio)})`,
      target: `≤ ${targetRatio}×`,
      verdict: verdict(figure, targetRatio),
      value: round(figure),
      limit: targetRatio,
      details: {
        chunks: chunks.length,
        chunksPerFrame,
        ratios: runs.map((r) => round(r.ratio)),
        paintedRatios: runs.map((r) => round(r.paintedRatio)),
        medianFrameRatios: runs.map((r) => round(r.medianFrameRatio)),
        firstUsPerChunk: runs.map((r) => round((sum(r.early.frameMs) / tenth) * 1000)),
        lastUsPerChunk: runs.map((r) => round((sum(r.late.frameMs) / tenth) * 1000)),
      },
    },
  ];
}
