import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { ChatTurn, StreamEnd } from '../../src/azure/chatStream';
import { AnswerError, type AnswerSource } from '../../src/chat/answerSource';
import { ChatSession, type ConversationEvent } from '../../src/chat/chatSession';
import { ConversationJournal, replayJournal } from '../../src/chat/conversationJournal';
import { silentLogger } from '../../src/logging/logger';

type Step = (turns: readonly ChatTurn[], signal: AbortSignal, onText: (text: string) => void) => Promise<StreamEnd>;

/** An answer source scripted per request; the session is what is under test here. */
class ScriptedSource implements AnswerSource {
  readonly requests: ChatTurn[][] = [];
  constructor(private readonly steps: Step[]) {}
  streamAnswer(turns: readonly ChatTurn[], signal: AbortSignal, onText: (text: string) => void): Promise<StreamEnd> {
    // What reaches the model: role and text (the ids only tell the chat where sending started).
    this.requests.push(turns.map(({ role, content }) => ({ role, content })));
    const step = this.steps.shift();
    assert.ok(step, 'unexpected request');
    return step(turns, signal, onText);
  }
}

const answer = (...pieces: string[]): Step => async (_turns, _signal, onText) => {
  for (const piece of pieces) {
    onText(piece);
  }
  return { kind: 'finished', finishReason: 'stop' };
};

const untilStopped = (...pieces: string[]): Step => (_turns, signal, onText) =>
  new Promise((resolve) => {
    pieces.forEach((piece) => onText(piece));
    if (signal.aborted) {
      resolve({ kind: 'stopped' });
    }
    signal.addEventListener('abort', () => resolve({ kind: 'stopped' }));
  });

/** Lets the session start its request, as a user's click on Stop always comes later. */
const started = () => new Promise((resolve) => setImmediate(resolve));

let counter = 0;
const ids = () => `m${++counter}`;

describe('chat session', () => {
  test('an answer streams into the conversation and the history is sent with the next question', async () => {
    const source = new ScriptedSource([answer('Hel', 'lo'), answer('Fine')]);
    const session = new ChatSession(source, [], ids);
    const events: ConversationEvent[] = [];
    session.onDidChange((event) => events.push(event));

    assert.equal(session.send('Hi'), true);
    await session.whenIdle();
    session.send('How are you?');
    await session.whenIdle();

    assert.deepEqual(
      session.messages.map((m) => [m.role, m.text, m.status]),
      [
        ['user', 'Hi', 'done'],
        ['assistant', 'Hello', 'done'],
        ['user', 'How are you?', 'done'],
        ['assistant', 'Fine', 'done'],
      ],
    );
    assert.deepEqual(source.requests[1], [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
      { role: 'user', content: 'How are you?' },
    ]);
    assert.deepEqual(
      events.filter((e) => e.type === 'delta').map((e) => e.type === 'delta' && e.text),
      ['Hel', 'lo', 'Fine'],
    );
  });

  test('Stop keeps the partial answer, marked stopped', async () => {
    const session = new ChatSession(new ScriptedSource([untilStopped('The first half')]), [], ids);
    session.send('Tell me a long story');
    await started();
    await session.stop();
    const last = session.messages.at(-1);
    assert.equal(last?.text, 'The first half');
    assert.equal(last?.status, 'stopped');
    assert.equal(session.busy, false);
  });

  test('a failed request keeps the question, explains itself, and Retry answers it', async () => {
    const problem = { title: 'Azure OpenAI is rate-limiting this deployment.', detail: '', actions: ['retry'] as const };
    const source = new ScriptedSource([
      async () => {
        throw new AnswerError({ ...problem, actions: [...problem.actions] });
      },
      answer('Now it works'),
    ]);
    const session = new ChatSession(source, [], ids);
    session.send('Question that fails first');
    await session.whenIdle();
    const failed = session.messages.at(-1);
    assert.equal(failed?.status, 'error');
    assert.equal(failed?.problem?.title, problem.title);
    assert.equal(session.messages[0]?.text, 'Question that fails first');

    assert.ok(failed && session.retry(failed.id));
    await session.whenIdle();
    assert.deepEqual(
      session.messages.map((m) => [m.role, m.text, m.status]),
      [
        ['user', 'Question that fails first', 'done'],
        ['assistant', 'Now it works', 'done'],
      ],
    );
    assert.deepEqual(source.requests[1], [{ role: 'user', content: 'Question that fails first' }]);
  });

  test('a retried partial answer stays on screen but is not sent to the model', async () => {
    const source = new ScriptedSource([untilStopped('partial'), answer('complete')]);
    const session = new ChatSession(source, [], ids);
    session.send('Q');
    await started();
    await session.stop();
    session.retry(session.messages.at(-1)?.id ?? '');
    await session.whenIdle();
    assert.deepEqual(session.messages.map((m) => m.text), ['Q', 'partial', 'complete']);
    assert.deepEqual(source.requests[1], [{ role: 'user', content: 'Q' }]);
  });

  test('a question sent while an answer streams is refused, not lost', async () => {
    const session = new ChatSession(new ScriptedSource([untilStopped('...')]), [], ids);
    session.send('first');
    assert.equal(session.send('second'), false);
    await started();
    await session.stop();
    assert.deepEqual(session.messages.map((m) => m.text), ['first', '...']);
  });

  test('content filter and cut-off answers keep their text and say why they ended', async () => {
    const source = new ScriptedSource([
      async (_t, _s, onText) => {
        onText('Some text');
        return { kind: 'contentFiltered' };
      },
      async (_t, _s, onText) => {
        onText('Cut');
        return { kind: 'truncated' };
      },
    ]);
    const session = new ChatSession(source, [], ids);
    session.send('a');
    await session.whenIdle();
    session.send('b');
    await session.whenIdle();
    const [filtered, truncated] = session.messages.filter((m) => m.role === 'assistant');
    assert.equal(filtered?.text, 'Some text');
    assert.match(filtered?.problem?.title ?? '', /content filter/);
    assert.equal(truncated?.text, 'Cut');
    assert.equal(truncated?.status, 'error');
    assert.match(truncated?.problem?.title ?? '', /cut off/);
  });
});

