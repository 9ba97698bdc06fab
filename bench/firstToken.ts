/**
 * Figure 10, time to first token (issue 18, item 9): Enter in the question box → the answer's
 * first token painted, beside the raw `openai` SDK's time to its first content delta, on the
 * same stand-in, the same Entra token and the same warm keep-alive connection pool (both use
 * node's global fetch), taking turns in one run. The target: our p95 ≤ the raw SDK's p95 + one
 * 60 Hz frame, on chat completions and on Responses.
 *
 * Where: the extension's real host stack (bench/hostStack.ts: AzureAnswerSource with the real
 * SDK, ChatSession, ChatWebviewBinding) and the real webview bundle in Debian's Chromium
 * (bench/webviewBridge.ts). Enter is a real key press in the page (a CDP key-down event), the
 * webview's own composer posts `send`, which reaches the binding over a CDP binding; VS Code's
 * own IPC is not in this path (CDP stands in for it in both directions).
 *
 * The stand-in answers at once (no model think time), so the raw SDK's time is loopback HTTP
 * and parsing only and everything above it is the extension's. The answer's pieces are 40 ms
 * apart, so the first paint holds the first token alone.
 *
 * The split says where the difference goes, every time on node's clock:
 *   Enter → send posted          the webview's keydown handling
 *   posted → host got `send`     the webview → host hop (CDP here, VS Code IPC in the product)
 *   host got `send` → written    the host's path to the request and the stand-in's answer
 *                                (the raw SDK's request → written is beside it)
 *   written → delta posted       SDK + stream reader + session + binding on the first chunk
 *   posted → received            the host → webview hop
 *   received → render start      waiting for the webview's next animation frame
 *   render                       markdown + DOM (chat:painted durationMs)
 *   render end → painted         style, layout, paint of that frame
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import * as path from 'node:path';
import { OpenAI } from 'openai';
import type { BenchContext } from './context';
import { benchDeployment, benchResponsesDeployment, bindWebview, createSignedInStack, lastMessageId } from './hostStack';
import { type FigureResult, verdict } from './report';
import { epochNow, median, ms, percentile, round } from './stats';

const rounds = 40;
const warmUps = 3;
/** One frame at 60 Hz: the target is the raw SDK's p95 plus this. */
const frameMs = 1000 / 60;
const answerChunks = ['Sure', ',', ' here', ' it', ' is', '.'];
const pieceDelayMs = 40;
/** The context rows' model think time before the first token. */
const thinkTimeMs = 100;

type Wire = 'chat completions' | 'Responses';

interface PipelineRun {
  readonly total: number;
  readonly keydown: number;
  readonly toHost: number;
  readonly hostToWritten: number;
  /** Of hostToWritten: host got `send` → the extension called fetch. */
  readonly hostToFetch: number;
  /** Of hostToWritten: fetch called → the stand-in wrote the first piece. */
  readonly fetchToWritten: number;
  readonly writtenToPosted: number;
  /** Of writtenToPosted: written → the session fired its first delta. */
  readonly writtenToSession: number;
  /** Of writtenToPosted: the session's delta → the binding posted it. */
  readonly sessionToPosted: number;
  /** Host messages the webview got between `send` and the first delta. */
  readonly postedBefore: number;
  /** host got `send` → first delta posted, on node's clock (for the profile). */
  readonly hostWindow: readonly [number, number];
  readonly hop: number;
  readonly frameWait: number;
  readonly render: number;
  readonly present: number;
}

