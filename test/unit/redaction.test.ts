import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { MicrosoftSessionProvider } from '../../src/auth/credentialResolver';
import { SecretName } from '../../src/config/settingKeys';
import { AzureOpenAIStandIn } from '../standin/azureOpenAIStandIn';
import { EchoingServer } from '../standin/echoingServer';
import { createChatStack, MemorySecrets, StandInMicrosoftSessions } from './chatStack';

/**
 * Redaction knows the live secrets: a server that echoes the key, the subscription key or the
 * token bare (no header name, no "Bearer") must not get them into a log line or a problem.
 */
const apiKey = 'k3y0123456789abcdefABCDEF0123456789';
const subscriptionKey = 's7b0123456789abcdefABCDEF01234567';
// Not a JWT: the pattern for tokens cannot catch it, only knowing the value can.
const opaqueToken = 'EwBwA8l6BAAUopaque0123456789abcdefTOKEN';

class OpaqueTokenSessions implements MicrosoftSessionProvider {
  async getSessionSilently() {
    return { accessToken: opaqueToken, account: 'ada@contoso.test' };
  }
}

let echoing: EchoingServer;
before(async () => {
  echoing = await EchoingServer.start();
});
after(() => echoing.close());

describe('redaction of live secrets', () => {
  for (const auth of ['apiKey', 'entra'] as const) {
    test(`${auth === 'apiKey' ? 'the key and subscription key' : 'the token and subscription key'}, echoed bare by the server, reach no log line or problem`, async () => {
      const secrets = new MemorySecrets();
      secrets.values.set(SecretName.apiKey, apiKey);
      secrets.values.set(SecretName.apimSubscriptionKey, subscriptionKey);
      const chat = createChatStack({
        settings: { endpoint: echoing.endpoint, deployment: 'gpt-4o-mini', auth, trustedHosts: ['127.0.0.1'] },
        secrets,
        microsoft: new OpaqueTokenSessions() as unknown as StandInMicrosoftSessions,
        maxRetries: 0,
      });
      const answer = await chat.ask('hi');
      assert.equal(answer?.status, 'error');
      const seen = JSON.stringify({ log: chat.log.lines, problem: answer?.problem, messages: chat.session.messages });
      // The server did echo them: the test would prove nothing otherwise.
      assert.match(seen, /upstream refused/);
      for (const secret of [apiKey, subscriptionKey, opaqueToken]) {
        assert.ok(!seen.includes(secret), `${secret.slice(0, 6)}… leaked: ${seen}`);
      }
    });
  }
});

describe('OPENAI_* environment variables change nothing that is sent or logged', () => {
  const key = 'env-test-key-0123456789abcdef012345';
  let standIn: AzureOpenAIStandIn;
  let elsewhere: AzureOpenAIStandIn;
  const saved: Record<string, string | undefined> = {};
  const variables = (elsewhereUrl: string): Record<string, string> => ({
    OPENAI_LOG: 'debug',
    OPENAI_ORG_ID: 'org-from-environment',
    OPENAI_PROJECT: 'proj-from-environment',
    OPENAI_PROJECT_ID: 'proj-from-environment',
    OPENAI_BASE_URL: `${elsewhereUrl}/openai`,
    OPENAI_API_KEY: 'sk-from-environment',
    OPENAI_ADMIN_KEY: 'admin-from-environment',
    AZURE_OPENAI_API_KEY: 'azure-key-from-environment',
    AZURE_OPENAI_ENDPOINT: elsewhereUrl,
    OPENAI_CUSTOM_HEADERS: 'X-From-Environment: yes\napi-key: key-from-environment\nAuthorization: Bearer from-environment',
  });

  before(async () => {
    standIn = await AzureOpenAIStandIn.start({ apiKey: key });
    elsewhere = await AzureOpenAIStandIn.start({ acceptAnyApiKey: true });
  });
  after(async () => {
    await standIn.close();
    await elsewhere.close();
  });
  beforeEach(() => {
    standIn.reset();
    elsewhere.reset();
  });

  for (const auth of ['apiKey', 'entra'] as const) {
    test(`with ${auth === 'apiKey' ? 'an API key' : 'a token'}, the request and the console are what they are without them`, async () => {
      const env = variables(elsewhere.endpoint);
      for (const name of Object.keys(env)) {
        saved[name] = process.env[name];
        process.env[name] = env[name];
      }
      const consoleLines: string[] = [];
      const originals = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
      for (const level of Object.keys(originals) as Array<keyof typeof originals>) {
        console[level] = (...args: unknown[]) => void consoleLines.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
      }
      try {
        const secrets = new MemorySecrets();
        secrets.values.set(SecretName.apiKey, key);
        const microsoft = new StandInMicrosoftSessions(true);
        const chat = createChatStack({
          settings: { endpoint: standIn.endpoint, deployment: 'gpt-4o-mini', auth, trustedHosts: ['127.0.0.1'] },
          secrets,
          microsoft,
        });
        const answer = await chat.ask('hello');
        assert.equal(answer?.status, 'done', JSON.stringify(answer?.problem));
      } finally {
        Object.assign(console, originals);
        for (const name of Object.keys(env)) {
          if (saved[name] === undefined) {
            delete process.env[name];
          } else {
            process.env[name] = saved[name];
          }
        }
      }
      assert.equal(elsewhere.requests.length, 0, 'OPENAI_BASE_URL / AZURE_OPENAI_ENDPOINT redirected the request');
      assert.equal(standIn.requests.length, 1);
      const headers = standIn.requests[0]?.headers ?? {};
      assert.equal(standIn.requests[0]?.auth, auth === 'apiKey' ? 'apiKey' : 'bearer');
      if (auth === 'apiKey') {
        // The v1 API takes the key as the OpenAI client sends it (Azure documents both headers).
        assert.equal(headers.authorization, `Bearer ${key}`);
        assert.equal(headers['api-key'], undefined);
      } else {
        assert.equal(headers['api-key'], undefined);
        assert.doesNotMatch(headers.authorization ?? '', /from-environment/);
      }
      for (const name of ['openai-organization', 'openai-project', 'x-from-environment']) {
        assert.equal(headers[name], undefined, `${name} was sent`);
      }
      assert.ok(!JSON.stringify(headers).includes('from-environment'), JSON.stringify(headers));
      assert.deepEqual(consoleLines, [], 'the SDK logged to the console');
    });
  }
});
