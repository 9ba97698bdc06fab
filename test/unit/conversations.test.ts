/**
 * Conversations (issue 12): the saved history shared by windows, one conversation per view,
 * context sent with a question, edit and resend, export; all against real files in a temp folder.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { ChatTurn, StreamEnd } from '../../src/azure/chatStream';
import type { AnswerSource } from '../../src/chat/answerSource';
import { ConversationLibrary } from '../../src/chat/conversationLibrary';
import { ConversationStore, importedConversationId, titleFromQuestion } from '../../src/chat/conversationStore';
import { estimateTokens, makeAttachment, maxAttachmentCharacters, questionWithContext } from '../../src/chat/editorContext';
import { conversationToMarkdown } from '../../src/chat/markdownExport';
import { findSecrets, maskSecrets } from '../../src/chat/secretScan';
import { silentLogger } from '../../src/logging/logger';
import type { EditorActions } from '../../src/webviewHost/conversationController';
import { parseWebviewMessage } from '../../src/webviewHost/messageValidation';
import { FakeSurface } from './fakeSurface';
import { bindChat } from '../support/chatBinding';

/** Answers every question with "Answer to <question>" and records what the model was sent. */
class EchoSource implements AnswerSource {
  readonly requests: ChatTurn[][] = [];
  async streamAnswer(turns: readonly ChatTurn[], _signal: AbortSignal, onText: (text: string) => void): Promise<StreamEnd> {
    this.requests.push([...turns]);
    onText(`Answer to ${turns.at(-1)?.content.split('\n').at(-1) ?? ''}`);
    return { kind: 'finished', finishReason: 'stop' };
  }
}


const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

async function folder(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'conversations-')), 'conversations');
}

async function openLibrary(path: string, source: AnswerSource = new EchoSource()) {
  const store = await ConversationStore.open(path, silentLogger);
  return { store, library: new ConversationLibrary(store, source, silentLogger) };
}

async function ask(library: ConversationLibrary, id: string, text: string): Promise<void> {
  const opened = await library.open(id);
  assert.ok(opened);
  opened.session.send(text);
  await opened.session.whenIdle();
}

const editorStub = (overrides: Partial<EditorActions> = {}): EditorActions => ({
  insertCode: async () => undefined,
  openCode: async () => undefined,
  activeFile: async () => undefined,
  pickFiles: async () => [],
  readUris: async () => [],
  askTitle: async () => undefined,
  exportMarkdown: async () => undefined,
  copyText: async () => undefined,
  ...overrides,
});

