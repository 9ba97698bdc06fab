/**
 * Figures 10 and 11 (issue 19): the conversation store at scale, host side, real files.
 *
 * 10. A generated store of 10,000 conversations whose journals total `AOAI_BENCH_STORE_MB`
 *     (default 1024 MB: 1 GB, as the issue asks), written as the chat writes them (a `msg` line
 *     per question, the answer as `msg` + `delta` lines + `end`), with a compacted index, as a
 *     store is after a start. Then, each in a fresh store and library (nothing cached):
 *     - open the history: `ConversationStore.open` + `library.list()`;
 *     - heap retained by that (after a full GC, with the store and list still referenced);
 *     - search all text: `library.list(query)` over the words file;
 *     - switch to a 500-message conversation: `library.open(id)` (journal read and replayed).
 *     The words file is built once from the journals first (what an upgraded store does on
 *     its first search); that one-time pass is printed for context.
 * 11. The soak: two window processes, 1,000 questions (test/support/storeSoak.ts).
 *
 * Figure 7 measures the history and switch through the webview for 1,000 conversations; these
 * measure the host's part at 10,000.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ConversationLibrary } from '../src/chat/conversationLibrary';
import { ConversationStore } from '../src/chat/conversationStore';
import type { AnswerSource } from '../src/chat/answerSource';
import { silentLogger } from '../src/logging/logger';
import { runSoak } from '../test/support/storeSoak';
import { restoredConversation } from './answers';
import type { BenchContext } from './context';
import { type FigureResult, verdict } from './report';
import { kib, median, ms, round } from './stats';

const conversationCount = 10_000;
const longMessages = 500;
const targets = { historyMs: 150, searchMs: 500, heapBytes: 64 * 1024 * 1024, switchMs: 100 };
const queries = ['kangaroo', 'tail recursion', 'zzz no match', 'quota'];
const repetitions = 5;

const noAnswers: AnswerSource = { streamAnswer: async () => ({ kind: 'finished', finishReason: 'stop' }) };

/** A deterministic vocabulary with a long tail, so the words file is as varied as real text. */
function vocabulary(size: number): string[] {
  const syllables = ['ka', 'ro', 'mi', 'te', 'su', 'na', 'lo', 'pe', 'vi', 'da', 'xo', 'ul', 'gre', 'sta', 'tion', 'ment', 'er', 'ing', 'al', 'con'];
  const words: string[] = ['the', 'a', 'to', 'of', 'and', 'in', 'is', 'that', 'for', 'it', 'function', 'const', 'return', 'value', 'azure', 'model', 'request', 'deployment'];
  for (let i = 0; words.length < size; i++) {
    let word = '';
    for (let n = i, k = 0; k < 2 + (i % 3); k++, n = Math.floor(n / syllables.length) + k) {
      word += syllables[n % syllables.length];
    }
    words.push(`${word}${i % 7 === 0 ? i.toString(36) : ''}`);
  }
  return words;
}

function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    return state / 4294967296;
  };
}

