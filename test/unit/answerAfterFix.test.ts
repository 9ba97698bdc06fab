import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import type { FixAction } from '../../src/common/protocol';
import { Emitter } from '../../src/common/events';
import { AzureOpenAIStandIn } from '../standin/azureOpenAIStandIn';
import { ManagedIdentityStandIn } from '../standin/managedIdentityStandIn';
import { applyToProcessEnv, isolatedAzureEnvironment } from '../standin/testEnvironment';
import { createChatStack, MemorySecrets, StandInMicrosoftSessions } from './chatStack';
import { FakeSurface } from './fakeSurface';
import { bindChat } from '../support/chatBinding';

/**
 * Ask first, then sign in (issue 9, item 1): a question asked before the chat could reach Azure
 * ends with a problem card; when the card's fix works, the question is answered without being
 * typed again and the card goes away. The real chat stack (settings, credential resolver,
 * connection, `openai` against the loopback stand-in) behind the real webview binding.
 */
let standIn: AzureOpenAIStandIn;
let managedIdentity: ManagedIdentityStandIn;
let restoreEnv: (() => void) | undefined;

const apiKey = 'standin-key-0123456789abcdef0123456789';

before(async () => {
  standIn = await AzureOpenAIStandIn.start({ apiKey });
  managedIdentity = await ManagedIdentityStandIn.start({ mode: 'unavailable' });
});
after(async () => {
  await standIn.close();
  await managedIdentity.close();
});
beforeEach(() => {
  standIn.reset();
  // No managed identity, `az` logged out: only the Microsoft sign-in or a key gets in.
  restoreEnv = applyToProcessEnv(isolatedAzureEnvironment({ managedIdentityHost: managedIdentity.endpoint, azMode: 'loggedOut' }));
});
afterEach(() => restoreEnv?.());


/**
 * The chat as the extension wires it, with the fixes doing what VS Code would after the user
 * finished them: `succeeds` false is a sign-in or key prompt the user cancelled.
 */