describe('conversation history', () => {
  test('New chat keeps the old conversation; both come back after a reload, titled by their first question', async () => {
    const path = await folder();
    const first = await openLibrary(path);
    const one = first.library.create();
    one.session.send('How do I read a file in Node?\nWith details.');
    await one.session.whenIdle();
    const two = first.library.create();
    two.session.send('Second topic');
    await two.session.whenIdle();
    await first.library.close();

    const reloaded = await openLibrary(path);
    const listed = await reloaded.library.list();
    assert.deepEqual(listed.map((meta) => meta.title).sort(), ['How do I read a file in Node?', 'Second topic']);
    const restored = await reloaded.library.open(one.id);
    assert.deepEqual(restored?.session.messages.map((m) => m.text), ['How do I read a file in Node?\nWith details.', 'Answer to With details.']);
    const restoredTwo = await reloaded.library.open(two.id);
    assert.deepEqual(restoredTwo?.session.messages.map((m) => m.text), ['Second topic', 'Answer to Second topic']);
    await reloaded.library.close();
  });

  test('an empty new chat is not saved', async () => {
    const path = await folder();
    const { library } = await openLibrary(path);
    library.create();
    await library.close();
    assert.deepEqual(await (await openLibrary(path)).library.list(), []);
  });

  test('two windows share the history: each sees the other’s conversations, renames and deletions, and nothing is lost', async () => {
    const path = await folder();
    const a = await openLibrary(path);
    const b = await openLibrary(path);
    const fromA = a.library.create();
    fromA.session.send('asked in window A');
    await fromA.session.whenIdle();
    const fromB = b.library.create();
    fromB.session.send('asked in window B');
    await fromB.session.whenIdle();
    await settle();
    assert.deepEqual((await a.library.list()).map((meta) => meta.title).sort(), ['asked in window A', 'asked in window B']);
    await b.library.rename(fromA.id, 'Renamed in B');
    a.library.delete(fromB.id);
    await settle();
    assert.deepEqual((await b.library.list()).map((meta) => meta.title), ['Renamed in B']);
    // Both windows keep writing to the conversation A started.
    await ask(b.library, fromA.id, 'B continues A’s conversation');
    fromA.session.send('A continues too');
    await fromA.session.whenIdle();
    await a.library.close();
    await b.library.close();
    const reloaded = await openLibrary(path);
    const texts = (await reloaded.library.open(fromA.id))?.session.messages.map((m) => m.text) ?? [];
    assert.deepEqual(texts.filter((text) => !text.startsWith('Answer')).sort(), ['A continues too', 'B continues A’s conversation', 'asked in window A']);
    assert.equal(reloaded.library.title(fromA.id), 'Renamed in B');
  });

  test('delete can be undone; search finds text in answers; malformed index lines are skipped and counted', async () => {
    const path = await folder();
    const { library, store } = await openLibrary(path);
    const kept = library.create();
    kept.session.send('about kangaroos');
    await kept.session.whenIdle();
    const other = library.create();
    other.session.send('about wombats');
    await other.session.whenIdle();
    library.delete(kept.id);
    assert.deepEqual((await library.list()).map((meta) => meta.id), [other.id]);
    library.restore(kept.id);
    assert.equal((await library.list()).length, 2);
    assert.deepEqual((await library.list('ANSWER TO ABOUT KANG')).map((meta) => meta.id), [kept.id]);
    assert.deepEqual((await library.list('nothing like this')).length, 0);
    await library.close();
    await writeFile(join(path, 'index.jsonl'), `${await readFile(join(path, 'index.jsonl'), 'utf8')}null\n{"t":"meta","id":"x","title":5}\n`);
    const reopened = await ConversationStore.open(path, silentLogger);
    assert.equal(reopened.list().length, 2);
    assert.equal(reopened.skippedIndexLines, 2);
    await reopened.close();
    void store;
  });

  test('a conversation remembers its deployment and other fields other features give it', async () => {
    const path = await folder();
    const { library } = await openLibrary(path);
    const opened = library.create();
    await ask(library, opened.id, 'q');
    library.remember(opened.id, { deployment: 'gpt-4o', reasoningEffort: 'low', futureField: { kept: true } });
    await library.close();
    const meta = (await openLibrary(path)).store.get(opened.id) as unknown as Record<string, unknown>;
    assert.equal(meta.deployment, 'gpt-4o');
    assert.equal(meta.reasoningEffort, 'low');
    assert.deepEqual(meta.futureField, { kept: true });
  });

  test('the single conversation of older versions is imported once and its file kept', async () => {
    const root = await mkdtemp(join(tmpdir(), 'legacy-'));
    const legacy = join(root, 'conversation.jsonl');
    await writeFile(legacy, `${JSON.stringify({ t: 'msg', id: 'q', role: 'user', text: 'from the old version', status: 'done' })}\n`);
    const store = await ConversationStore.open(join(root, 'conversations'), silentLogger, { legacyJournal: legacy });
    assert.deepEqual(store.list().map((meta) => [meta.id, meta.title]), [[importedConversationId, 'from the old version']]);
    await store.close();
    assert.ok((await readdir(root)).some((name) => name.startsWith('conversation.jsonl.imported-')));
    const again = await ConversationStore.open(join(root, 'conversations'), silentLogger, { legacyJournal: legacy });
    assert.equal(again.list().length, 1);
    await again.close();
  });

  test('titles: the first line, shortened', () => {
    assert.equal(titleFromQuestion('  hello   world \nsecond'), 'hello world');
    assert.equal(titleFromQuestion('x'.repeat(100)).length, 60);
  });
});

describe('editor context', () => {
  test('an attachment is sent fenced, with its name and language, before the question', () => {
    const attachment = makeAttachment({ kind: 'file', name: 'src/a.ts', language: 'typescript', text: 'const a = "```";' }, 'id1');
    assert.equal(attachment.tokens, estimateTokens('const a = "```";'));
    const content = questionWithContext('What does it do?', [attachment]);
    assert.match(content, /^File "src\/a\.ts" \(typescript\):\n````typescript\nconst a = "```";\n````\n\nWhat does it do\?$/);
  });

  test('a large file is cut at a line end, with a note the model and the chip both show', () => {
    const line = `${'x'.repeat(99)}\n`;
    const attachment = makeAttachment({ kind: 'file', name: 'big.txt', language: 'plaintext', text: line.repeat(1000) }, 'id');
    assert.equal(attachment.truncated, true);
    assert.ok(attachment.text.length <= maxAttachmentCharacters);
    assert.ok(attachment.text.endsWith('x'));
    assert.match(attachment.note ?? '', /first 400 of 1,000 lines/);
    assert.match(questionWithContext('q', [attachment]), /Cut: only the first 400 of 1,000 lines/);
  });
});

