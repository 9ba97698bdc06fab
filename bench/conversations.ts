/**
 * Figure 6, conversations (issue 12), with the real store on disk, library, binding and webview:
 *
 * - switching a view to a saved 500-message conversation: from the host receiving
 *   `openConversation` to the first paint after the webview rendered its snapshot (the journal
 *   is read from disk on the first switch, kept open after; both are reported);
 * - the history of 1,000 conversations: from the History button's click in the page to the
 *   first paint after the list is rendered (the webview → host → webview round trip included);
 * - searching it by text (titles and every message of the 1,000 conversations): from the
 *   search box's input event to the first paint after the filtered list is rendered.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnswerError, type AnswerSource } from '../src/chat/answerSource';
import { ConversationLibrary } from '../src/chat/conversationLibrary';
import { ConversationStore } from '../src/chat/conversationStore';
import type { ConnectionView } from '../src/common/protocol';
import { Emitter } from '../src/common/events';
import { toDisposable } from '../src/common/dispose';
import { silentLogger } from '../src/logging/logger';
import type { WebviewSurface } from '../src/webviewHost/chatWebviewBinding';
import type { EditorActions } from '../src/webviewHost/conversationController';
import { restoredConversation } from './answers';
import type { BenchContext } from './context';
import { type FigureResult, verdict } from './report';
import { epochNow, median, ms, round } from './stats';
import { bindChat } from '../test/support/chatBinding';

const conversationCount = 1000;
const longConversation = 500;
const repetitions = 5;
const switchTargetMs = 100;
const historyTargetMs = 100;
const searchTargetMs = 50;
const queries = ['kangaroo', 'tail recursion', 'ZZZ no match', 'conversation 7'];

const noAnswers: AnswerSource = {
  streamAnswer: async () => {
    throw new AnswerError({ title: 'The conversations benchmark asks nothing.', detail: '', actions: [] });
  },
};
const inertEditor: EditorActions = {
  insertCode: async () => undefined,
  openCode: async () => undefined,
  activeFile: async () => undefined,
  pickFiles: async () => [],
  readUris: async () => [],
  askTitle: async () => undefined,
  exportMarkdown: async () => undefined,
  copyText: async () => undefined,
};
const connection: ConnectionView = { state: 'ready', label: 'API key', deployment: 'bench' };

/** A history as a long-time user has it: 1,000 short conversations and one long one. */
async function writeHistory(folder: string): Promise<{ longId: string; shortId: string }> {
  const store = await ConversationStore.open(folder, silentLogger);
  const topics = ['kangaroo habitats', 'tail recursion in TypeScript', 'Azure OpenAI quotas', 'CSS grid', 'Bicep modules'];
  for (let i = 0; i < conversationCount; i++) {
    const id = `bench-${i}`;
    const topic = topics[i % topics.length] ?? '';
    const lines = [
      { t: 'msg', id: `${id}-q`, role: 'user', text: `Question ${i} about ${topic}?`, status: 'done' },
      { t: 'msg', id: `${id}-a`, role: 'assistant', text: `An answer in conversation ${i} on ${topic}, with a paragraph of detail. `.repeat(8), status: 'done' },
    ];
    await writeFile(store.journalPath(id), `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    store.update(id, { title: `Question ${i} about ${topic}?` });
  }
  const longId = 'bench-long';
  const messages = restoredConversation(longConversation);
  await writeFile(store.journalPath(longId), `${messages.map((message) => JSON.stringify({ t: 'msg', ...message })).join('\n')}\n`);
  store.update(longId, { title: 'A long conversation' });
  const shortId = 'bench-0';
  await store.close();
  return { longId, shortId };
}

export async function measureConversations(ctx: BenchContext): Promise<FigureResult[]> {
  const folder = await mkdtemp(join(tmpdir(), 'aoai-bench-conversations-'));
  const webview = await ctx.browser.openWebview();
  try {
    const { longId, shortId } = await writeHistory(folder);
    const store = await ConversationStore.open(folder, silentLogger);
    const library = new ConversationLibrary(store, noAnswers, silentLogger);
    const initial = await library.open(shortId);
    if (!initial) {
      throw new Error('the benchmark history was not written');
    }
    // The webview's own messages plus the ones a figure hands to the host as if the webview sent them.
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
      conversations: { library, editor: inertEditor, log: silentLogger },
      connection: async () => connection,
    });
    try {
      webview.start();
      await webview.waitForSnapshotPainted(1);

      // Switching: alternate between the long conversation and a short one.
      const switchTo = async (id: string): Promise<number> => {
        await webview.clearRecords();
        const started = epochNow();
        injected.fire({ type: 'openConversation', id });
        await webview.waitForSnapshotPainted(1);
        const painted = (await webview.collect()).snapshots.at(-1)?.paintedAt;
        if (painted === undefined) {
          throw new Error('the switched-to conversation was not painted');
        }
        return painted - started;
      };
      const cold = await switchTo(longId);
      await switchTo(shortId);
      const toLong: number[] = [];
      const toShort: number[] = [];
      for (let i = 0; i < repetitions; i++) {
        toLong.push(await switchTo(longId));
        toShort.push(await switchTo(shortId));
      }
      const switched = median(toLong);
      ctx.log(`switch to ${longConversation} messages: first (journal read from disk) ${ms(cold)}; then ${toLong.map(ms).join(', ')}  median ${ms(switched)}`);
      ctx.log(`switch to a 2-message conversation: ${toShort.map(ms).join(', ')}  median ${ms(median(toShort))}`);

      // The history: open it (the History button), close it, again.
      const openHistory = `new Promise((resolve) => {
        const started = performance.now();
        document.addEventListener('chat:history-rendered', (event) => {
          requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = () => resolve({ ms: performance.now() - started, items: event.detail.items, render: event.detail.durationMs }); c.port2.postMessage(0); });
        }, { once: true });
        document.querySelector('#show-history').click();
      })`;
      const closeHistory = `document.querySelector('.history-close').click()`;
      const opens: { ms: number; items: number; render: number }[] = [];
      for (let i = 0; i <= repetitions; i++) {
        opens.push((await webview.until(openHistory)) as { ms: number; items: number; render: number });
        await webview.until(closeHistory);
        // The first open starts reading every conversation's text for search; let it finish.
        await library.prepareSearch();
      }
      const firstOpen = opens.shift();
      if (opens.some((open) => open.items !== conversationCount + 1)) {
        throw new Error(`the history listed ${opens[0]?.items} conversations, expected ${conversationCount + 1}`);
      }
      const opened = median(opens.map((open) => open.ms));
      ctx.log(`history of ${conversationCount + 1} conversations: first ${ms(firstOpen?.ms ?? Number.NaN)}; then ${opens.map((open) => ms(open.ms)).join(', ')}  median ${ms(opened)} (list → DOM ${ms(median(opens.map((open) => open.render)))})`);

      // Search: type a query into the open history.
      await webview.until(openHistory);
      await library.prepareSearch();
      const search = (query: string) => `new Promise((resolve) => {
        const box = document.querySelector('#history-search');
        const started = performance.now();
        const onRendered = (event) => {
          if (event.detail.query !== box.value) return;
          document.removeEventListener('chat:history-rendered', onRendered);
          requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = () => resolve({ ms: performance.now() - started, items: event.detail.items }); c.port2.postMessage(0); });
        };
        document.addEventListener('chat:history-rendered', onRendered);
        box.value = ${JSON.stringify(query)};
        box.dispatchEvent(new Event('input'));
      })`;
      const searches: { query: string; ms: number; items: number }[] = [];
      for (let i = 0; i < repetitions; i++) {
        for (const query of queries) {
          searches.push({ query, ...((await webview.until(search(query))) as { ms: number; items: number }) });
        }
      }
      const searched = median(searches.map((s) => s.ms));
      for (const query of queries) {
        const runs = searches.filter((s) => s.query === query);
        ctx.log(`search "${query}" (${runs[0]?.items ?? 0} found): ${runs.map((s) => ms(s.ms)).join(', ')}`);
      }
      ctx.log(`search median ${ms(searched)} over ${searches.length} searches of ${conversationCount + 1} conversations' titles and text`);
      if (webview.errors.length > 0) {
        throw new Error(`the webview threw: ${webview.errors.join('; ')}`);
      }
      return [
        {
          figure: '7. switch to 500 messages',
          measured: ms(switched),
          target: `≤ ${switchTargetMs} ms`,
          verdict: verdict(switched, switchTargetMs),
          value: round(switched),
          limit: switchTargetMs,
          details: { coldMs: round(cold), toLongMs: toLong.map(round), toShortMs: toShort.map(round) },
        },
        {
          figure: '7. history of 1,000 opens',
          measured: ms(opened),
          target: `≤ ${historyTargetMs} ms`,
          verdict: verdict(opened, historyTargetMs),
          value: round(opened),
          limit: historyTargetMs,
          details: { firstMs: round(firstOpen?.ms ?? Number.NaN), opensMs: opens.map((open) => round(open.ms)) },
        },
        {
          figure: '7. history search',
          measured: ms(searched),
          target: `≤ ${searchTargetMs} ms`,
          verdict: verdict(searched, searchTargetMs),
          value: round(searched),
          limit: searchTargetMs,
          details: { searches: searches.map((s) => ({ ...s, ms: round(s.ms) })) },
        },
      ];
    } finally {
      binding.dispose();
      library.dispose();
      await library.close();
    }
  } finally {
    await webview.close();
    await rm(folder, { recursive: true, force: true });
  }
}
