/**
 * Figure 2, throughput. A 100,000-character markdown answer in ~5-character
 * chunks (20,000 SSE frames) is streamed as fast as the stand-in sends it, through two paths
 * taking turns in the same run:
 *   raw       the `openai` SDK alone in plain node, concatenating the deltas;
 *   pipeline  the extension's path into the webview in Chromium, until the final paint is on
 *             screen (AzureAnswerSource, ChatSession, binding, host → webview hop, render).
 * The figure is the median of the paired ratios (each pipeline run ÷ the raw run beside it, so
 * a change in machine load between pairs cancels out); the ratio of the medians is context.
 * Each pipeline run opens a fresh webview; its first answer (printed as context) warms V8, and
 * the measured answer is its second, as in a panel that has answered before.
 * (The flat cost per chunk is renderCost.ts.)
 */
import { OpenAI } from 'openai';
import type { HostToWebviewMessage } from '../src/common/protocol';
import { toDisposable, type IDisposable } from '../src/common/dispose';
import type { WebviewSurface } from '../src/webviewHost/chatWebviewBinding';
import type { BenchContext } from './context';
import { markdownAnswer, meanChunkChars, tokenChunks } from './answers';
import { benchApiKey, benchDeployment, benchResponsesDeployment, bindWebview, createSignedInStack, lastMessageId } from './hostStack';
import { type FigureResult, verdict } from './report';
import { epochNow, median, ms, ratio, round } from './stats';
import { type MainThreadTime, mainThreadSpent } from './webviewBridge';

const answerChars = 100_000;
const repetitions = 9;
const targetThroughputRatio = 1.2;

/** The two wire APIs the chat speaks; each is measured against the raw SDK reading the same stream. */
type Wire = 'chat completions' | 'Responses';

interface PipelineRun {
  /** Request sent → final paint on screen. */
  readonly total: number;
  /** The same for the first answer in the freshly loaded page (renderer not optimised yet). */
  readonly cold: number;
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

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

export async function measureThroughput(ctx: BenchContext): Promise<FigureResult[]> {
  return [...(await measureWire(ctx, 'chat completions')), ...(await measureWire(ctx, 'Responses'))];
}

/**
 * The raw SDK's request is the one the extension sends for the deployment (v1, same body
 * fields), so both read the same stream: for Responses that includes the reasoning summary
 * events before the answer, which the raw reader skips and the extension shows.
 */
async function rawStream(raw: OpenAI, wire: Wire): Promise<string> {
  let received = '';
  if (wire === 'Responses') {
    const stream = await raw.responses.create({
      model: benchResponsesDeployment,
      instructions: 'You are a helpful assistant.',
      input: [{ role: 'user', content: 'Write a long answer.' }],
      reasoning: { summary: 'auto' },
      max_output_tokens: 32_768,
      store: false,
      stream: true,
    });
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') {
        received += event.delta;
      }
    }
    return received;
  }
  const stream = await raw.chat.completions.create({
    model: benchDeployment,
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Write a long answer.' },
    ],
    max_completion_tokens: 16_384,
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const chunk of stream) {
    received += chunk.choices[0]?.delta?.content ?? '';
  }
  return received;
}

