// The chat side of models: reasoning and usage travel from the answer source through the
// session to the webview and the journal; the effort control's messages are validated.

import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { ModelStateView, ReasoningEffortValue } from '../../src/common/protocol';
import type { ChatTurn, StreamEnd } from '../../src/azure/chatStream';
import type { AnswerDetail, AnswerSource } from '../../src/chat/answerSource';
import { ChatSession } from '../../src/chat/chatSession';
import { ConversationJournal } from '../../src/chat/conversationJournal';
import { parseWebviewMessage } from '../../src/webviewHost/messageValidation';
import { RecordingLogger } from './chatStack';
import { FakeSurface } from './fakeSurface';
import { bindChat } from '../support/chatBinding';

/** A source that thinks, answers and reports usage; sends only the newest question. */
class ThinkingSource implements AnswerSource {
  readonly sent: ChatTurn[][] = [];
  async streamAnswer(turns: readonly ChatTurn[], _signal: AbortSignal, onText: (text: string) => void, onDetail?: (detail: AnswerDetail) => void): Promise<StreamEnd> {
    const firstTurn = turns.length - 1;
    onDetail?.({ type: 'sent', firstTurn });
    this.sent.push(turns.slice(firstTurn));
    onDetail?.({ type: 'reasoning', text: '**Plan** ' });
    onDetail?.({ type: 'reasoning', text: 'answer briefly' });
    onText('Brief.');
    onDetail?.({ type: 'usage', usage: { inputTokens: 10, outputTokens: 5, reasoningTokens: 3 }, contextWindow: 100 });
    return { kind: 'finished', finishReason: 'stop' };
  }
}


const settle = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

describe('models in the chat session, binding and journal', () => {
  test('reasoning and usage reach the webview and the journal; reasoning is never sent back', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'models-chat-'));
    const path = join(folder, 'conversation.jsonl');
    const { journal } = await ConversationJournal.open(path, new RecordingLogger());
    const source = new ThinkingSource();
    const session = new ChatSession(source);
    session.onDidChange((event) => journal.record(event));
    const surface = new FakeSurface();
    let effort: ReasoningEffortValue | undefined;
    const state = (): ModelStateView => ({ model: 'gpt-5-mini', efforts: ['low', 'high'], ...(effort ? { effort } : {}) });
    bindChat(surface, session, {
      connection: async () => ({ state: 'ready', label: 'API key', deployment: 'gpt-5-mini' }),
      models: { state: async () => state(), setEffort: async (_target, chosen) => void (effort = chosen) },
      log: new RecordingLogger(),
    });
    surface.fromWebview({ type: 'ready' });
    await settle();
    assert.ok(surface.posted.some((m) => m.type === 'modelState' && m.state?.efforts.length === 2));

    session.send('one');
    await session.whenIdle();
    session.send('two');
    await session.whenIdle();
    await settle();
    const answer = session.messages[1];
    assert.equal(answer?.reasoning, '**Plan** answer briefly');
    assert.deepEqual(answer?.usage, { inputTokens: 10, outputTokens: 5, reasoningTokens: 3, contextWindow: 100 });
    assert.ok(source.sent.every((turns) => turns.every((turn) => !turn.content.includes('Plan'))));
    const reasoning = surface.posted.filter((m) => m.type === 'reasoningDelta');
    assert.equal(reasoning.length, 2, 'one coalesced reasoning message per answer turn');
    assert.ok(surface.posted.some((m) => m.type === 'usage'));
    // The second question went alone: sending starts at it.
    assert.equal(session.sendingStartsAt, session.messages[2]?.id);
    assert.ok(surface.posted.some((m) => m.type === 'sendingStartsAt' && m.messageId === session.messages[2]?.id));

    surface.fromWebview({ type: 'setReasoningEffort', effort: 'high' });
    await settle();
    assert.equal(effort, 'high');
    assert.ok(surface.posted.some((m) => m.type === 'modelState' && m.state?.effort === 'high'));

    await journal.close();
    const reopened = await ConversationJournal.open(path, new RecordingLogger());
    assert.equal(reopened.messages[1]?.reasoning, '**Plan** answer briefly');
    assert.deepEqual(reopened.messages[3]?.usage, { inputTokens: 10, outputTokens: 5, reasoningTokens: 3, contextWindow: 100 });
    await reopened.journal.close();
  });

  test('the webview may set only a known effort, and New chat is a fix it may name', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'setReasoningEffort', effort: 'minimal' }), { type: 'setReasoningEffort', effort: 'minimal' });
    assert.deepEqual(parseWebviewMessage({ type: 'setReasoningEffort', effort: 'default' }), { type: 'setReasoningEffort', effort: 'default' });
    assert.equal(parseWebviewMessage({ type: 'setReasoningEffort', effort: 'maximum' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'setReasoningEffort', effort: 'high', extra: 1 }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'fix', action: 'newChat' }), { type: 'fix', action: 'newChat' });
  });
});
