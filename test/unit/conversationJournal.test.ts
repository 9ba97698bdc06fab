/**
 * The journal's guarantees on disk (issue 9, item 8): several windows may share one file, a file
 * that cannot be read is set aside rather than overwritten, and a bad line costs only itself.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { ConversationEvent } from '../../src/chat/chatSession';
import { ConversationJournal } from '../../src/chat/conversationJournal';
import { silentLogger } from '../../src/logging/logger';

const line = (value: unknown) => JSON.stringify(value);

function question(id: string, text: string): ConversationEvent {
  return { type: 'messageAdded', message: { id, role: 'user', text, status: 'done' } };
}

async function journalPath(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'journal-'));
  return join(folder, 'conversation.jsonl');
}

describe('conversation journal on disk', () => {
  test('two windows sharing one file both keep every message they wrote', async () => {
    const path = await journalPath();
    const first = await ConversationJournal.open(path, silentLogger);
    first.journal.record(question('a1', 'from the first window'));
    // A second window (no folder: the same global storage) opens the same file.
    const second = await ConversationJournal.open(path, silentLogger);
    second.journal.record(question('b1', 'from the second window'));
    first.journal.record(question('a2', 'the first window, later'));
    await first.journal.close();
    await second.journal.close();

    const reopened = await ConversationJournal.open(path, silentLogger);
    await reopened.journal.close();
    assert.deepEqual(reopened.messages.map((m) => m.text).sort(), ['from the first window', 'from the second window', 'the first window, later']);
  });

  test('a line that is not an object is skipped and counted; the rest is restored and the file kept', async () => {
    const path = await journalPath();
    const original = [
      line({ t: 'msg', id: 'q', role: 'user', text: 'kept question', status: 'done' }),
      'null',
      '42',
      '["t","msg"]',
      line({ t: 'msg', id: 'a', role: 'assistant', text: 'kept answer', status: 'done' }),
      '',
    ].join('\n');
    await writeFile(path, original);
    const opened = await ConversationJournal.open(path, silentLogger);
    await opened.journal.close();
    assert.deepEqual(opened.messages.map((m) => m.text), ['kept question', 'kept answer']);
    assert.equal(opened.skipped, 3);
    assert.ok((await readFile(path, 'utf8')).startsWith(original), 'the file still holds everything it held');
  });

  test('fields are type-checked: a bad message is skipped alone, extra fields pass through', async () => {
    const path = await journalPath();
    await writeFile(
      path,
      [
        line({ t: 'msg', id: 'q', role: 'user', text: 'good', status: 'done' }),
        line({ t: 'msg', id: 'bad1', role: 'user', text: 5, status: 'done' }),
        line({ t: 'msg', id: 'bad2', role: 'system', text: 'x', status: 'done' }),
        line({ t: 'msg', id: 'bad3', role: 'assistant', text: 'x', status: 'finished' }),
        line({ t: 'msg', id: 'bad4', role: 'assistant', text: 'x', status: 'error', problem: { title: 3 } }),
        line({ t: 'msg', id: 'a', role: 'assistant', text: 'answer', status: 'streaming', reasoning: 'thought about it' }),
        line({ t: 'delta', id: 'a', text: 7 }),
        line({ t: 'end', id: 'a', status: 'done', laterFeature: { totalTokens: 12 } }),
        line({ t: 'end', id: 'q', status: 'nonsense' }),
        '',
      ].join('\n'),
    );
    const opened = await ConversationJournal.open(path, silentLogger);
    await opened.journal.close();
    assert.deepEqual(
      opened.messages.map((m) => [m.id, m.text, m.status]),
      [
        ['q', 'good', 'done'],
        ['a', 'answer', 'done'],
      ],
    );
    assert.equal(opened.skipped, 6);
    const answer = opened.messages[1] as unknown as Record<string, unknown>;
    assert.equal(answer.reasoning, 'thought about it');
    assert.deepEqual(answer.laterFeature, { totalTokens: 12 });
  });

  test('a torn last line is skipped, and what is appended after it is not glued onto it', async () => {
    const path = await journalPath();
    await writeFile(path, `${line({ t: 'msg', id: 'q', role: 'user', text: 'before', status: 'done' })}\n{"t":"msg","id":"x","te`);
    const first = await ConversationJournal.open(path, silentLogger);
    first.journal.record(question('q2', 'after the crash'));
    await first.journal.close();
    const second = await ConversationJournal.open(path, silentLogger);
    await second.journal.close();
    assert.deepEqual(second.messages.map((m) => m.text), ['before', 'after the crash']);
  });

  test('a file that cannot be read is set aside, never overwritten', async () => {
    const path = await journalPath();
    const original = `${line({ t: 'msg', id: 'q', role: 'user', text: 'precious', status: 'done' })}\n`;
    await writeFile(path, original);
    await chmod(path, 0o000);
    await chmod(join(path, '..'), 0o777);
    // Root reads any file, so the open runs as an unprivileged user when the tests run as root.
    const result = await openAsUnprivileged(path);
    assert.equal(result.error, undefined, result.error);
    await chmod(join(path, '..'), 0o755);
    const files = await readdir(join(path, '..'));
    const setAside = files.find((name) => name.startsWith('conversation.jsonl.unreadable-'));
    assert.ok(setAside, `the unreadable file was set aside (files: ${files.join(', ')})`);
    await chmod(join(path, '..', setAside), 0o600);
    assert.equal(await readFile(join(path, '..', setAside), 'utf8'), original);
    assert.equal(result.setAside?.endsWith(setAside), true);
  });
});

/** Opens the journal in a child process that cannot read root's 0000 files. */
async function openAsUnprivileged(path: string): Promise<{ error?: string; setAside?: string }> {
  const modulePath = require.resolve('../../src/chat/conversationJournal');
  const script = `
    const { ConversationJournal } = require(${JSON.stringify(modulePath)});
    const log = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
    ConversationJournal.open(${JSON.stringify(path)}, log).then(
      async (opened) => { await opened.journal.close(); process.stdout.write(JSON.stringify({ setAside: opened.setAside })); },
      (error) => process.stdout.write(JSON.stringify({ error: String(error) })),
    );`;
  const asRoot = process.getuid?.() === 0;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], asRoot ? { uid: 65534, gid: 65534 } : {});
  return JSON.parse(stdout) as { error?: string; setAside?: string };
}