/** Writes the store; returns the id of the 500-message conversation and the journals' bytes. */
async function writeStore(folder: string, totalBytes: number, log: (line: string) => void): Promise<{ longId: string; bytes: number }> {
  const words = vocabulary(40_000);
  const rand = generator(19);
  // Zipf-like: mostly common words, a long tail of rare ones.
  const word = () => words[Math.floor(words.length * rand() ** 3)] ?? 'x';
  const text = (length: number) => {
    const parts: string[] = [];
    let size = 0;
    while (size < length) {
      const w = word();
      parts.push(w);
      size += w.length + 1;
    }
    return parts.join(' ');
  };
  const perConversation = Math.floor(totalBytes / conversationCount);
  const index: string[] = [];
  const started = Date.now();
  let bytes = 0;
  const now = Date.now();
  const pending: Promise<void>[] = [];
  for (let c = 0; c < conversationCount; c++) {
    const id = `bench-${c}`;
    const lines: string[] = [];
    let size = 0;
    let turn = 0;
    const topic = c % 97 === 0 ? 'kangaroo habitats' : c % 89 === 0 ? 'tail recursion in TypeScript' : c % 5 === 0 ? 'Azure OpenAI quota' : text(30);
    while (size < perConversation) {
      const question = `${turn === 0 ? topic : text(60)}?`;
      const answer = text(Math.min(6000, perConversation - size));
      lines.push(JSON.stringify({ t: 'msg', id: `${id}-q${turn}`, role: 'user', text: question, status: 'done' }));
      lines.push(JSON.stringify({ t: 'msg', id: `${id}-a${turn}`, role: 'assistant', text: '', status: 'streaming' }));
      for (let at = 0; at < answer.length; at += 400) {
        lines.push(JSON.stringify({ t: 'delta', id: `${id}-a${turn}`, text: answer.slice(at, at + 400) }));
      }
      lines.push(JSON.stringify({ t: 'end', id: `${id}-a${turn}`, status: 'done' }));
      size = lines.reduce((total, line) => total + line.length + 1, 0);
      turn++;
    }
    const content = `${lines.join('\n')}\n`;
    bytes += content.length;
    pending.push(writeFile(join(folder, `${id}.jsonl`), content));
    if (pending.length >= 16) {
      await Promise.all(pending.splice(0));
    }
    index.push(JSON.stringify({ t: 'meta', id, title: `${topic}?`.slice(0, 60), created: now - c * 60_000, updated: now - c * 60_000, turns: turn * 2 }));
  }
  await Promise.all(pending);
  const longId = 'bench-long';
  const messages = restoredConversation(longMessages);
  const long = `${messages.map((message) => JSON.stringify({ t: 'msg', ...message })).join('\n')}\n`;
  await writeFile(join(folder, `${longId}.jsonl`), long);
  bytes += long.length;
  index.push(JSON.stringify({ t: 'meta', id: longId, title: 'A long conversation', created: now, updated: now, turns: longMessages }));
  await writeFile(join(folder, 'index.jsonl'), `${index.join('\n')}\n`);
  log(`generated ${conversationCount + 1} conversations, ${kib(bytes)} of journals, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { longId, bytes };
}

function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export async function measureStoreScale(ctx: BenchContext): Promise<FigureResult[]> {
  const megabytes = Number(process.env.AOAI_BENCH_STORE_MB ?? 1024);
  const root = await mkdtemp(join(tmpdir(), 'aoai-bench-store-'));
  const folder = join(root, 'conversations');
  try {
    await ConversationStore.open(folder, silentLogger).then((store) => store.close());
    const { longId, bytes } = await writeStore(folder, megabytes * 1024 * 1024, ctx.log);

    // The words file, built once from every journal (an upgraded store's first search does this).
    {
      const store = await ConversationStore.open(folder, silentLogger);
      const started = performance.now();
      await store.prepareSearch();
      const wordsBytes = (await stat(join(folder, 'words.txt'))).size;
      ctx.log(`one-time words file from ${kib(bytes)} of journals: ${ms(performance.now() - started)}; words.txt is ${kib(wordsBytes)} (search streams it)`);
      await store.close();
    }

    const gc = collectGarbage();
    const historyRuns: number[] = [];
    const heapRuns: number[] = [];
    let listed = 0;
    for (let i = 0; i < repetitions; i++) {
      gc();
      const before = process.memoryUsage().heapUsed;
      const started = performance.now();
      const store = await ConversationStore.open(folder, silentLogger);
      const library = new ConversationLibrary(store, noAnswers, silentLogger);
      const items = await library.list();
      historyRuns.push(performance.now() - started);
      gc();
      heapRuns.push(process.memoryUsage().heapUsed - before);
      listed = items.length;
      await library.close();
      library.dispose();
    }
    const history = median(historyRuns);
    // The largest: later runs can reuse what the first one's garbage left in V8's spaces.
    const heap = Math.max(...heapRuns);
    ctx.log(`history of ${listed}: ${historyRuns.map(ms).join(', ')}  median ${ms(history)}; heap retained ${heapRuns.map(kib).join(', ')}`);

    const store = await ConversationStore.open(folder, silentLogger);
    const library = new ConversationLibrary(store, noAnswers, silentLogger);
    const searches: { query: string; ms: number; found: number }[] = [];
    for (let i = 0; i < repetitions; i++) {
      for (const query of queries) {
        const started = performance.now();
        const found = (await library.list(query)).length;
        searches.push({ query, ms: performance.now() - started, found });
      }
    }
    for (const query of queries) {
      const runs = searches.filter((s) => s.query === query);
      ctx.log(`search "${query}" (${runs[0]?.found ?? 0} found): ${runs.map((s) => ms(s.ms)).join(', ')}`);
    }
    const searched = median(searches.map((s) => s.ms));
    const slowest = Math.max(...searches.map((s) => s.ms));
    await library.close();
    library.dispose();

    const switches: number[] = [];
    for (let i = 0; i < repetitions; i++) {
      const fresh = new ConversationLibrary(await ConversationStore.open(folder, silentLogger), noAnswers, silentLogger);
      const started = performance.now();
      const opened = await fresh.open(longId);
      switches.push(performance.now() - started);
      if (opened?.session.messages.length !== longMessages) {
        throw new Error(`the long conversation opened with ${opened?.session.messages.length} messages`);
      }
      await fresh.close();
      fresh.dispose();
    }
    const switched = median(switches);
    ctx.log(`open a ${longMessages}-message conversation (journal read and replayed): ${switches.map(ms).join(', ')}  median ${ms(switched)}`);
    const scale = `${conversationCount.toLocaleString('en-US')} conversations, ${kib(bytes)}`;
    return [
      { figure: '12. open the history', measured: ms(history), target: `≤ ${targets.historyMs} ms`, verdict: verdict(history, targets.historyMs), value: round(history), limit: targets.historyMs, details: { scale, runsMs: historyRuns.map(round) } },
      { figure: '12. search all text', measured: `${ms(searched)} (slowest ${ms(slowest)})`, target: `≤ ${targets.searchMs} ms`, verdict: verdict(searched, targets.searchMs), value: round(searched), limit: targets.searchMs, details: { scale, searches } },
      { figure: '12. heap after opening the history', measured: kib(heap), target: `≤ ${kib(targets.heapBytes)}`, verdict: verdict(heap, targets.heapBytes), value: heap, limit: targets.heapBytes, details: { scale, runs: heapRuns } },
      { figure: '12. switch to 500 messages', measured: ms(switched), target: `≤ ${targets.switchMs} ms`, verdict: verdict(switched, targets.switchMs), value: round(switched), limit: targets.switchMs, details: { scale, runsMs: switches.map(round) } },
    ];
  } finally {
    if (process.env.AOAI_BENCH_KEEP_STORE) {
      ctx.log(`store kept in ${root}`);
    } else {
      await rm(root, { recursive: true, force: true });
    }
  }
}

export async function measureSoak(ctx: BenchContext): Promise<FigureResult[]> {
  const root = await mkdtemp(join(tmpdir(), 'aoai-bench-soak-'));
  try {
    const result = await runSoak({ folder: join(root, 'conversations'), questions: Number(process.env.AOAI_BENCH_SOAK_QUESTIONS ?? 1000) });
    ctx.log(
      `${result.questionsAcknowledged} questions acknowledged, ${result.answersCompleted} answers completed, ${result.faults} faults, ` +
        `${result.deletes} deletes and ${result.renames} renames in the other window, ${result.keptNotices} "kept" notices, ` +
        `${result.killedMidAnswer} kill mid-answer (its question present ${result.killedQuestionCopies}×), index ${result.indexLines} lines, ${(result.durationMs / 1000).toFixed(1)} s`,
    );
    const lost = result.questionsMissing + result.answersMissing + result.duplicated + result.outOfOrder;
    return [
      {
        figure: '13. soak: lost, doubled or out of order',
        measured: `${lost} (missing ${result.questionsMissing} questions, ${result.answersMissing} answers; ${result.duplicated} doubled; ${result.outOfOrder} out of order)`,
        target: '0',
        verdict: verdict(lost, 0),
        value: lost,
        limit: 0,
        details: { ...result },
      },
    ];
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