function chatView(auth: 'auto' | 'apiKey') {
  const microsoft = new StandInMicrosoftSessions(false);
  const secrets = new MemorySecrets();
  const chat = createChatStack({
    settings: { endpoint: standIn.endpoint, deployment: 'gpt-4o-mini', auth, trustedHosts: ['127.0.0.1'] },
    microsoft,
    secrets,
    managedIdentityTimeoutMs: 1500,
  });
  const surface = new FakeSurface();
  const fixes: FixAction[] = [];
  let succeeds = true;
  const palette = new Emitter<FixAction>();
  const binding = bindChat(surface, chat.session, {
    onDidStartFixElsewhere: palette.event,
    connection: (target) => chat.connection.view(target),
    onDidChangeConnection: chat.connection.onDidChange,
    runFix: (action) => {
      fixes.push(action);
      if (succeeds && action === 'signIn') {
        microsoft.signedIn = true;
      }
      if (succeeds && action === 'setApiKey') {
        secrets.setApiKey(standIn.endpoint, apiKey);
      }
      // As extension.ts does on a session or secret change: resolve the connection again.
      setTimeout(() => chat.connection.invalidate(), 5);
    },
  });
  surface.fromWebview({ type: 'ready' });
  return {
    ...chat,
    surface,
    fixes,
    binding,
    /** The next fixes are cancelled by the user. */
    cancelFixes() {
      succeeds = false;
    },
    /** The user types a question into the view and presses Enter; resolves when it is answered or failed. */
    async askInView(text: string) {
      surface.fromWebview({ type: 'send', text });
      await chat.session.whenIdle();
      return chat.session.messages.at(-1);
    },
    click(action: FixAction) {
      surface.fromWebview({ type: 'fix', action });
    },
    /** The user runs the fix's command from the palette, as the card's text tells them to. */
    runFromPalette(action: 'signIn' | 'setApiKey') {
      palette.fire(action);
      if (action === 'setApiKey') {
        secrets.setApiKey(standIn.endpoint, apiKey);
      } else {
        microsoft.signedIn = true;
      }
      setTimeout(() => chat.connection.invalidate(), 5);
    },
  };
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('a question asked before signing in is answered once the problem card is fixed', () => {
  test('Sign in with Microsoft from the card: the question is answered, the card is gone', async () => {
    const chat = chatView('auto');
    const failed = await chat.askInView('What is a deployment?');
    assert.equal(failed?.status, 'error');
    assert.deepEqual(failed?.problem?.actions, ['signIn', 'setApiKey']);
    assert.equal(standIn.requests.length, 0);

    chat.click('signIn');
    await until(() => chat.session.messages.at(-1)?.status === 'done', 'the answer');
    await chat.session.whenIdle();

    const messages = chat.session.messages;
    assert.deepEqual(
      messages.map((m) => [m.role, m.status]),
      [
        ['user', 'done'],
        ['assistant', 'done'],
      ],
      'one question, one answer: the card is gone',
    );
    assert.equal(messages.some((m) => m.problem), false);
    assert.match(messages[1]?.text ?? '', /What is a deployment\?/, "the stand-in's echo of the question");
    assert.equal(standIn.requests.length, 1, 'asked once');
    assert.equal(standIn.requests[0]?.auth, 'bearer');
    // The webview removed the card's answer and streamed the new one, after "Signed in".
    const types = chat.surface.posted.map((m) => m.type);
    const removed = types.indexOf('messageRemoved');
    assert.ok(removed > 0, 'the failed answer with the card is removed from the view');
    const ready = chat.surface.posted.findIndex((m) => m.type === 'connection' && m.connection.state === 'ready');
    assert.ok(ready >= 0 && ready < removed, 'the header says signed in before the answer starts');
    chat.binding.dispose();
  });

  test('an API key from the card (auth "apiKey") answers the question too', async () => {
    const chat = chatView('apiKey');
    const failed = await chat.askInView('Key question');
    assert.deepEqual(failed?.problem?.actions, ['setApiKey']);
    // The header, signed out, still names the deployment that is set (not "Select deployment").
    assert.equal((await chat.connection.view()).deployment, 'gpt-4o-mini');
    chat.click('setApiKey');
    await until(() => chat.session.messages.at(-1)?.status === 'done', 'the answer');
    assert.deepEqual(
      chat.session.messages.map((m) => m.role),
      ['user', 'assistant'],
    );
    assert.equal(standIn.requests[0]?.auth, 'apiKey');
    chat.binding.dispose();
  });

  test('the fix the card names, run from the command palette instead (Set API Key), answers the question too', async () => {
    const chat = chatView('apiKey');
    const failed = await chat.askInView('Asked before the key was set');
    assert.deepEqual(failed?.problem?.actions, ['setApiKey']);
    chat.runFromPalette('setApiKey');
    await until(() => chat.session.messages.at(-1)?.status === 'done', 'the answer');
    assert.deepEqual(
      chat.session.messages.map((m) => [m.role, m.status]),
      [
        ['user', 'done'],
        ['assistant', 'done'],
      ],
      'the card is gone and the question answered',
    );
    assert.equal(standIn.requests.length, 1);
    assert.deepEqual(chat.fixes, [], 'no card button was clicked');
    chat.binding.dispose();
  });

  test('a cancelled sign-in asks nothing and keeps the card', async () => {
    const chat = chatView('auto');
    await chat.askInView('First');
    chat.cancelFixes();
    chat.click('signIn');
    await settle();
    assert.equal(standIn.requests.length, 0, 'still signed out: nothing sent');
    assert.equal(chat.session.messages.at(-1)?.problem?.title, 'Sign in to chat with Azure OpenAI.', 'the card stays');
    chat.binding.dispose();
  });

  test('without a fix from the chat, or after the user moved on, nothing is re-asked', async () => {
    const chat = chatView('auto');
    await chat.askInView('Old question');
    // Signed in some other way (another extension's Microsoft sign-in), with no fix started from
    // the chat or the palette: the user decides.
    chat.microsoft.signedIn = true;
    chat.connection.invalidate();
    await settle();
    assert.equal(standIn.requests.length, 0);

    // The user asked something new (answered); a stale card's fix then re-sends nothing.
    await chat.askInView('New question');
    chat.click('signIn');
    await settle();
    assert.equal(standIn.requests.length, 1);
    assert.match(JSON.stringify(standIn.requests[0]?.body), /New question/);
    chat.binding.dispose();
  });

  test('Show Log and Retry are not fixes of the connection', async () => {
    const chat = chatView('auto');
    await chat.askInView('Q');
    chat.click('showLog');
    chat.microsoft.signedIn = true;
    chat.connection.invalidate();
    await settle();
    assert.equal(standIn.requests.length, 0);
    assert.deepEqual(chat.fixes, ['showLog']);
    chat.binding.dispose();
  });
});
