/**
 * Issue 19: windows agree on deletes, renames and new turns without losing any. Windows here are
 * real processes (test/support/storeWindow.ts) writing one folder; the store's history and
 * search read no journal; deleting stops the answer; the index stays compact.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { ChatTurn, StreamEnd } from '../../src/azure/chatStream';
import type { AnswerSource } from '../../src/chat/answerSource';
import { ConversationLibrary } from '../../src/chat/conversationLibrary';
import { ConversationStore } from '../../src/chat/conversationStore';
import { importOlderHistory, olderHistoryFolders, workspaceKey } from '../../src/chat/historyLocation';
import { silentLogger } from '../../src/logging/logger';
import { runSoak } from '../support/storeSoak';
import { WindowProcess } from '../support/windowProcess';

const hours = (n: number) => n * 60 * 60_000;

async function folder(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'store-windows-')), 'conversations');
}

async function indexLines(path: string): Promise<number> {
  return (await readFile(join(path, 'index.jsonl'), 'utf8')).split('\n').filter(Boolean).length;
}

/** Streams `count` pieces, one per event-loop turn, until stopped. */
class LongSource implements AnswerSource {
  delivered = 0;
  aborted = false;
  constructor(private readonly count: number) {}
  async streamAnswer(_turns: readonly ChatTurn[], signal: AbortSignal, onText: (text: string) => void): Promise<StreamEnd> {
    for (let i = 0; i < this.count; i++) {
      if (signal.aborted) {
        this.aborted = true;
        return { kind: 'stopped' };
      }
      onText(`piece ${i} `);
      this.delivered++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { kind: 'finished', finishReason: 'stop' };
  }
}

describe('windows sharing one store (separate processes)', () => {
  test('a conversation deleted in B while A still writes it is kept, A is told, and a start two hours later removes nothing', async () => {
    const path = await folder();
    const a = await WindowProcess.open(path);
    const { id } = (await a.send({ op: 'create' })) as { id: string };
    await a.send({ op: 'ask', id, text: 'Q1' });
    const b = await WindowProcess.open(path);
    await b.send({ op: 'delete', id });
    await b.close();
    // Another window starting two hours later, while A still holds the conversation open.
    const c = await WindowProcess.open(path, hours(2));
    await c.close();
    for (const text of ['Q2', 'Q3', 'Q4']) {
      await a.send({ op: 'ask', id, text });
    }
    const kept = (await a.send({ op: 'kept' })) as { kept?: string[] };
    await a.close();
    const later = await WindowProcess.open(path, hours(2) + 60_000);
    const { items } = (await later.send({ op: 'list' })) as { items: { id: string }[] };
    const { messages } = (await later.send({ op: 'messages', id })) as { messages: { role: string; text: string }[] };
    await later.close();
    assert.deepEqual(
      messages.map((m) => m.text),
      ['Q1', 'Answer to Q1', 'Q2', 'Answer to Q2', 'Q3', 'Answer to Q3', 'Q4', 'Answer to Q4'],
    );
    assert.ok(items.some((item) => item.id === id), 'the conversation A went on with is in the history');
    assert.deepEqual(kept.kept, [id], 'A was told the conversation it went on with had been deleted elsewhere');
  });

  test('a delete nobody contradicts stands, and its journal goes only at a start an hour later with no window holding it', async () => {
    const path = await folder();
    const a = await WindowProcess.open(path);
    const { id } = (await a.send({ op: 'create' })) as { id: string };
    await a.send({ op: 'ask', id, text: 'Q1' });
    await a.close();
    const b = await WindowProcess.open(path);
    await b.send({ op: 'delete', id });
    const soon = await WindowProcess.open(path, 60_000);
    await soon.close();
    assert.ok((await readdir(path)).includes(`${id}.jsonl`), 'kept within the hour (undo works from any window)');
    await b.close();
    const later = await WindowProcess.open(path, hours(2));
    const { items } = (await later.send({ op: 'list' })) as { items: { id: string }[] };
    await later.close();
    assert.equal(items.length, 0);
    assert.ok(!(await readdir(path)).includes(`${id}.jsonl`), 'removed once nobody could hold it');
  });

  test('three windows renaming and asking at once while the index is compacted: every last title and turn survives', async () => {
    const path = await folder();
    const windows = await Promise.all([0, 1, 2].map(() => WindowProcess.open(path)));
    const owned = await Promise.all(
      windows.map(async (window, w) => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          const { id } = (await window.send({ op: 'create' })) as { id: string };
          await window.send({ op: 'ask', id, text: `window ${w} question ${i}` });
          ids.push(id);
        }
        for (let round = 0; round < 80; round++) {
          for (const [i, id] of ids.entries()) {
            await window.send({ op: 'rename', id, title: `w${w} c${i} r${round}` });
          }
        }
        return ids;
      }),
    );
    await Promise.all(windows.map((window) => window.close()));
    const store = await ConversationStore.open(path, silentLogger);
    const titles = new Map(store.list().map((meta) => [meta.id, meta.title]));
    await store.close();
    owned.forEach((ids, w) => ids.forEach((id, i) => assert.equal(titles.get(id), `w${w} c${i} r79`)));
    assert.equal(titles.size, 15);
    assert.ok((await indexLines(path)) <= 2 * 15 + 100, `the index was compacted (${await indexLines(path)} lines for 15 conversations)`);
  });
});

