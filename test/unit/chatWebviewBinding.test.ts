import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ConnectionView, FixAction } from '../../src/common/protocol';
import { Emitter } from '../../src/common/events';
import type { ConnectionChange } from '../../src/connection/connectionManager';
import type { StreamEnd } from '../../src/azure/chatStream';
import type { AnswerSource } from '../../src/chat/answerSource';
import { ChatSession } from '../../src/chat/chatSession';
import type { Logger } from '../../src/logging/logger';
import { FakeSurface } from './fakeSurface';
import { bindChat } from '../support/chatBinding';


/** Streams the given pieces synchronously, then waits for the test to release it. */
class ManualSource implements AnswerSource {
  release: () => void = () => undefined;
  constructor(private readonly pieces: string[]) {}
  streamAnswer(_turns: unknown, _signal: AbortSignal, onText: (text: string) => void): Promise<StreamEnd> {
    this.pieces.forEach((piece) => onText(piece));
    return new Promise((resolve) => {
      this.release = () => resolve({ kind: 'finished', finishReason: 'stop' });
    });
  }
}

const connectionView: ConnectionView = { state: 'ready', label: 'API key', deployment: 'gpt-4o-mini' };
/** Two event-loop turns: one for the session to start the request, one for the binding's flush. */
const nextTurn = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

function setup(pieces: string[] = [], answerSource?: AnswerSource) {
  const surface = new FakeSurface();
  const source = new ManualSource(pieces);
  const session = new ChatSession(answerSource ?? source);
  const fixes: FixAction[] = [];
  const links: string[] = [];
  const warnings: string[] = [];
  const log: Logger = { trace() {}, debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} };
  const connectionChanges = new Emitter<ConnectionChange>();
  const binding = bindChat(surface, session, {
    connection: async () => connectionView,
    onDidChangeConnection: connectionChanges.event,
    runFix: (action) => fixes.push(action),
    openLink: (url) => links.push(url),
    log,
  });
  return { surface, source, session, fixes, links, warnings, binding };
}

describe('webview binding', () => {
  test('nothing is posted before the webview says ready; then a snapshot and the sign-in state', async () => {
    const { surface, session } = setup();
    session.send('asked before the view was ready');
    assert.equal(surface.posted.length, 0);
    surface.fromWebview({ type: 'ready' });
    await nextTurn();
    assert.deepEqual(surface.types(), ['snapshot', 'connection']);
    const snapshot = surface.posted[0];
    assert.ok(snapshot?.type === 'snapshot');
    assert.equal(snapshot.messages[0]?.text, 'asked before the view was ready');
  });

  test('chunks that arrive together reach the webview as one delta', async () => {
    const { surface } = setup(['a', 'b', 'c']);
    surface.fromWebview({ type: 'ready' });
    await nextTurn();
    surface.posted.length = 0;
    surface.fromWebview({ type: 'send', text: 'go' });
    await nextTurn();
    const deltas = surface.posted.filter((message) => message.type === 'delta');
    assert.deepEqual(deltas.map((message) => message.type === 'delta' && message.text), ['abc']);
  });

  test('an answer parsed in one long turn still reaches the webview piece by piece, about once per frame', async () => {
    // A fast stream is parsed in promise callbacks that never yield to the event loop: 30 pieces
    // 5 ms apart arrive within one turn, and the user must see the answer grow during it.
    const pieces = Array.from({ length: 30 }, (_, i) => `piece ${i}. `);
    const busyTurn: AnswerSource = {
      streamAnswer(_turns, _signal, onText) {
        for (const piece of pieces) {
          const until = performance.now() + 5;
          while (performance.now() < until) {
            // busy, as a parser working through a full socket buffer is
          }
          onText(piece);
        }
        return Promise.resolve({ kind: 'finished', finishReason: 'stop' });
      },
    };
    const { surface, session } = setup([], busyTurn);
    surface.fromWebview({ type: 'ready' });
    await nextTurn();
    surface.posted.length = 0;
    session.send('go');
    await session.whenIdle();
    const deltas = surface.posted.flatMap((message) => (message.type === 'delta' ? [message.text] : []));
    assert.equal(deltas.join(''), pieces.join(''));
    assert.ok(deltas.length >= 5, `the webview got ${deltas.length} delta message(s) during a 150 ms turn`);
  });

  test('a hidden view gets no streaming traffic, and a full snapshot when shown again', async () => {
    const { surface, source } = setup(['x', 'y']);
    surface.fromWebview({ type: 'ready' });
    await nextTurn();
    surface.setVisible(false);
    surface.posted.length = 0;
    surface.fromWebview({ type: 'send', text: 'while hidden' });
    await nextTurn();
    source.release();
    await nextTurn();
    assert.equal(surface.posted.length, 0);
    surface.setVisible(true);
    await nextTurn();
    const snapshot = surface.posted.find((message) => message.type === 'snapshot');
    assert.ok(snapshot?.type === 'snapshot');
    assert.deepEqual(snapshot.messages.map((message) => message.text), ['while hidden', 'xy']);
  });

  test('a question sent while busy is handed back to the input box', async () => {
    const { surface } = setup(['...']);
    surface.fromWebview({ type: 'ready' });
    surface.fromWebview({ type: 'send', text: 'first' });
    surface.fromWebview({ type: 'send', text: 'second' });
    await nextTurn();
    assert.ok(surface.posted.some((message) => message.type === 'restoreDraft' && message.text === 'second'));
  });

  test('invalid messages are dropped and logged; fixes and links go only to their handlers', async () => {
    const { surface, fixes, links, warnings, session } = setup();
    surface.fromWebview({ type: 'ready' });
    surface.fromWebview({ type: 'fix', action: 'workbench.action.terminal.new' });
    surface.fromWebview({ type: 'openLink', url: 'command:workbench.action.terminal.new' });
    surface.fromWebview({ type: 'send', text: { toString: 'x' } });
    surface.fromWebview({ type: 'fix', action: 'openSettings' });
    surface.fromWebview({ type: 'openLink', url: 'https://learn.microsoft.com/' });
    await nextTurn();
    assert.equal(warnings.length, 3);
    assert.deepEqual(fixes, ['openSettings']);
    assert.deepEqual(links, ['https://learn.microsoft.com/']);
    assert.equal(session.messages.length, 0);
  });
});
