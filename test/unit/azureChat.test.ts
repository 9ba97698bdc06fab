import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { SecretName } from '../../src/config/settingKeys';
import { AzureOpenAIStandIn } from '../standin/azureOpenAIStandIn';
import { makeStandInJwt } from '../standin/tokens';
import { createChatStack, MemorySecrets, StandInMicrosoftSessions } from './chatStack';

const apiKey = 'standin-key-0123456789abcdef0123456789';
let standIn: AzureOpenAIStandIn;

const wires = [
  { api: 'chat completions', deployment: 'gpt-4o-mini' },
  { api: 'Responses', deployment: 'gpt-5-codex' },
] as const;
/** The deployment of the wire under test; tests of one API only name theirs. */
let deployment: string = wires[0].deployment;

function settings(overrides: Record<string, unknown> = {}) {
  return {
    endpoint: standIn.endpoint,
    deployment,
    trustedHosts: ['127.0.0.1'],
    systemPrompt: 'You are a terse assistant.',
    ...overrides,
  };
}

function keyStack(overrides: Record<string, unknown> = {}, maxRetries = 2) {
  const secrets = new MemorySecrets();
  secrets.values.set(SecretName.apiKey, apiKey);
  return createChatStack({ settings: settings({ auth: 'apiKey', ...overrides }), secrets, maxRetries });
}

function entraStack(overrides: Record<string, unknown> = {}) {
  return createChatStack({ settings: settings({ auth: 'entra', ...overrides }), microsoft: new StandInMicrosoftSessions(true) });
}

before(async () => {
  standIn = await AzureOpenAIStandIn.start({ apiKey, deployments: ['gpt-4o-mini', { name: 'gpt-5-codex', model: 'gpt-5-codex-2025-09-15' }] });
});
after(async () => {
  await standIn.close();
});
beforeEach(() => standIn.reset());