interface RawRun {
  /** Request → the SDK yielded the first content delta (the figure's raw side). */
  readonly total: number;
  /** Request → create() resolved (response head received). */
  readonly head: number;
  /** Request → the stand-in wrote the first content piece. */
  readonly toWritten: number;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

/**
 * Installed in the page before each Enter: the keydown's own timestamp (capture phase, before
 * the composer handles it) and the moment the composer posted `send` to the host.
 */
const installEnterProbe = `function () {
  const now = () => performance.timeOrigin + performance.now();
  const probe = { enterAt: 0, sentAt: 0 };
  window.__ttft = probe;
  if (!window.__ttftInstalled) {
    window.__ttftInstalled = true;
    window.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && window.__ttft.enterAt === 0) window.__ttft.enterAt = performance.timeOrigin + event.timeStamp;
    }, true);
    const posted = window.__posted;
    const push = posted.push;
    posted.push = function (...items) {
      for (const m of items) if (m && m.type === 'send' && window.__ttft.sentAt === 0) window.__ttft.sentAt = now();
      return push.apply(this, items);
    };
  }
}`;

export async function measureFirstToken(ctx: BenchContext): Promise<FigureResult[]> {
  return [
    ...(await measureWire(ctx, 'chat completions', 0)),
    ...(await measureWire(ctx, 'Responses', 0)),
    // Context, not the target: a service that thinks before its first token (as every real one
    // does) leaves the webview time to paint the question first, so this tells the cost of the
    // path itself from the cost of work that coincides with the first token.
    ...(await measureWire(ctx, 'chat completions', thinkTimeMs)),
    ...(await measureWire(ctx, 'Responses', thinkTimeMs)),
  ];
}

async function measureWire(ctx: BenchContext, wire: Wire, thinkMs: number): Promise<FigureResult[]> {
  const deployment = wire === 'Responses' ? benchResponsesDeployment : benchDeployment;
  const stack = createSignedInStack(ctx.standIn, deployment);
  const webview = await ctx.browser.openWebview();
  // Registered before the binding's own listener, so it sees `send` first.
  let hostGotSendAt = Number.NaN;
  const listening = webview.onDidReceiveMessage((message) => {
    if ((message as { type?: unknown }).type === 'send') {
      hostGotSendAt = epochNow();
    }
  });
  const binding = bindWebview(stack.session, webview);
  // When the extension's own requests leave: its clients are built on the first question (after
  // this), with fetchRefusingRedirects around the global fetch of that moment.
  let fetchCalledAt = Number.NaN;
  let tracing = false;
  const globalFetch = globalThis.fetch;
  globalThis.fetch = (...args: Parameters<typeof fetch>) => {
    if (tracing && Number.isNaN(fetchCalledAt)) {
      fetchCalledAt = epochNow();
    }
    return globalFetch(...args);
  };
  let sessionDeltaAt = Number.NaN;
  const sessionEvents = stack.session.onDidChange((event) => {
    if (event.type === 'delta' && Number.isNaN(sessionDeltaAt)) {
      sessionDeltaAt = epochNow();
    }
  });
  let raw: OpenAI | undefined;
  const scenario = () => ({ chunks: [...answerChunks], delayMs: pieceDelayMs, firstChunkDelayMs: thinkMs, reasoning: '' });

  /** When the stand-in wrote the first and the last piece of the next answer. */
  const watchWrites = () => {
    const times = { first: Number.NaN, last: undefined as Promise<number> | undefined };
    times.last = new Promise<number>((resolve) => {
      ctx.standIn.onChunkWritten = (index, _text, at) => {
        if (index === 0) {
          times.first = at;
        }
        if (index === answerChunks.length - 1) {
          ctx.standIn.onChunkWritten = undefined;
          resolve(at);
        }
      };
    });
    return times;
  };

  const pipelineRun = async (): Promise<PipelineRun> => {
    await webview.clearRecords();
    await stack.session.clear();
    await webview.waitForSnapshotPainted(1);
    await settle();
    await webview.call(installEnterProbe);
    hostGotSendAt = Number.NaN;
    fetchCalledAt = Number.NaN;
    sessionDeltaAt = Number.NaN;
    tracing = true;
    ctx.standIn.server.enqueue(scenario());
    const writes = watchWrites();
    await webview.typeAndPressEnter('What is the time to first token?');
    await writes.last;
    tracing = false;
    await stack.session.whenIdle();
    const answerId = lastMessageId(stack.session.messages);
    await webview.waitForFinalPaint(answerId);
    await webview.releaseEnter();
    const records = await webview.collect();
    const page = (await webview.call('function () { return window.__ttft; }')) as { enterAt: number; sentAt: number };
    if (webview.errors.length > 0) {
      throw new Error(`the webview threw: ${webview.errors.join('; ')}`);
    }
    const enterAt = page.enterAt - webview.clockOffset;
    const sentAt = page.sentAt - webview.clockOffset;
    const firstPaint = records.paints.find((p) => p.messageId === answerId && p.length > 0);
    const firstDelta = webview.posted.find((p) => p.type === 'delta' && p.messageId === answerId);
    const received = firstDelta && records.received.get(firstDelta.seq);
    if (!page.enterAt || !page.sentAt || !firstPaint?.paintedAt || !firstDelta || received === undefined) {
      throw new Error(`the first token was not traced (Enter ${page.enterAt}, send ${page.sentAt}, paint ${String(firstPaint?.paintedAt)}, delta ${String(firstDelta?.seq)})`);
    }
    const renderStart = firstPaint.at - firstPaint.durationMs;
    return {
      total: firstPaint.paintedAt - enterAt,
      keydown: sentAt - enterAt,
      toHost: hostGotSendAt - sentAt,
      hostToWritten: writes.first - hostGotSendAt,
      hostToFetch: fetchCalledAt - hostGotSendAt,
      fetchToWritten: writes.first - fetchCalledAt,
      writtenToPosted: firstDelta.at - writes.first,
      writtenToSession: sessionDeltaAt - writes.first,
      sessionToPosted: firstDelta.at - sessionDeltaAt,
      hostWindow: [hostGotSendAt, firstDelta.at],
      postedBefore: webview.posted.filter((p) => p.at >= hostGotSendAt && p.seq < firstDelta.seq).length,
      hop: received - firstDelta.at,
      frameWait: renderStart - received,
      render: firstPaint.durationMs,
      present: firstPaint.paintedAt - firstPaint.at,
    };
  };

  const rawRun = async (): Promise<RawRun> => {
    if (!raw) {
      throw new Error('the raw client was not built');
    }
    ctx.standIn.server.enqueue(scenario());
    const writes = watchWrites();
    const started = epochNow();
    let head = Number.NaN;
    let first = Number.NaN;
    if (wire === 'Responses') {
      const stream = await raw.responses.create({
        model: benchResponsesDeployment,
        instructions: 'You are a helpful assistant.',
        input: [{ role: 'user', content: 'What is the time to first token?' }],
        max_output_tokens: 32_768,
        store: false,
        stream: true,
      });
      head = epochNow();
      for await (const event of stream) {
        if (event.type === 'response.output_text.delta' && Number.isNaN(first)) {
          first = epochNow();
        }
      }
    } else {
      const stream = await raw.chat.completions.create({
        model: benchDeployment,
        messages: [
          { role: 'system', content: 'You are a helpful assistant.' },
          { role: 'user', content: 'What is the time to first token?' },
        ],
        max_completion_tokens: 16_384,
        stream: true,
        stream_options: { include_usage: true },
      });
      head = epochNow();
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta?.content && Number.isNaN(first)) {
          first = epochNow();
        }
      }
    }
    await writes.last;
    return { total: first - started, head: head - started, toWritten: writes.first - started };
  };

  try {
    webview.start();
    await webview.waitForSnapshotPainted(1);
    // The first answer warms the connection, mints and caches the token, and loads the
    // tokenizer; the raw client then uses the very token the extension sent.
    await pipelineRun();
    const sent = ctx.standIn.server.requests.at(-1);
    const authorization = sent?.headers.authorization;
    if (!sent || !authorization?.startsWith('Bearer ')) {
      throw new Error(`the extension's request carried no bearer token (auth ${String(sent?.auth)})`);
    }
    raw = new OpenAI({ baseURL: `${ctx.standIn.server.endpoint}/openai/v1/`, apiKey: authorization.slice('Bearer '.length), maxRetries: 0 });
    for (let i = 1; i < warmUps; i++) {
      await pipelineRun();
    }
    for (let i = 0; i < warmUps; i++) {
      await rawRun();
    }
    const tokensBefore = stack.microsoft.tokensMinted;
    // BENCH_PROFILE=1: a CPU profile of this process over the measured rounds (one wire, no think
    // time), summarised over the windows from `send` to the first delta.
    const profiler = process.env.BENCH_PROFILE && thinkMs === 0 ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 100 });
      await profiler.post('Profiler.start');
    }
    const pipelines: PipelineRun[] = [];
    const raws: RawRun[] = [];
    const roundsHere = thinkMs > 0 ? rounds / 2 : rounds;
    for (let i = 0; i < roundsHere; i++) {
      // Alternate which goes first, so a drift in machine load hits both alike.
      if (i % 2 === 0) {
        raws.push(await rawRun());
        pipelines.push(await pipelineRun());
      } else {
        pipelines.push(await pipelineRun());
        await settle();
        raws.push(await rawRun());
      }
    }
    const tokensMinted = stack.microsoft.tokensMinted - tokensBefore;
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      profiler.disconnect();
      const file = path.join(ctx.repoRoot, 'out', 'bench', `first-token-${wire.replace(/ /g, '-')}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      summariseProfile(profile, pipelines.map((p) => p.hostWindow), ctx.log, file);
    }

    const ours = pipelines.map((p) => p.total);
    const rawFirst = raws.map((r) => r.total);
    const p50 = percentile(ours, 50);
    const p95 = percentile(ours, 95);
    const rawP50 = percentile(rawFirst, 50);
    const rawP95 = percentile(rawFirst, 95);
    const overhead = p95 - rawP95;
    const paired = pipelines.map((p, i) => p.total - (raws[i] as RawRun).total);
    const stage = (name: Exclude<keyof PipelineRun, 'hostWindow'>) => {
      const values = pipelines.map((p) => p[name]);
      return { p50: round(percentile(values, 50)), p95: round(percentile(values, 95)) };
    };
    const stages = {
      keydown: stage('keydown'),
      toHost: stage('toHost'),
      hostToWritten: stage('hostToWritten'),
      hostToFetch: stage('hostToFetch'),
      fetchToWritten: stage('fetchToWritten'),
      writtenToPosted: stage('writtenToPosted'),
      writtenToSession: stage('writtenToSession'),
      sessionToPosted: stage('sessionToPosted'),
      hop: stage('hop'),
      frameWait: stage('frameWait'),
      render: stage('render'),
      present: stage('present'),
    };
    const rawToWritten = raws.map((r) => r.toWritten);
    const rawAfterWritten = raws.map((r) => r.total - r.toWritten);
    const label = wire === 'Responses' ? `Responses (${benchResponsesDeployment})` : `chat completions (${benchDeployment})`;
    const think = thinkMs > 0 ? `${thinkMs} ms think time before the first token (context)` : 'no think time';
    ctx.log(`${label}: ${roundsHere} rounds alternating ours and the raw SDK, after ${warmUps} warm-ups each; answer of ${answerChunks.length} pieces ${pieceDelayMs} ms apart, ${think}`);
    ctx.log(`  ours, Enter → first token painted (host stack + webview in Chromium): p50 ${ms(p50)}, p95 ${ms(p95)}, max ${ms(Math.max(...ours))}`);
    ctx.log(
      `  raw SDK, request → first content delta: p50 ${ms(rawP50)}, p95 ${ms(rawP95)}` +
        ` (response head p50 ${ms(median(raws.map((r) => r.head)))}; request → stand-in wrote it p50 ${ms(median(rawToWritten))}, written → yielded p50 ${ms(median(rawAfterWritten))})`,
    );
    ctx.log(`  overhead p95 = ${ms(p95)} − ${ms(rawP95)} = ${ms(overhead)} (paired differences: p50 ${ms(percentile(paired, 50))}, p95 ${ms(percentile(paired, 95))})`);
    ctx.log('  where ours goes (p50 / p95):');
    const names: Record<keyof typeof stages, string> = {
      keydown: 'Enter → send posted (webview)',
      toHost: 'posted → host got send (CDP hop)',
      hostToWritten: 'host → stand-in wrote 1st piece',
      hostToFetch: '  of which host → fetch called',
      fetchToWritten: '  of which fetch → written',
      writtenToPosted: 'written → delta posted (host)',
      writtenToSession: '  of which written → session delta',
      sessionToPosted: '  of which session → binding posted',
      hop: 'posted → webview got it (CDP)',
      frameWait: 'got it → render start (frame)',
      render: 'render (markdown + DOM)',
      present: 'rendered → painted',
    };
    for (const [key, value] of Object.entries(stages)) {
      ctx.log(`    ${names[key as keyof typeof stages].padEnd(36)} ${ms(value.p50)} / ${ms(value.p95)}`);
    }
    ctx.log(`  beside "host → stand-in wrote": the raw SDK's request → written p50 ${ms(median(rawToWritten))}, p95 ${ms(percentile(rawToWritten, 95))}`);
    ctx.log(`  host messages the webview got between send and the first delta: median ${median(pipelines.map((p) => p.postedBefore))}`);
    ctx.log(`  tokens minted during the measured rounds: ${tokensMinted} (cached token, as for a signed-in user)`);
    return [
      {
        figure: thinkMs > 0 ? `10. first token, ${wire}, ${thinkMs} ms think time` : `10. first token, ${wire}`,
        measured: `p50 ${ms(p50)}, p95 ${ms(p95)}; raw SDK first byte p95 ${ms(rawP95)}; overhead p95 ${ms(overhead)}`,
        target: `overhead ≤ ${frameMs.toFixed(1)} ms (raw + 1 frame), host stack + webview in Chromium`,
        verdict: thinkMs > 0 ? 'INFO' : verdict(overhead, frameMs),
        value: round(overhead),
        limit: round(frameMs),
        details: {
          where: 'extension host stack in node + real webview bundle in Chromium (CDP stands in for VS Code IPC)',
          deployment,
          thinkMs,
          p50: round(p50),
          p95: round(p95),
          rawP50: round(rawP50),
          rawP95: round(rawP95),
          overheadP95: round(overhead),
          pairedOverhead: { p50: round(percentile(paired, 50)), p95: round(percentile(paired, 95)) },
          oursMs: ours.map(round),
          rawMs: rawFirst.map(round),
          rawHeadMs: raws.map((r) => round(r.head)),
          stages,
          tokensMinted,
        },
      },
    ];
  } finally {
    ctx.standIn.onChunkWritten = undefined;
    globalThis.fetch = globalFetch;
    sessionEvents.dispose();
    listening.dispose();
    binding.dispose();
    stack.session.dispose();
    await webview.close();
  }
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