describe('one window', () => {
  test('deleting stops the answer, and its pieces never reach the index', async () => {
    const path = await folder();
    const store = await ConversationStore.open(path, silentLogger);
    const source = new LongSource(5000);
    const library = new ConversationLibrary(store, source, silentLogger);
    const opened = library.create();
    opened.session.send('a long question');
    while (source.delivered < 100) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    await library.delete(opened.id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(opened.session.busy, false, 'the answer stopped');
    assert.ok(source.aborted && source.delivered < 5000, `stopped after ${source.delivered} pieces`);
    await library.close();
    assert.ok((await indexLines(path)) <= 4, `${await indexLines(path)} index lines`);
    assert.equal(store.list().length, 0);
  });

  test('history and search read no journal: with every journal moved away, both still work from the index and words', async () => {
    const path = await folder();
    const store = await ConversationStore.open(path, silentLogger);
    const echo: AnswerSource = {
      streamAnswer: async (turns, _signal, onText) => {
        onText(`About ${turns.at(-1)?.content ?? ''}: kangaroos hop.`);
        return { kind: 'finished', finishReason: 'stop' };
      },
    };
    const library = new ConversationLibrary(store, echo, silentLogger);
    for (const topic of ['marsupials', 'tail recursion', 'quotas']) {
      const opened = library.create();
      opened.session.send(topic);
      await opened.session.whenIdle();
    }
    await library.close();
    for (const name of await readdir(path)) {
      if (name.endsWith('.jsonl') && name !== 'index.jsonl') {
        await rename(join(path, name), join(path, `${name}.away`));
      }
    }
    const reopened = await ConversationStore.open(path, silentLogger);
    const again = new ConversationLibrary(reopened, echo, silentLogger);
    assert.equal((await again.list()).length, 3);
    assert.equal((await again.list('kangaroo')).length, 3);
    assert.deepEqual(
      (await again.list('RECURS')).map((meta) => meta.title),
      ['tail recursion'],
    );
    assert.equal((await again.list('hop tail')).length, 1);
    assert.equal((await again.list('wombat')).length, 0);
    await again.close();
  });
});

describe('where the history lives', () => {
  test('the same for every window of a workspace: keyed by the workspace, not by the window’s storage folder', () => {
    const a = workspaceKey({ folders: ['file:///w/one', 'file:///w/two'] });
    assert.equal(a, workspaceKey({ folders: ['file:///w/two', 'file:///w/one'] }));
    assert.notEqual(a, workspaceKey({ folders: ['file:///w/one'] }));
    assert.equal(workspaceKey({ workspaceFile: 'file:///w/x.code-workspace', folders: ['file:///w/one'] }), workspaceKey({ workspaceFile: 'file:///w/x.code-workspace', folders: [] }));
    assert.equal(workspaceKey({ folders: [] }), undefined);
  });

  test('what each window saved in `<id>` and `<id>-1` is imported once, copied and never removed', async () => {
    const root = await mkdtemp(join(tmpdir(), 'workspace-storage-'));
    const first = join(root, 'abc123', 'pub.ext');
    const second = join(root, 'abc123-1', 'pub.ext');
    const echo: AnswerSource = { streamAnswer: async (_t, _s, onText) => (onText('ok'), { kind: 'finished', finishReason: 'stop' }) };
    for (const [storage, question] of [
      [first, 'asked in the first window'],
      [second, 'asked in the second window'],
    ] as const) {
      const library = new ConversationLibrary(await ConversationStore.open(join(storage, 'conversations'), silentLogger), echo, silentLogger);
      const opened = library.create();
      opened.session.send(question);
      await opened.session.whenIdle();
      await library.close();
    }
    const shared = join(root, 'global', 'workspaces', 'k', 'conversations');
    for (const storage of [second, first]) {
      const store = await ConversationStore.open(shared, silentLogger);
      for (const from of await olderHistoryFolders(storage)) {
        await importOlderHistory(store, from, silentLogger);
      }
      await store.close();
    }
    const store = await ConversationStore.open(shared, silentLogger);
    const library = new ConversationLibrary(store, echo, silentLogger);
    const titles = (await library.list()).map((meta) => meta.title).sort();
    assert.deepEqual(titles, ['asked in the first window', 'asked in the second window']);
    const texts = await Promise.all((await library.list()).map(async (meta) => (await library.messages(meta.id)).map((m) => m.text).join('|')));
    assert.deepEqual(texts.sort(), ['asked in the first window|ok', 'asked in the second window|ok']);
    await library.close();
    assert.ok((await readdir(join(first, 'conversations'))).some((name) => name.endsWith('.jsonl') && name !== 'index.jsonl'), 'the older files stay');
  });
});

describe('soak (short; `npm run bench` runs 1,000 questions)', () => {
  test('two windows, faults, deletes and renames in the other window, one killed mid-answer: nothing lost, nothing twice', async () => {
    const result = await runSoak({ folder: await folder(), questions: 60, conversations: 4, seed: 7 });
    assert.equal(result.questionsMissing, 0, JSON.stringify(result));
    assert.equal(result.answersMissing, 0, JSON.stringify(result));
    assert.equal(result.duplicated, 0, JSON.stringify(result));
    assert.equal(result.outOfOrder, 0, JSON.stringify(result));
    assert.ok(result.killedQuestionCopies <= 1, JSON.stringify(result));
    assert.ok(result.deletes > 0 && result.renames > 0 && result.faults > 0, JSON.stringify(result));
  });
});