// Every fault behaves the same on both wire APIs: the same tests run on a chat completions
// deployment and on a Responses-only one.
for (const wire of wires) {
  describe(`streaming chat against the Azure OpenAI stand-in (${wire.api})`, () => {
    before(() => {
      deployment = wire.deployment;
    });
    test('every chunk arrives in order and the answer is assembled exactly', async () => {
      const chunks = ['Azure ', 'OpenAI ', 'streams ', '**markdown**', ' in ', 'pieces.'];
      standIn.enqueue({ chunks });
      const stack = keyStack();
      const deltas: string[] = [];
      stack.session.onDidChange((event) => event.type === 'delta' && deltas.push(event.text));
      const answer = await stack.ask('Say something');
      assert.deepEqual(deltas, chunks);
      assert.equal(answer?.text, chunks.join(''));
      assert.equal(answer?.status, 'done');
    });

    test('the system prompt and the whole conversation are sent, to the real Azure path and api-version', { skip: wire.api !== 'chat completions' && 'chat completions paths only' }, async () => {
      const stack = keyStack({ apiVersion: '2024-10-21' });
      await stack.ask('First question');
      await stack.ask('Second question');
      const [, second] = standIn.requests;
      assert.equal(second?.path, '/openai/deployments/gpt-4o-mini/chat/completions');
      assert.equal(second?.query['api-version'], '2024-10-21');
      const body = second?.body as { messages: Array<{ role: string; content: string }>; stream: boolean };
      assert.equal(body.stream, true);
      assert.deepEqual(
        body.messages.map((m) => m.role),
        ['system', 'user', 'assistant', 'user'],
      );
      assert.equal(body.messages[0]?.content, 'You are a terse assistant.');
      assert.equal(body.messages[1]?.content, 'First question');
      assert.equal(body.messages[2]?.content, stack.session.messages[1]?.text);
    });

    test('an API key goes as Azure documents it (Bearer on v1, api-key on a dated version) and nowhere in the log', { skip: wire.api !== 'chat completions' && 'chat completions paths only' }, async () => {
      const stack = keyStack();
      await stack.ask('hello');
      assert.equal(standIn.requests[0]?.path, '/openai/v1/chat/completions');
      assert.equal(standIn.requests[0]?.headers.authorization, `Bearer ${apiKey}`);
      assert.equal(standIn.requests[0]?.auth, 'apiKey');
      const dated = keyStack({ apiVersion: '2024-10-21' });
      await dated.ask('hello');
      assert.equal(standIn.requests[1]?.headers['api-key'], apiKey);
      assert.equal(standIn.requests[1]?.headers.authorization, undefined);
      for (const log of [stack.log, dated.log]) {
        assert.ok(log.lines.some((line) => /POST gpt-4o-mini 200 finished/.test(line)));
        assert.ok(log.lines.every((line) => !line.includes(apiKey)));
      }
    });

    test('a VS Code session token is sent as a Bearer token for the Cognitive Services audience', async () => {
      const stack = entraStack();
      const answer = await stack.ask('hello');
      assert.equal(answer?.status, 'done');
      assert.equal(standIn.requests[0]?.auth, 'bearer');
      assert.equal(standIn.requests[0]?.token?.aud, 'https://cognitiveservices.azure.com');
      assert.equal(standIn.requests[0]?.headers['api-key'], undefined);
      assert.equal((await stack.connection.view()).label, 'Signed in as ada@contoso.test via VS Code');
    });

    test('Stop closes the HTTP request on the server side and keeps the partial answer', async () => {
      standIn.enqueue({ chunks: Array.from({ length: 200 }, (_, i) => `w${i} `), delayMs: 20 });
      const stack = keyStack();
      stack.session.send('long answer please');
      await new Promise<void>((resolve) => {
        const listener = stack.session.onDidChange((event) => {
          if (event.type === 'delta' && (stack.session.messages.at(-1)?.text.length ?? 0) > 20) {
            listener.dispose();
            resolve();
          }
        });
      });
      await stack.session.stop();
      const request = standIn.requests[0];
      await request?.completed;
      assert.equal(request?.closedEarly, true);
      const answer = stack.session.messages.at(-1);
      assert.equal(answer?.status, 'stopped');
      assert.match(answer?.text ?? '', /^w0 w1 /);
    });

    test('a stream that stalls is abandoned after the stall timeout, keeping what arrived', async () => {
      standIn.enqueue({ chunks: ['partial ', 'answer ', 'never ends'], stallAfterChunks: 2 });
      // 5 s is the smallest stall timeout the setting allows (validation clamps below it).
      const stack = keyStack({ stallTimeoutSeconds: 5 });
      const answer = await stack.ask('stall');
      assert.equal(answer?.status, 'error');
      assert.equal(answer?.text, 'partial answer ');
      assert.match(answer?.problem?.title ?? '', /stopped arriving/);
      assert.deepEqual(answer?.problem?.actions, ['retry']);
      await standIn.requests[0]?.completed;
      assert.equal(standIn.requests[0]?.closedEarly, true);
    });

    test('a stream that ends without [DONE] or a finish reason is reported as cut off', async () => {
      standIn.enqueue({ chunks: ['half ', 'of it'], omitDone: true });
      const answer = await keyStack().ask('cut');
      assert.equal(answer?.text, 'half of it');
      assert.match(answer?.problem?.title ?? '', /cut off/);
    });

    test('a connection dropped mid-stream keeps the partial answer and offers Retry', async () => {
      standIn.enqueue({ chunks: ['one ', 'two ', 'three'], dropAfterChunks: 2 });
      const stack = keyStack();
      const answer = await stack.ask('drop');
      assert.equal(answer?.text, 'one two ');
      assert.equal(answer?.status, 'error');
      assert.match(answer?.problem?.title ?? '', /connection closed in the middle of the answer/);
      assert.ok(answer?.problem?.actions.includes('retry'));
      standIn.enqueue({ chunks: ['fine now'] });
      assert.ok(answer && stack.session.retry(answer.id));
      await stack.session.whenIdle();
      assert.deepEqual(stack.session.messages.map((m) => m.text), ['drop', 'one two ', 'fine now']);
    });

    test('finish_reason content_filter mid-answer keeps the text and says why it stopped', async () => {
      standIn.enqueue({ chunks: ['Safe ', 'start ', 'then'], contentFilterAfterChunks: 2 });
      const answer = await keyStack().ask('filter me later');
      assert.equal(answer?.text, 'Safe start ');
      assert.match(answer?.problem?.title ?? '', /content filter withheld/);
    });
  });

  describe(`Azure errors, explained (${wire.api})`, () => {
    before(() => {
      deployment = wire.deployment;
    });
    test('429 with retry-after is retried by the SDK after the wait, then succeeds', async () => {
      standIn.enqueue({ rateLimit: { retryAfterSeconds: 1 } }, { chunks: ['after the wait'] });
      const started = Date.now();
      const stack = keyStack();
      const waits: unknown[] = [];
      stack.session.onDidChange((event) => event.type === 'waiting' && waits.push({ seconds: event.seconds, reason: event.reason }));
      const answer = await stack.ask('busy service');
      assert.equal(answer?.text, 'after the wait');
      assert.equal(standIn.requests.length, 2);
      assert.ok(Date.now() - started >= 900, 'waited for retry-after');
      assert.deepEqual(waits, [{ seconds: 1, reason: 'rateLimited' }], 'the answer says it waits, and why');
    });

    test('429 asking for a long wait is not slept through: the user is told how long, and the question stays', async () => {
      standIn.enqueue({ rateLimit: { retryAfterSeconds: 86_400, retryAfterMs: null } });
      const stack = keyStack();
      const started = Date.now();
      const answer = await stack.ask('still busy');
      assert.ok(Date.now() - started < 2000);
      assert.equal(standIn.requests.length, 1);
      assert.match(answer?.problem?.title ?? '', /rate-limiting/);
      assert.match(answer?.problem?.detail ?? '', /wait 86400 seconds/);
      assert.equal(stack.session.messages[0]?.text, 'still busy');
      assert.deepEqual(answer?.problem?.actions, ['retry']);
    });

    test('Stop during a retry wait ends at once, keeping the question', async () => {
      standIn.enqueue({ rateLimit: { retryAfterSeconds: 10 } });
      const stack = keyStack();
      stack.session.send('waiting on a 429');
      await standIn.waitForRequests(1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      await stack.session.stop();
      assert.ok(Date.now() - started < 500, 'Stop did not wait for retry-after');
      assert.equal(stack.session.messages.at(-1)?.status, 'stopped');
      assert.equal(standIn.requests.length, 1);
    });

    test('400 content_filter on the prompt is not retried and names the category', async () => {
      standIn.enqueue({ promptContentFilter: true });
      const answer = await keyStack().ask('a prompt the filter blocks');
      assert.equal(standIn.requests.length, 1);
      assert.match(answer?.problem?.title ?? '', /content filter blocked this question/);
      assert.match(answer?.problem?.detail ?? '', /Flagged: \w+/);
    });

    test('404 DeploymentNotFound names the deployment and offers Open Settings', async () => {
      const answer = await keyStack({ deployment: 'gpt-5-typo' }).ask('hi');
      assert.match(answer?.problem?.title ?? '', /no deployment named "gpt-5-typo"/);
      assert.deepEqual(answer?.problem?.actions, ['openSettings', 'retry']);
    });

    test('401 for a wrong API key offers to set the key', async () => {
      const secrets = new MemorySecrets();
      secrets.values.set(SecretName.apiKey, 'wrong-key-wrong-key-wrong-key');
      const stack = createChatStack({ settings: settings({ auth: 'apiKey' }), secrets });
      const answer = await stack.ask('hi');
      assert.match(answer?.problem?.title ?? '', /rejected the API key/);
      assert.ok(answer?.problem?.actions.includes('setApiKey'));
      assert.ok(!JSON.stringify(answer).includes('wrong-key-wrong-key'));
    });

    test('an expired token is refreshed once and the request retried once', async () => {
      const microsoft = new StandInMicrosoftSessions(true, 'ada@contoso.test', -60);
      const stack = createChatStack({ settings: settings({ auth: 'entra' }), microsoft });
      // Sign-in state is checked first, then the request uses an expired token and gets a 401;
      // the retry must ask again (VS Code has refreshed the session by then) and succeed.
      const original = microsoft.getSessionSilently.bind(microsoft);
      let calls = 0;
      microsoft.getSessionSilently = async (scopes) => {
        calls++;
        const session = await original(scopes);
        if (calls >= 3) {
          microsoft.expire();
          return { accessToken: makeStandInJwt({ aud: 'https://cognitiveservices.azure.com', expiresInSeconds: 3600, upn: 'ada@contoso.test' }), account: 'ada@contoso.test' };
        }
        return session;
      };
      const answer = await stack.ask('hello again');
      assert.equal(answer?.status, 'done');
      assert.deepEqual(standIn.requests.map((r) => r.status), [401, 200]);
    });

    test('a token for the wrong audience fails after one retry with a message about the scope', async () => {
      const answer = await entraStack({ tokenScope: 'api://11111111-2222-3333-4444-555555555555/.default' }).ask('hi');
      assert.equal(standIn.requests.length, 2);
      assert.match(answer?.problem?.title ?? '', /rejected your Microsoft sign-in token/);
      assert.match(answer?.problem?.detail ?? '', /api:\/\/11111111-2222-3333-4444-555555555555\/\.default/);
    });

    test('an unreachable endpoint says so and keeps the question', async () => {
      const port = await new Promise<number>((resolve) => {
        const server = createServer().listen(0, '127.0.0.1', () => {
          const address = server.address();
          server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
        });
      });
      const stack = keyStack({ endpoint: `http://127.0.0.1:${port}` }, 0);
      const answer = await stack.ask('anyone there?');
      assert.match(answer?.problem?.title ?? '', /Could not reach 127\.0\.0\.1/);
      assert.equal(stack.session.messages[0]?.text, 'anyone there?');
    });
  });
}

describe('API Management gateway', () => {
  let gateway: AzureOpenAIStandIn;
  const subscriptionKey = 'apim-subscription-key-0123456789abcdef';
  const gatewayAudience = 'api://6a1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

  before(async () => {
    gateway = await AzureOpenAIStandIn.start({ apim: { subscriptionKey, validateJwt: { audience: gatewayAudience, requiredRole: 'Chat.Use' } } });
  });
  after(() => gateway.close());

  function gatewayStack(withKey: boolean, scope = `${gatewayAudience}/.default`) {
    const secrets = new MemorySecrets();
    if (withKey) {
      secrets.values.set(SecretName.apimSubscriptionKey, subscriptionKey);
    }
    return createChatStack({
      settings: { endpoint: gateway.endpoint, deployment: 'gpt-4o-mini', trustedHosts: ['127.0.0.1'], auth: 'entra', tokenScope: scope },
      microsoft: new StandInMicrosoftSessions(true),
      secrets,
    });
  }

  test('a missing subscription key is explained with a button to set it', async () => {
    const answer = await gatewayStack(false).ask('hi');
    assert.match(answer?.problem?.title ?? '', /needs a subscription key/);
    assert.match(answer?.problem?.detail ?? '', /The gateway said: "Access denied due to missing subscription key/);
    assert.ok(answer?.problem?.actions.includes('setSubscriptionKey'));
  });

  test('validate-jwt 401 for the wrong audience points at azureOpenAIChat.tokenScope', async () => {
    const answer = await gatewayStack(true, 'https://cognitiveservices.azure.com/.default').ask('hi');
    assert.equal(gateway.requests.at(-1)?.headers['ocp-apim-subscription-key'], subscriptionKey);
    assert.match(answer?.problem?.title ?? '', /gateway .* rejected your sign-in token/);
    assert.match(answer?.problem?.detail ?? '', /azureOpenAIChat\.tokenScope/);
  });

  test('validate-jwt 403 for a missing role says what the policy requires', async () => {
    const answer = await gatewayStack(true).ask('hi');
    assert.match(answer?.problem?.title ?? '', /refused the request/);
    assert.match(answer?.problem?.detail ?? '', /lacks a role or claim/);
  });
});