/**
 * Self time by function (and by package) over the samples inside the windows, on node's epoch
 * clock. V8's sample times and process.hrtime share the monotonic clock.
 */
function summariseProfile(
  profile: { readonly nodes: readonly ProfileNode[]; readonly startTime: number; readonly samples?: readonly number[]; readonly timeDeltas?: readonly number[] },
  windows: readonly (readonly [number, number])[],
  log: (line: string) => void,
  file: string,
): void {
  const epochMinusMonotonic = epochNow() - Number(process.hrtime.bigint()) / 1e6;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let t = profile.startTime;
  let inside = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    const at = t / 1000 + epochMinusMonotonic;
    if (!windows.some(([from, to]) => at >= from && at <= to)) {
      continue;
    }
    const node = byId.get(samples[i] as number);
    const interval = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    inside += interval;
    const frame = node?.callFrame;
    const where = frame?.url.replace(/^.*\/(node_modules\/(?:@[^/]+\/)?[^/]+|out\/[^/]+\/[^/]+|node:[^/]+).*$/, '$1') ?? '?';
    const name = `${frame?.functionName || '(anonymous)'} ${where}${frame?.url ? `:${(frame.lineNumber ?? 0) + 1}` : ''}`;
    self.set(name, (self.get(name) ?? 0) + interval);
    const pkg = frame?.url ? where : frame?.functionName || '?';
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + interval);
  }
  const total = windows.reduce((sum, [from, to]) => sum + (to - from), 0);
  log(`  CPU profile (${file.replace(/^.*\/out\//, 'out/')}): in the ${windows.length} send → first delta windows (${ms(total)} in all), node was on CPU ${ms(inside)}`);
  const top = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  for (const [name, time] of top(byPackage, 8)) {
    log(`    ${ms(time).padStart(9)}  ${name}`);
  }
  log('  top functions (self time):');
  for (const [name, time] of top(self, 12)) {
    log(`    ${ms(time).padStart(9)}  ${name}`);
  }
}