async function measureWire(ctx: BenchContext, wire: Wire): Promise<FigureResult[]> {
  const text = markdownAnswer(answerChars);
  const chunks = tokenChunks(text);
  const deployment = wire === 'Responses' ? benchResponsesDeployment : benchDeployment;

  const raw = new OpenAI({ baseURL: `${ctx.standIn.server.endpoint}/openai/v1/`, apiKey: benchApiKey, maxRetries: 0 });
  const stack = createSignedInStack(ctx.standIn, deployment);

  const rawCpu: number[] = [];
  const rawRun = async (): Promise<number> => {
    ctx.standIn.server.enqueue({ chunks });
    const cpuBefore = process.cpuUsage();
    const started = epochNow();
    const received = await rawStream(raw, wire);
    const elapsed = epochNow() - started;
    const cpu = process.cpuUsage(cpuBefore);
    rawCpu.push((cpu.user + cpu.system) / 1000);
    if (received.length !== answerChars) {
      throw new Error(`the raw SDK received ${received.length} characters, expected ${answerChars}`);
    }
    return elapsed;
  };

  // The extension's host path alone: the same session and binding, posting to a surface that
  // serialises each message (as VS Code's IPC does) and drops it. Context for the figure: it
  // tells the host's own cost from the webview's.
  const hostOnlyStack = createSignedInStack(ctx.standIn, deployment);
  const serialisingSurface = new SerialisingSurface();
  const hostOnlyBinding = bindWebview(hostOnlyStack.session, serialisingSurface);
  serialisingSurface.ready();
  const hostOnlyRun = async (): Promise<number> => {
    ctx.standIn.server.enqueue({ chunks });
    const started = epochNow();
    hostOnlyStack.session.send('Write a long answer.');
    await hostOnlyStack.session.whenIdle();
    const elapsed = epochNow() - started;
    const received = hostOnlyStack.session.messages.at(-1)?.text.length ?? 0;
    await hostOnlyStack.session.clear();
    if (received !== answerChars) {
      throw new Error(`the host path received ${received} characters, expected ${answerChars}`);
    }
    return elapsed;
  };

  const pipelineRun = async (): Promise<PipelineRun> => {
    const webview = await ctx.browser.openWebview();
    const binding = bindWebview(stack.session, webview);
    try {
      webview.start();
      await webview.waitForSnapshotPainted(1);
      // The first answer in this freshly loaded page is timed as context only: V8 is still
      // compiling and optimising the renderer (markdown-it, the splitter) on background threads,
      // competing with node for the two cores. The figure is the next answer, as in a panel that
      // has answered before. Then start from an empty conversation again.
      ctx.standIn.server.enqueue({ chunks });
      const coldStarted = epochNow();
      stack.session.send('Warm up.');
      const coldId = lastMessageId(stack.session.messages);
      await stack.session.whenIdle();
      await webview.waitForFinalPaint(coldId, 60_000);
      const coldPaint = (await webview.collect()).paints.find((p) => p.final && p.messageId === coldId);
      const cold = (coldPaint?.paintedAt ?? Number.NaN) - coldStarted;
      await stack.session.clear();
      await webview.waitForSnapshotPainted(2);
      await webview.clearRecords();
      await settle();

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
        cold,
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
    await hostOnlyRun();
    await pipelineRun();
    const raws: number[] = [];
    const hostOnly: number[] = [];
    const pipelines: PipelineRun[] = [];
    for (let i = 0; i < repetitions; i++) {
      // Rotate the order, so a drift in machine load hits every path alike; and let the machine
      // settle before each run (a closed webview leaves Chromium idle-time work and GC behind).
      const order = [0, 1, 2].map((k) => (k + i) % 3);
      for (const path of order) {
        await settle();
        if (path === 0) {
          raws.push(await rawRun());
        } else if (path === 1) {
          pipelines.push(await pipelineRun());
        } else {
          hostOnly.push(await hostOnlyRun());
        }
      }
    }

    const rawMedian = median(raws);
    const pipelineMedian = median(pipelines.map((p) => p.total));
    const paired = pipelines.map((p, i) => p.total / (raws[i] as number));
    const throughput = median(paired);
    const hostRatio = median(pipelines.map((p) => p.host)) / rawMedian;
    ctx.log(`${wire}: ${chunks.length} chunks of ${meanChunkChars} chars on average (3-7), no delay; ${repetitions} rounds of the three paths in rotating order, after one warm-up each`);
    ctx.log(`raw openai SDK in node:       ${raws.map((v) => ms(v)).join(', ')}  median ${ms(rawMedian)}`);
    ctx.log(`extension → webview painted:  ${pipelines.map((p) => ms(p.total)).join(', ')}  median ${ms(pipelineMedian)}`);
    ctx.log(`paired ratios: ${paired.map(ratio).join(', ')}; ratio of medians ${ratio(pipelineMedian / rawMedian)}`);
    const coldMedian = median(pipelines.map((p) => p.cold));
    ctx.log(`  first answer in a freshly loaded webview (renderer JIT still warming): median ${ms(coldMedian)} = ${ratio(coldMedian / rawMedian)} raw`);
    ctx.log(
      `  side by side, the extension's host path alone (session + binding, messages serialised, no webview): median ${ms(median(hostOnly))}` +
        ` = ${ratio(median(hostOnly.map((h, i) => h / (raws[i] as number))))} raw (paired)`,
    );
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
        figure: wire === 'Responses' ? '2. throughput (Responses): painted ÷ raw SDK' : '2. throughput: painted ÷ raw SDK',
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
          firstAnswerInFreshWebviewMs: pipelines.map((p) => round(p.cold)),
          hostMs: pipelines.map((p) => round(p.host)),
          hostPathAloneMs: hostOnly.map(round),
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
    hostOnlyBinding.dispose();
    hostOnlyStack.session.dispose();
    stack.session.dispose();
  }
}

/** A webview that is never there: it serialises what it is sent, like VS Code's IPC, and drops it. */
class SerialisingSurface implements WebviewSurface {
  readonly visible = true;
  private readonly listeners = new Set<(message: unknown) => void>();

  postMessage(message: HostToWebviewMessage): PromiseLike<boolean> {
    return Promise.resolve(JSON.stringify(message).length > 0);
  }

  onDidReceiveMessage(listener: (message: unknown) => void): IDisposable {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  }

  onDidChangeVisibility(): IDisposable {
    return toDisposable(() => undefined);
  }

  /** The handshake a real webview sends once its script runs. */
  ready(): void {
    for (const listener of this.listeners) {
      listener({ type: 'ready' });
    }
  }
}