describe('conversation journal', () => {
  test('a conversation is restored after a restart, including a stopped answer', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'journal-')), 'conversation.jsonl');
    const first = await ConversationJournal.open(path, silentLogger);
    const session = new ChatSession(new ScriptedSource([answer('One ', 'two'), untilStopped('half')]), first.messages, ids);
    session.onDidChange((event) => first.journal.record(event));
    session.send('Count');
    await session.whenIdle();
    session.send('Again');
    await started();
    await session.stop();
    await first.journal.close();

    const second = await ConversationJournal.open(path, silentLogger);
    assert.deepEqual(
      second.messages.map((m) => [m.role, m.text, m.status]),
      [
        ['user', 'Count', 'done'],
        ['assistant', 'One two', 'done'],
        ['user', 'Again', 'done'],
        ['assistant', 'half', 'stopped'],
      ],
    );
    await second.journal.close();
  });

  test('a crash mid-answer keeps what was written and marks the answer interrupted', async () => {
    const lines = [
      JSON.stringify({ t: 'msg', id: 'q', role: 'user', text: 'Q', status: 'done' }),
      JSON.stringify({ t: 'msg', id: 'a', role: 'assistant', text: '', status: 'streaming' }),
      JSON.stringify({ t: 'delta', id: 'a', text: 'first chunk, ' }),
      JSON.stringify({ t: 'delta', id: 'a', text: 'second chunk' }),
      '{"t":"delta","id":"a","te', // torn by the crash
    ];
    const messages = replayJournal(lines.join('\n'));
    assert.equal(messages[1]?.text, 'first chunk, second chunk');
    assert.equal(messages[1]?.status, 'stopped');
    assert.match(messages[1]?.problem?.title ?? '', /interrupted/);
    assert.deepEqual(messages[1]?.problem?.actions, ['retry']);
  });

  test('New chat clears the saved conversation, and loading compacts the journal', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'journal-')), 'conversation.jsonl');
    await writeFile(
      path,
      [
        JSON.stringify({ t: 'msg', id: 'old', role: 'user', text: 'old', status: 'done' }),
        JSON.stringify({ t: 'clear' }),
        JSON.stringify({ t: 'msg', id: 'q', role: 'user', text: 'kept', status: 'done' }),
      ].join('\n'),
    );
    const opened = await ConversationJournal.open(path, silentLogger);
    assert.deepEqual(opened.messages.map((m) => m.text), ['kept']);
    await opened.journal.close();
    assert.equal((await readFile(path, 'utf8')).trim().split('\n').length, 1);
  });
});
