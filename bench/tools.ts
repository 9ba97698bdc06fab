/**
 * Figure 12, tools (issue 20):
 *
 * - host time per tool step, excluding the model and the tool: a 20-step tool loop through the
 *   chat's real stack above the model client (ChatSession, the tool loop, AzureAnswerSource with
 *   its context trimming counted by the real tokenizer and the wire body built, the journal on
 *   disk, the webview binding) with a model client that answers each step at once with one tool
 *   call and a tool that returns a 4 KB result at once. Each step's time is from one model
 *   request to the next, minus the tool's own time: what the host adds per step. p95 over
 *   10 loops of 20 steps (the conversation grows by 4 KB a step, so late steps cost most).
 * - a conversation with 200 tool calls opens: from the host receiving `openConversation` to the
 *   first paint after the webview rendered its snapshot with every card, the journal read from
 *   disk (each run opens a conversation not opened before).
 *
 *   node out/bench/index.js 12     (this figure alone; `npm run bench` runs it with the others)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chatCompletionsBody } from '../src/azure/chatCompletionsWire';
import type { AzureModelClient, DeploymentInfo } from '../src/azure/modelClient';
import { resolveProfile } from '../src/azure/modelProfiles';
import type { ModelEventSink, ModelRequest } from '../src/azure/modelRequest';
import { AnswerError, type AnswerSource } from '../src/chat/answerSource';
import { AzureAnswerSource } from '../src/chat/azureAnswerSource';
import { ChatSession } from '../src/chat/chatSession';
import { ConversationJournal } from '../src/chat/conversationJournal';
import { ConversationLibrary } from '../src/chat/conversationLibrary';
import { ConversationStore } from '../src/chat/conversationStore';
import { MemoryGrantStore } from '../src/chat/toolApproval';
import { type ChatTool, defaultToolSettings, type ToolHost } from '../src/chat/toolLoop';
import type { ConnectionResult } from '../src/connection/connectionManager';
import type { ConnectionView, ToolCallView } from '../src/common/protocol';
import { Emitter } from '../src/common/events';
import { toDisposable } from '../src/common/dispose';
import { silentLogger } from '../src/logging/logger';
import type { WebviewSurface } from '../src/webviewHost/chatWebviewBinding';
import type { BenchContext } from './context';
import { type FigureResult, verdict } from './report';
import { epochNow, median, ms, percentile, round } from './stats';
import { bindChat } from '../test/support/chatBinding';

const stepsPerLoop = 20;
const loops = 10;
const stepTargetMs = 5;
const openTargetMs = 150;
const opens = 5;
const resultText = `${'export function line(n: number): string { return String(n); } // a line of a source file\n'.repeat(45)}`.slice(0, 4096);

/** A model client that answers every step at once with one tool call (no model time), timing each request. */
function instantToolModel(requests: number[]): AzureModelClient {
  const profile = resolveProfile(['gpt-4o-mini'], undefined);
  const info: DeploymentInfo = { endpoint: 'https://bench.openai.azure.com', deployment: 'gpt-4o-mini', profile, effort: undefined };
  let call = 0;
  const client = {
    deploymentInfo: async () => info,
    stream: async (request: ModelRequest, _signal: AbortSignal, onEvent: ModelEventSink) => {
      requests.push(performance.now());
      // What the real client does with a request before sending it (the wire body); no network.
      JSON.stringify(chatCompletionsBody(info.deployment, request, profile, undefined));
      const callId = `call_${++call}`;
      const args = JSON.stringify({ path: `src/file${call}.ts` });
      onEvent({ type: 'toolCallStart', callId, name: 'read_file' });
      for (let i = 0; i < args.length; i += 10) {
        onEvent({ type: 'toolCallArguments', callId, text: args.slice(i, i + 10) });
      }
      onEvent({ type: 'toolCallEnd', call: { callId, name: 'read_file', arguments: args } });
      onEvent({ type: 'usage', usage: { inputTokens: 1000, outputTokens: 20, reasoningTokens: 0 } });
      return { kind: 'finished', finishReason: 'tool_calls' } as const;
    },
  };
  return client as unknown as AzureModelClient;
}

const connection: ConnectionView = { state: 'ready', label: 'API key', deployment: 'bench' };

