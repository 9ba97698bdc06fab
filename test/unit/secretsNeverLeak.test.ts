import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConversationJournal } from '../../src/chat/conversationJournal';
import { SecretName } from '../../src/config/settingKeys';
import { AzureOpenAIStandIn, type Scenario } from '../standin/azureOpenAIStandIn';
import { createChatStack, MemorySecrets, StandInMicrosoftSessions } from './chatStack';
import { FakeSurface } from './fakeSurface';
import { bindChat } from '../support/chatBinding';

/**
 * Canary credentials go through every failure the service can produce; afterwards they must
 * appear nowhere a user or another program could read: the log, the webview's messages, the
 * problems shown, the conversation file.
 */
const canaryKey = 'CANARY-API-KEY-7f3a9c1e5b2d4f6a8c0e';
const canarySubscriptionKey = 'CANARY-APIM-KEY-1a2b3c4d5e6f7a8b9c0d';

const failures: Scenario[] = [
  {},
  { rateLimit: { retryAfterSeconds: 3600 } },
  { promptContentFilter: true },
  { error: { status: 500, body: { error: { code: 'InternalServerError', message: `echo: api-key: ${canaryKey}` } } } },
  { error: { status: 400, body: `Bad request from Bearer ${'x'.repeat(12)}` } },
  { dropAfterChunks: 1, chunks: ['a', 'b'] },
  { omitDone: true, chunks: ['a'] },
  { contentFilterAfterChunks: 1, chunks: ['a', 'b'] },
];


let standIn: AzureOpenAIStandIn;
before(async () => {
  standIn = await AzureOpenAIStandIn.start({ apiKey: canaryKey, apim: { subscriptionKey: canarySubscriptionKey } });
});
after(() => standIn.close());

describe('credentials never leak', () => {
  for (const mode of ['apiKey', 'entra'] as const) {
    test(`a canary ${mode === 'apiKey' ? 'API key' : 'token'} appears in no log line, webview message, problem or saved file`, async () => {
      const folder = await mkdtemp(join(tmpdir(), 'canary-'));
      const secrets = new MemorySecrets();
      secrets.values.set(SecretName.apiKey, canaryKey);
      secrets.values.set(SecretName.apimSubscriptionKey, canarySubscriptionKey);
      const microsoft = new StandInMicrosoftSessions(true);
      const stack = createChatStack({
        settings: { endpoint: standIn.endpoint, deployment: 'gpt-4o-mini', auth: mode, trustedHosts: ['127.0.0.1'], stallTimeoutSeconds: 1 },
        secrets,
        microsoft,
        maxRetries: 0,
      });
      const { journal } = await ConversationJournal.open(join(folder, 'conversation.jsonl'), stack.log);
      stack.session.onDidChange((event) => journal.record(event));
      const surface = new FakeSurface();
      bindChat(surface, stack.session, {
        connection: () => stack.connection.view(),
        onDidChangeConnection: (listener) => stack.connection.onDidChange(listener),
        log: stack.log,
      });
      surface.fromWebview({ type: 'ready' });

      for (const scenario of failures) {
        standIn.enqueue(scenario);
        await stack.ask('canary run');
      }
      // A wrong deployment and the gateway's own rejections too.
      stack.updateSettings({ endpoint: standIn.endpoint, deployment: 'missing', auth: mode, trustedHosts: ['127.0.0.1'] });
      await stack.ask('canary 404');
      await journal.close();

      const token = mode === 'entra' ? (await microsoft.getSessionSilently(['https://cognitiveservices.azure.com/.default']))?.accessToken : undefined;
      const canaries = [canaryKey, canarySubscriptionKey, ...(token ? [token, token.split('.')[2] ?? ''] : [])];
      const files = await Promise.all((await readdir(folder)).map((name) => readFile(join(folder, name), 'utf8')));
      const everything = [...stack.log.lines, ...surface.posted.map((m) => JSON.stringify(m)), ...stack.session.messages.map((m) => JSON.stringify(m)), ...files].join('\n');

      assert.ok(standIn.requests.length >= failures.length, 'the requests were really made');
      assert.ok(stack.log.lines.length >= failures.length, 'the log was really written');
      for (const canary of canaries) {
        assert.ok(!everything.includes(canary), `canary ${canary.slice(0, 12)}… leaked`);
      }
    });
  }
});
