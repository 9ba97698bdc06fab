import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { checkKeyHost, checkSubscriptionKeyHost } from '../../src/auth/hostPolicy';
import { SecretName } from '../../src/config/settingKeys';
import { AzureOpenAIStandIn } from '../standin/azureOpenAIStandIn';
import { createChatStack, MemorySecrets, StandInMicrosoftSessions } from './chatStack';

/**
 * Keys get a host policy too: an API key only over https (loopback excepted), an API Management
 * subscription key only to API Management gateways or hosts the user trusts.
 */
const apiKey = 'key-policy-key-0123456789abcdef0123';
const subscriptionKey = 'key-policy-subscription-0123456789ab';
let standIn: AzureOpenAIStandIn;

before(async () => {
  standIn = await AzureOpenAIStandIn.start({ apiKey });
});
after(() => standIn.close());
beforeEach(() => standIn.reset());

function secrets(withSubscriptionKey = true): MemorySecrets {
  const stored = new MemorySecrets();
  stored.values.set(SecretName.apiKey, apiKey);
  if (withSubscriptionKey) {
    stored.values.set(SecretName.apimSubscriptionKey, subscriptionKey);
  }
  return stored;
}

describe('the host policy for keys', () => {
  test('an API key is not sent over plain http to a remote host; the chat says why', async () => {
    const chat = createChatStack({ settings: { endpoint: 'http://aoai.example.test', deployment: 'gpt-4o-mini', auth: 'apiKey' }, secrets: secrets() });
    const view = await chat.connection.view();
    assert.equal(view.state, 'misconfigured');
    assert.match(view.problem?.title ?? '', /API key is only sent over https, and aoai\.example\.test uses http/);
    assert.ok(view.problem?.actions.includes('openSettings'));
  });

  test('the rule itself: https anywhere, http only on loopback', () => {
    assert.deepEqual(checkKeyHost('https://my.custom-domain.example'), { allowed: true });
    assert.deepEqual(checkKeyHost('http://127.0.0.1:1234'), { allowed: true });
    assert.deepEqual(checkKeyHost('http://localhost:1234'), { allowed: true });
    assert.deepEqual(checkKeyHost('http://contoso.openai.azure.com'), { allowed: false, host: 'contoso.openai.azure.com', reason: 'notHttps' });
  });

  test('the subscription key goes only to API Management gateways or trusted hosts, over https', () => {
    assert.deepEqual(checkSubscriptionKeyHost('https://gw.azure-api.net/aoai', []), { allowed: true });
    assert.deepEqual(checkSubscriptionKeyHost('https://apim.contoso.com', ['apim.contoso.com']), { allowed: true });
    assert.equal(checkSubscriptionKeyHost('https://contoso.openai.azure.com', []).allowed, false);
    assert.equal(checkSubscriptionKeyHost('https://attacker.example', []).allowed, false);
    assert.equal(checkSubscriptionKeyHost('http://gw.azure-api.net', []).allowed, false);
    assert.equal(checkSubscriptionKeyHost('https://azure-api.net', []).allowed, false);
  });

  test('a stored subscription key is not sent to a host that is not a gateway, and the log says so', async () => {
    const chat = createChatStack({ settings: { endpoint: standIn.endpoint, deployment: 'gpt-4o-mini', auth: 'apiKey' }, secrets: secrets() });
    const answer = await chat.ask('hello');
    assert.equal(answer?.status, 'done');
    assert.equal(standIn.requests.length, 1);
    assert.equal(standIn.requests[0]?.headers['ocp-apim-subscription-key'], undefined, 'the subscription key went to a non-gateway host');
    assert.ok(chat.log.lines.some((line) => /subscription key is not sent to 127\.0\.0\.1/.test(line)), chat.log.lines.join('\n'));
    assert.doesNotMatch((await chat.connection.view()).label, /API Management key/);
  });

  test('a trusted host gets the subscription key', async () => {
    const chat = createChatStack({
      settings: { endpoint: standIn.endpoint, deployment: 'gpt-4o-mini', auth: 'apiKey', trustedHosts: ['127.0.0.1'] },
      secrets: secrets(),
    });
    await chat.ask('hello');
    assert.equal(standIn.requests[0]?.headers['ocp-apim-subscription-key'], subscriptionKey);
  });

  test('in auto, when the token policy refuses the host, the header says the key is used instead of the sign-in', async () => {
    const chat = createChatStack({
      settings: { endpoint: standIn.endpoint, deployment: 'gpt-4o-mini', auth: 'auto' },
      secrets: secrets(false),
      microsoft: new StandInMicrosoftSessions(true),
    });
    const view = await chat.connection.view();
    assert.equal(view.state, 'ready');
    assert.match(view.label, /API key/);
    assert.match(view.label, /Microsoft sign-in is not sent to 127\.0\.0\.1/);
    assert.equal(chat.microsoft.requestedScopes.length, 0);
    assert.ok(chat.log.lines.some((line) => /not sent to 127\.0\.0\.1.*trustedHosts/.test(line)), chat.log.lines.join('\n'));
  });

  test('a gateway on a host that may not get the key says so, instead of asking for a key the user already set', async () => {
    const gateway = await AzureOpenAIStandIn.start({ apiKey, apim: { subscriptionKey } });
    try {
      const chat = createChatStack({ settings: { endpoint: gateway.endpoint, deployment: 'gpt-4o-mini', auth: 'apiKey' }, secrets: secrets(), maxRetries: 0 });
      const answer = await chat.ask('hello');
      assert.equal(gateway.requests[0]?.headers['ocp-apim-subscription-key'], undefined);
      assert.match(answer?.problem?.title ?? '', /subscription key, which is not sent there/);
      assert.match(answer?.problem?.detail ?? '', /azureOpenAIChat\.trustedHosts/);
    } finally {
      await gateway.close();
    }
  });
});