function fakeSurface(): WebviewSurface & { posted: number } {
  const surface = {
    kind: 'sidebar' as const,
    posted: 0,
    postMessage: async () => {
      surface.posted++;
      return true;
    },
    onDidReceiveMessage: () => toDisposable(() => undefined),
    visible: true,
    onDidChangeVisibility: () => toDisposable(() => undefined),
  };
  return surface;
}

async function measureSteps(folder: string, log: (line: string) => void): Promise<{ p95: number; samples: number[] }> {
  const samples: number[] = [];
  for (let loop = 0; loop <= loops; loop++) {
    const requests: number[] = [];
    const toolTimes: number[] = [];
    const tool: ChatTool = {
      definition: { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } },
      effect: 'read',
      invoke: async () => {
        const started = performance.now();
        const text = resultText;
        toolTimes.push(performance.now() - started);
        return text;
      },
    };
    const host: ToolHost = {
      tools: () => [tool],
      trusted: () => true,
      settings: () => ({ ...defaultToolSettings, maxSteps: stepsPerLoop }),
      ask: async () => 'deny',
      workspaceGrants: new MemoryGrantStore(),
    };
    const model = instantToolModel(requests);
    const settings = { endpoint: 'https://bench.openai.azure.com', deployment: 'gpt-4o-mini', systemPrompt: 'You are a helpful assistant.' };
    const source = new AzureAnswerSource({
      clientFor: () => model,
      connection: async () => ({ ok: true, connection: { settings } }) as unknown as ConnectionResult,
    });
    const session = new ChatSession(source, [], undefined, host);
    const { journal } = await ConversationJournal.open(join(folder, `loop-${loop}.jsonl`), silentLogger);
    session.onDidChange((event) => journal.record(event));
    const surface = fakeSurface();
    const binding = bindChat(surface, session, {
      connection: async () => connection,
    });
    session.send('Read the files one by one.');
    await session.whenIdle();
    binding.dispose();
    await journal.close();
    session.dispose();
    if (requests.length !== stepsPerLoop) {
      throw new Error(`the loop asked the model ${requests.length} times, expected ${stepsPerLoop}`);
    }
    const steps = requests.slice(1).map((at, i) => at - (requests[i] as number) - (toolTimes[i] ?? 0));
    // The first loop warms up the tokenizer and the JIT.
    if (loop > 0) {
      samples.push(...steps);
    } else {
      log(`warm-up loop: ${steps.map((s) => s.toFixed(2)).join(', ')} ms`);
    }
  }
  return { p95: percentile(samples, 95), samples };
}

/** A journal as the chat writes it: 20 questions, each answered with 10 tool calls (4 card states each) and text. */
function toolConversationJournal(): string {
  const lines: unknown[] = [];
  for (let q = 0; q < 20; q++) {
    lines.push({ t: 'msg', id: `q${q}`, role: 'user', text: `Question ${q}: look through the files and fix what fails.`, status: 'done' });
    lines.push({ t: 'msg', id: `a${q}`, role: 'assistant', text: '', status: 'streaming' });
    for (let c = 0; c < 10; c++) {
      const base: ToolCallView = { callId: `call_${q}_${c}`, name: 'aoaichat_read_file', arguments: JSON.stringify({ path: `src/module${c}.ts` }), status: 'streaming', step: c, textOffset: 0 };
      lines.push({ t: 'tool', id: `a${q}`, call: base });
      lines.push({ t: 'tool', id: `a${q}`, call: { ...base, status: 'running' } });
      lines.push({ t: 'tool', id: `a${q}`, call: { ...base, status: 'done', result: resultText.slice(0, 1500) } });
    }
    lines.push({ t: 'delta', id: `a${q}`, text: `Done with question ${q}: the failing check passes now, after the edit to src/module3.ts.` });
    lines.push({ t: 'end', id: `a${q}`, status: 'done' });
  }
  return `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`;
}

const noAnswers: AnswerSource = {
  streamAnswer: async () => {
    throw new AnswerError({ title: 'The tools benchmark asks nothing.', detail: '', actions: [] });
  },
};

