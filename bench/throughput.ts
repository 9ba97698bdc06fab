/**
 * Figure 2, throughput. A 100,000-character markdown answer in ~5-character
 * chunks (20,000 SSE frames) is streamed as fast as the stand-in sends it, through two paths
 * taking turns in the same run:
 *   raw       the `openai` SDK alone in plain node, concatenating the deltas;
 *   pipeline  the extension's path into the webview in Chromium, until the final paint is on
 *             screen (AzureAnswerSource, ChatSession, binding, host → webview hop, render).
 * The figure is the median of the paired ratios (each pipeline run ÷ the raw run beside it, so
 * a change in machine load between pairs cancels out); the ratio of the medians is context.
 * (The flat cost per chunk is renderCost.ts.)
 */
import { AzureOpenAI } from 'openai';
import type { BenchContext } from './context';
import { markdownAnswer, meanChunkChars, tokenChunks } from './answers';
import { benchApiKey, benchDeployment, bindWebview, createSignedInStack, lastMessageId } from './hostStack';
import { type FigureResult, verdict } from './report';
import { epochNow, median, ms, ratio, round } from './stats';
import { type MainThreadTime, mainThreadSpent } from './webviewBridge';

const answerChars = 100_000;
const repetitions = 7;
const targetThroughputRatio = 1.2;
const apiVersion = '2024-10-21';

interface PipelineRun {
  /** Request sent → final paint on screen. */
  readonly total: number;
  /** Request sent → the host saw the end of the stream. */
  readonly host: number;
  /** Host saw the end → the webview received `messageFinished`. */
  readonly toWebview: number;
  /** Received → the final paint's DOM is done (the last deltas and the full-render check). */
  readonly lastRender: number;
  /** DOM done → on screen (the next frame). */
  readonly present: number;
  /** The largest delta message, in characters. */
  readonly largestDelta: number;
  /** The renderer main thread's work during the run. */
  readonly webview: MainThreadTime;
  /** CPU time of this node process (stand-in, SDK, host path, CDP client) during the run. */
  readonly nodeCpu: number;
  readonly finalRender: number;
  readonly paints: number;
  readonly deltaMessages: number;
}

