import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConversationJournal } from '../../src/chat/conversationJournal';
import { ChatSession } from '../../src/chat/chatSession';
import { AzureOpenAIStandIn } from '../standin/azureOpenAIStandIn';
import { createChatStack, RecordingLogger, StandInMicrosoftSessions } from './chatStack';

/** A conversation switched to another deployment from the header asks that one, at once, and remembers it. */
let standIn: AzureOpenAIStandIn;
let other: AzureOpenAIStandIn;

before(async () => {
  standIn = await AzureOpenAIStandIn.start({ deployments: ['gpt-4o-mini'] });
  other = await AzureOpenAIStandIn.start({ deployments: ['chat-large'] });
});
after(async () => {
  await standIn.close();
  await other.close();
});

function stack() {
  return createChatStack({
    settings: { endpoint: standIn.endpoint, deployment: 'gpt-4o-mini', trustedHosts: ['127.0.0.1'] },
    microsoft: new StandInMicrosoftSessions(true),
  });
}

describe('a conversation\'s own deployment', () => {
  test('switching is immediate: the next question goes to the chosen endpoint and deployment, and the header shows it', async () => {
    const chat = stack();
    assert.equal((await chat.ask('first'))?.status, 'done');
    assert.equal(standIn.requests.at(-1)?.deployment, 'gpt-4o-mini');

    chat.session.setDeployment({ endpoint: other.endpoint, deployment: 'chat-large' });
    assert.equal((await chat.connection.view(chat.session.deployment)).deployment, 'chat-large');
    assert.equal((await chat.ask('second'))?.status, 'done');
    assert.equal(other.requests.at(-1)?.deployment, 'chat-large');

    // New chat: back to the settings' deployment.
    await chat.session.clear();
    assert.equal(chat.session.deployment, undefined);
    assert.equal((await chat.connection.view(chat.session.deployment)).deployment, 'gpt-4o-mini');
  });

  test('two conversations at once each go to their own target; neither follows the other', async () => {
    const chat = stack();
    const switched = new ChatSession(chat.source);
    switched.setDeployment({ endpoint: other.endpoint, deployment: 'chat-large' });
    const before = { here: standIn.requests.length, there: other.requests.length };
    // Asked in the same turn: a single "active conversation" would send both to one place.
    switched.send('to the other resource');
    chat.session.send('to the settings\' resource');
    await Promise.all([switched.whenIdle(), chat.session.whenIdle()]);
    assert.equal(switched.messages.at(-1)?.status, 'done');
    assert.equal(chat.session.messages.at(-1)?.status, 'done');
    assert.deepEqual(standIn.requests.slice(before.here).map((request) => request.deployment), ['gpt-4o-mini']);
    assert.deepEqual(other.requests.slice(before.there).map((request) => request.deployment), ['chat-large']);
    assert.equal((await chat.connection.view()).deployment, 'gpt-4o-mini', 'the settings\' target is unchanged');
  });

  test('the token host policy still applies to a chosen endpoint', async () => {
    const chat = stack();
    chat.session.setDeployment({ endpoint: 'https://attacker.example', deployment: 'x' });
    const view = await chat.connection.view(chat.session.deployment);
    assert.notEqual(view.state, 'ready');
    assert.match(view.problem?.title ?? '', /attacker\.example is not one/);
  });

  test('is remembered with the conversation across a reload', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'journal-')), 'conversation.jsonl');
    const log = new RecordingLogger();
    const first = await ConversationJournal.open(path, log);
    const chat = stack();
    chat.session.onDidChange((event) => first.journal.record(event));
    await chat.ask('hello');
    chat.session.setDeployment({ endpoint: other.endpoint, deployment: 'chat-large' });
    await first.journal.close();

    const reopened = await ConversationJournal.open(path, log);
    assert.deepEqual(reopened.deployment, { endpoint: other.endpoint, deployment: 'chat-large' });
    assert.equal(reopened.messages.length, 2);
    await reopened.journal.close();
    // Compaction keeps it too.
    const again = await ConversationJournal.open(path, log);
    assert.deepEqual(again.deployment, { endpoint: other.endpoint, deployment: 'chat-large' });
    await again.journal.close();
  });
});