async function measureOpen(ctx: BenchContext, folder: string): Promise<{ median: number; runs: number[]; cards: number }> {
  const store = await ConversationStore.open(folder, silentLogger);
  const journal = toolConversationJournal();
  for (let i = 0; i <= opens; i++) {
    await writeFile(store.journalPath(`tools-${i}`), journal);
    store.update(`tools-${i}`, { title: `Tools ${i}` });
  }
  await writeFile(store.journalPath('start'), `${JSON.stringify({ t: 'msg', id: 's', role: 'user', text: 'Hi', status: 'done' })}\n`);
  store.update('start', { title: 'Start' });
  await store.close();

  const webview = await ctx.browser.openWebview();
  const reopened = await ConversationStore.open(folder, silentLogger);
  const library = new ConversationLibrary(reopened, noAnswers, silentLogger);
  const initial = await library.open('start');
  if (!initial) {
    throw new Error('the benchmark conversation was not written');
  }
  const injected = new Emitter<unknown>();
  const surface: WebviewSurface = {
    kind: 'sidebar',
    postMessage: (message) => webview.postMessage(message),
    onDidReceiveMessage: (listener) => {
      const own = webview.onDidReceiveMessage(listener);
      const extra = injected.event(listener);
      return toDisposable(() => {
        own.dispose();
        extra.dispose();
      });
    },
    visible: true,
    onDidChangeVisibility: () => toDisposable(() => undefined),
  };
  const binding = bindChat(surface, initial.session, {
    conversationId: initial.id,
    conversations: {
      library,
      editor: {
        insertCode: async () => undefined,
        openCode: async () => undefined,
        activeFile: async () => undefined,
        pickFiles: async () => [],
        readUris: async () => [],
        askTitle: async () => undefined,
        exportMarkdown: async () => undefined,
        copyText: async () => undefined,
      },
      log: silentLogger,
    },
    connection: async () => connection,
  });
  try {
    webview.start();
    await webview.waitForSnapshotPainted(1);
    const runs: number[] = [];
    let cards = 0;
    for (let i = 0; i <= opens; i++) {
      await webview.clearRecords();
      const started = epochNow();
      injected.fire({ type: 'openConversation', id: `tools-${i}` });
      await webview.waitForSnapshotPainted(1);
      const painted = (await webview.collect()).snapshots.at(-1)?.paintedAt;
      if (painted === undefined) {
        throw new Error('the tool conversation was not painted');
      }
      cards = (await webview.until(`document.querySelectorAll('details.tool-call').length`)) as number;
      // The first open also warms up the webview's card code.
      if (i > 0) {
        runs.push(painted - started);
      }
    }
    if (webview.errors.length > 0) {
      throw new Error(`the webview threw: ${webview.errors.join('; ')}`);
    }
    return { median: median(runs), runs, cards };
  } finally {
    binding.dispose();
    library.dispose();
    await library.close();
    await webview.close();
  }
}

export async function measureTools(ctx: BenchContext): Promise<FigureResult[]> {
  const folder = await mkdtemp(join(tmpdir(), 'aoai-bench-tools-'));
  try {
    const steps = await measureSteps(folder, (line) => ctx.log(line));
    ctx.log(`host time per tool step over ${loops} loops of ${stepsPerLoop} steps: median ${ms(median(steps.samples))}, p95 ${ms(steps.p95)}, max ${ms(Math.max(...steps.samples))}`);
    const opened = await measureOpen(ctx, join(folder, 'store'));
    if (opened.cards !== 200) {
      throw new Error(`the webview shows ${opened.cards} cards, expected 200`);
    }
    ctx.log(`200-tool-call conversation (20 questions, 1.5 KB results) opened from disk: ${opened.runs.map(ms).join(', ')}  median ${ms(opened.median)}`);
    return [
      {
        figure: '12. host time per tool step p95',
        measured: ms(steps.p95),
        target: `≤ ${stepTargetMs} ms`,
        verdict: verdict(steps.p95, stepTargetMs),
        value: round(steps.p95),
        limit: stepTargetMs,
        details: { medianMs: round(median(steps.samples)), samples: steps.samples.length },
      },
      {
        figure: '12. 200-tool-call conversation opens',
        measured: ms(opened.median),
        target: `≤ ${openTargetMs} ms`,
        verdict: verdict(opened.median, openTargetMs),
        value: round(opened.median),
        limit: openTargetMs,
        details: { runsMs: opened.runs.map(round) },
      },
    ];
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