export async function measureThroughput(ctx: BenchContext): Promise<FigureResult[]> {
  const text = markdownAnswer(answerChars);
  const chunks = tokenChunks(text);

  const raw = new AzureOpenAI({ endpoint: ctx.standIn.server.endpoint, apiKey: benchApiKey, apiVersion, deployment: benchDeployment });
  const stack = createSignedInStack(ctx.standIn);

  const rawCpu: number[] = [];
  const rawRun = async (): Promise<number> => {
    ctx.standIn.server.enqueue({ chunks });
    const cpuBefore = process.cpuUsage();
    const started = epochNow();
    const stream = await raw.chat.completions.create({
      model: benchDeployment,
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Write a long answer.' },
      ],
      stream: true,
    });
    let received = '';
    for await (const chunk of stream) {
      received += chunk.choices[0]?.delta?.content ?? '';
    }
    const elapsed = epochNow() - started;
    const cpu = process.cpuUsage(cpuBefore);
    rawCpu.push((cpu.user + cpu.system) / 1000);
    if (received.length !== answerChars) {
      throw new Error(`the raw SDK received ${received.length} characters, expected ${answerChars}`);
    }
    return elapsed;
  };

  const pipelineRun = async (): Promise<PipelineRun> => {
    const webview = await ctx.browser.openWebview();
    const binding = bindWebview(stack.session, webview);
    try {
      webview.start();
      await webview.waitForSnapshotPainted(1);
      // Warm the renderer on this page, then start from an empty conversation again.
      ctx.standIn.server.enqueue({ chunks: tokenChunks(markdownAnswer(5_000)) });
      await stack.ask('Warm up.');
      await webview.waitForFinalPaint(lastMessageId(stack.session.messages));
      await stack.session.clear();
      await webview.waitForSnapshotPainted(2);
      await webview.clearRecords();

      ctx.standIn.server.enqueue({ chunks });
      const mainThreadBefore = await webview.mainThread();
      const cpuBefore = process.cpuUsage();
      const started = epochNow();
      stack.session.send('Write a long answer.');
      const answerId = lastMessageId(stack.session.messages);
      await stack.session.whenIdle();
      const hostDone = epochNow();
      await webview.waitForFinalPaint(answerId, 60_000);
      const cpu = process.cpuUsage(cpuBefore);
      const spent = mainThreadSpent(mainThreadBefore, await webview.mainThread());
      const records = await webview.collect();
      if (webview.errors.length > 0) {
        throw new Error(`the webview threw: ${webview.errors.join('; ')}`);
      }
      const paints = records.paints.filter((p) => p.messageId === answerId);
      const final = paints.find((p) => p.final);
      if (!final?.paintedAt || final.length !== answerChars) {
        throw new Error(`the final paint covers ${final?.length ?? 0} characters, expected ${answerChars}`);
      }
      const finished = webview.posted.find((p) => p.type === 'messageFinished');
      const finishedReceived = finished ? (records.received.get(finished.seq) ?? Number.NaN) : Number.NaN;
      let previousLength = 0;
      let largestDelta = 0;
      for (const post of webview.posted) {
        if (post.type === 'delta' && post.messageId === answerId && post.length !== undefined) {
          largestDelta = Math.max(largestDelta, post.length - previousLength);
          previousLength = post.length;
        }
      }
      return {
        total: final.paintedAt - started,
        host: hostDone - started,
        toWebview: finishedReceived - hostDone,
        lastRender: final.at - finishedReceived,
        present: final.paintedAt - final.at,
        largestDelta,
        webview: spent,
        nodeCpu: (cpu.user + cpu.system) / 1000,
        finalRender: final.durationMs,
        paints: paints.length,
        deltaMessages: webview.posted.filter((p) => p.type === 'delta').length,
      };
    } finally {
      binding.dispose();
      await webview.close();
      await stack.session.clear();
    }
  };

  try {
    // One of each first, discarded: connections, token and JIT warm for both paths.
    await rawRun();
    await pipelineRun();
    const raws: number[] = [];
    const pipelines: PipelineRun[] = [];
    for (let i = 0; i < repetitions; i++) {
      // Alternate which goes first, so a drift in machine load hits both alike.
      if (i % 2 === 0) {
        raws.push(await rawRun());
        pipelines.push(await pipelineRun());
      } else {
        pipelines.push(await pipelineRun());
        raws.push(await rawRun());
      }
    }

    const rawMedian = median(raws);
    const pipelineMedian = median(pipelines.map((p) => p.total));
    const paired = pipelines.map((p, i) => p.total / (raws[i] as number));
    const throughput = median(paired);
    const hostRatio = median(pipelines.map((p) => p.host)) / rawMedian;
    ctx.log(`${chunks.length} chunks of ${meanChunkChars} chars on average (3-7), no delay; ${repetitions} alternating runs of each path after one warm-up each`);
    ctx.log(`raw openai SDK in node:       ${raws.map((v) => ms(v)).join(', ')}  median ${ms(rawMedian)}`);
    ctx.log(`extension → webview painted:  ${pipelines.map((p) => ms(p.total)).join(', ')}  median ${ms(pipelineMedian)}`);
    ctx.log(`paired ratios: ${paired.map(ratio).join(', ')}; ratio of medians ${ratio(pipelineMedian / rawMedian)}`);
    ctx.log(`  host done (stream consumed by ChatSession): median ${ms(median(pipelines.map((p) => p.host)))} = ${ratio(hostRatio)} raw`);
    ctx.log(
      `  then: to the webview ${ms(median(pipelines.map((p) => p.toWebview)))}, last render ${ms(median(pipelines.map((p) => p.lastRender)))}` +
        ` (of which the final full-render check ${ms(median(pipelines.map((p) => p.finalRender)))}), on screen ${ms(median(pipelines.map((p) => p.present)))} later (medians)`,
    );
    const webviewMedian = (part: keyof MainThreadTime) => ms(median(pipelines.map((p) => p.webview[part])));
    ctx.log(
      `  webview main thread per run: ${webviewMedian('task')} busy, of which layout ${webviewMedian('layout')}, style ${webviewMedian('style')}, script ${webviewMedian('script')} (medians)`,
    );
    ctx.log(
      `  node CPU per run: raw ${ms(median(rawCpu.slice(1)))}, pipeline ${ms(median(pipelines.map((p) => p.nodeCpu)))} (stand-in + SDK + host path + CDP client)`,
    );
    ctx.log(
      `  per run: ${median(pipelines.map((p) => p.deltaMessages))} delta messages (largest ${median(pipelines.map((p) => p.largestDelta))} chars), ${median(pipelines.map((p) => p.paints))} paints (medians)`,
    );
    return [
      {
        figure: '2. throughput: painted ÷ raw SDK',
        measured: `${ratio(throughput)} (medians ${ms(pipelineMedian)} vs ${ms(rawMedian)})`,
        target: `≤ ${targetThroughputRatio}×`,
        verdict: verdict(throughput, targetThroughputRatio),
        value: round(throughput),
        limit: targetThroughputRatio,
        details: {
          chunks: chunks.length,
          meanChunkChars,
          rawMs: raws.map(round),
          pipelineMs: pipelines.map((p) => round(p.total)),
          hostMs: pipelines.map((p) => round(p.host)),
          hostRatio: round(hostRatio),
          finalRenderMs: pipelines.map((p) => round(p.finalRender)),
          pairedRatios: paired.map(round),
          webviewMainThreadMs: pipelines.map((p) => ({ task: round(p.webview.task), layout: round(p.webview.layout), style: round(p.webview.style), script: round(p.webview.script) })),
          nodeCpuMs: { raw: rawCpu.slice(1).map(round), pipeline: pipelines.map((p) => round(p.nodeCpu)) },
          ratioOfMedians: round(pipelineMedian / rawMedian),
        },
      },
    ];
  } finally {
    stack.session.dispose();
  }
}