describe('a view and its conversations', () => {
  async function view(path?: string, extra: Partial<EditorActions> = {}) {
    const source = new EchoSource();
    const { library } = await openLibrary(path ?? (await folder()), source);
    const exported: string[] = [];
    const editor = editorStub({
      activeFile: async () => ({ kind: 'file', name: 'src/main.py', language: 'python', text: 'print("hi")' }),
      exportMarkdown: async (_title, markdown) => void exported.push(markdown),
      askTitle: async () => 'A better title',
      ...extra,
    });
    const initial = library.create();
    const surface = new FakeSurface('panel');
    const binding = bindChat(surface, initial.session, {
      conversationId: initial.id,
      conversations: { library, editor, log: silentLogger },
      connection: async () => ({ state: 'ready', label: 'API key', deployment: 'd' }),
    });
    surface.fromWebview({ type: 'ready' });
    await settle();
    return { source, library, surface, binding, initial, exported };
  }

  describe('secrets before sending', () => {
    // Built at run time, so this file holds no key-shaped text.
    const key = Array.from({ length: 32 }, (_, i) => '0123456789abcdef'[(i * 7 + 3) % 16]).join('');
    const envFile = { kind: 'file' as const, name: 'deploy.env', language: 'dotenv', text: `AZURE_OPENAI_ENDPOINT=https://contoso.openai.azure.com\nAZURE_OPENAI_API_KEY=${key}\n` };
    const choosing = (choice: 'masked' | 'asIs' | 'cancel', asked: string[]) => ({
      activeFile: async () => envFile,
      checkSecrets: async (text: string, source: { kind: string; name?: string }) => {
        const findings = findSecrets(text, source.kind === 'attachment' ? source.name : undefined);
        if (findings.length === 0) {
          return text;
        }
        asked.push(`${source.kind}: ${findings.map((finding) => finding.label).join(', ')}`);
        return choice === 'masked' ? maskSecrets(text, findings) : choice === 'asIs' ? text : undefined;
      },
    });

    test('an attached .env file warns, and "send masked" leaves the value out of what the model is sent', async () => {
      const asked: string[] = [];
      const { surface, source, initial } = await view(undefined, choosing('masked', asked));
      surface.fromWebview({ type: 'attachActiveFile' });
      await settle();
      assert.equal(asked.length, 1, 'the user was asked once, naming what was found');
      assert.match(asked[0] ?? '', /^attachment: /);
      surface.fromWebview({ type: 'send', text: 'Why does this fail?' });
      await initial.session.whenIdle();
      await settle();
      const sent = JSON.stringify(source.requests[0]);
      assert.ok(!sent.includes(key), 'the key reached the model');
      assert.match(sent, /AZURE_OPENAI_ENDPOINT=https:\/\/contoso\.openai\.azure\.com/, 'the rest of the file is sent');
      assert.match(sent, /\[masked: /);
    });

    test('"cancel" attaches nothing; a question holding a secret is given back, not sent', async () => {
      const asked: string[] = [];
      const { surface, source } = await view(undefined, choosing('cancel', asked));
      surface.fromWebview({ type: 'attachActiveFile' });
      await settle();
      assert.deepEqual(surface.last('attachments')?.items ?? [], []);
      const question = `my key is AZURE_OPENAI_API_KEY=${key}, why 401?`;
      surface.fromWebview({ type: 'send', text: question });
      await settle();
      assert.equal(source.requests.length, 0);
      assert.equal(surface.last('restoreDraft')?.text, question);
      assert.equal(asked.length, 2);
    });
  });

  test('attached context goes with the next question only, as chips without the text', async () => {
    const { surface, source, initial } = await view();
    surface.fromWebview({ type: 'attachActiveFile' });
    await settle();
    assert.deepEqual(surface.last('attachments')?.items.map((item) => [item.name, item.tokens]), [['src/main.py', 3]]);
    surface.fromWebview({ type: 'send', text: 'Explain' });
    await initial.session.whenIdle();
    await settle();
    assert.match(source.requests[0]?.at(-1)?.content ?? '', /^File "src\/main\.py" \(python\):\n```python\nprint\("hi"\)\n```\n\nExplain$/);
    assert.deepEqual(surface.last('attachments')?.items, []);
    const added = surface.posted.find((message) => message.type === 'messageAdded' && message.message.role === 'user');
    assert.ok(added?.type === 'messageAdded');
    assert.equal(added.message.attachments?.[0]?.name, 'src/main.py');
    assert.equal('text' in (added.message.attachments?.[0] ?? {}), false, 'the webview gets no file text');
    surface.fromWebview({ type: 'send', text: 'And now?' });
    await initial.session.whenIdle();
    // The file stays part of the conversation the model sees, once.
    assert.equal(source.requests[1]?.filter((turn) => turn.content.includes('print("hi")')).length, 1);
  });

  test('New chat, switch back, rename, export, delete and undo', async () => {
    const { surface, library, initial, exported } = await view();
    surface.fromWebview({ type: 'send', text: 'first conversation' });
    await initial.session.whenIdle();
    surface.fromWebview({ type: 'newChat' });
    await settle();
    const switched = surface.last('conversation');
    assert.notEqual(switched?.id, initial.id);
    assert.deepEqual(surface.last('snapshot')?.messages, []);
    surface.fromWebview({ type: 'openConversation', id: initial.id });
    await settle();
    assert.equal(surface.last('conversation')?.title, 'first conversation');
    assert.deepEqual(surface.last('snapshot')?.messages.map((m) => m.text), ['first conversation', 'Answer to first conversation']);
    surface.fromWebview({ type: 'renameConversation', id: initial.id });
    await settle();
    assert.equal(surface.last('conversation')?.title, 'A better title');
    surface.fromWebview({ type: 'exportConversation', id: initial.id });
    await settle();
    assert.match(exported[0] ?? '', /^# A better title\n[\s\S]*## You\n\nfirst conversation\n\n## Azure OpenAI\n\nAnswer to first conversation\n$/);
    surface.fromWebview({ type: 'listConversations', query: '' });
    await settle();
    assert.deepEqual(surface.last('history')?.items.map((item) => item.title), ['A better title']);
    surface.fromWebview({ type: 'deleteConversation', id: initial.id });
    await settle();
    assert.equal(surface.last('conversationDeleted')?.title, 'A better title');
    assert.notEqual(surface.last('conversation')?.id, initial.id, 'the view moved to a new chat');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(surface.last('history')?.items, []);
    surface.fromWebview({ type: 'undoDelete', id: initial.id });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(surface.last('history')?.items.map((item) => item.id), [initial.id]);
    assert.equal((await library.list()).length, 1);
  });

  test('the last question can be edited and asked again; an earlier one cannot', async () => {
    const { surface, initial, source } = await view();
    surface.fromWebview({ type: 'send', text: 'one' });
    await initial.session.whenIdle();
    surface.fromWebview({ type: 'send', text: 'two' });
    await initial.session.whenIdle();
    const [firstQuestion, , lastQuestion] = initial.session.messages;
    surface.fromWebview({ type: 'resend', messageId: firstQuestion?.id, text: 'one, edited' });
    await settle();
    assert.equal(surface.last('restoreDraft')?.text, 'one, edited');
    surface.fromWebview({ type: 'resend', messageId: lastQuestion?.id, text: 'two, edited' });
    await initial.session.whenIdle();
    assert.deepEqual(initial.session.messages.map((m) => m.text), ['one', 'Answer to one', 'two, edited', 'Answer to two, edited']);
    assert.deepEqual(source.requests.at(-1)?.map((turn) => turn.content), ['one', 'Answer to one', 'two, edited']);
  });

  test('regenerate keeps the previous answer and asks the same question again', async () => {
    const { surface, initial } = await view();
    surface.fromWebview({ type: 'send', text: 'q' });
    await initial.session.whenIdle();
    surface.fromWebview({ type: 'retry', messageId: initial.session.messages[1]?.id });
    await settle();
    await initial.session.whenIdle();
    assert.deepEqual(initial.session.messages.map((m) => m.text), ['q', 'Answer to q', 'Answer to q']);
  });
});

describe('conversation messages from the webview are validated', () => {
  test('well-formed ones pass, anything else is dropped', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'openConversation', id: 'abc-1' }), { type: 'openConversation', id: 'abc-1' });
    assert.equal(parseWebviewMessage({ type: 'openConversation', id: '../../etc/passwd' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'listConversations', query: 'x'.repeat(201) }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'insertCode', code: 'x', language: 'ts' }), { type: 'insertCode', code: 'x', language: 'ts' });
    assert.equal(parseWebviewMessage({ type: 'insertCode', code: 'x', language: '<script>' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'openCode', code: 1, language: '' }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'attachUris', uris: ['file:///a.ts'] }), { type: 'attachUris', uris: ['file:///a.ts'] });
    assert.equal(parseWebviewMessage({ type: 'attachUris', uris: ['https://example.com/a.ts'] }), undefined);
    assert.equal(parseWebviewMessage({ type: 'attachUris', uris: [] }), undefined);
    assert.equal(parseWebviewMessage({ type: 'attachActiveFile', path: '/etc/passwd' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'resend', messageId: 'a', text: '  ' }), undefined);
  });

  test('export writes headings per turn and keeps a question line from becoming a heading', () => {
    const markdown = conversationToMarkdown('T', [{ id: 'q', role: 'user', text: '# not a heading', status: 'done' }], new Date(0));
    assert.match(markdown, /\\# not a heading/);
  });
});
