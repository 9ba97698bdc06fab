import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { apiKeySecretName } from '../../src/config/apiKeys';
import { SecretName } from '../../src/config/settingKeys';
import { ChatSession } from '../../src/chat/chatSession';
import { AzureOpenAIStandIn, type RecordedRequest } from '../standin/azureOpenAIStandIn';
import { ManagedIdentityStandIn } from '../standin/managedIdentityStandIn';
import { applyToProcessEnv, isolatedAzureEnvironment } from '../standin/testEnvironment';
import { createChatStack, MemorySecrets, StandInMicrosoftSessions } from './chatStack';

/**
 * An API key opens one resource, so it is stored for that resource's origin and sent nowhere
 * else. These are the journeys that sent it elsewhere from outside: a key stored for one
 * resource and no Microsoft session, then a question to a gateway on another origin (the key
 * went there as the bearer token); and a key used on the user's resource, then the endpoint
 * changed to a host not trusted for Microsoft sign-in (the key went there too).
 */
const resourceKey = 'contoso-resource-key-0123456789abcdef';
const subscriptionKey = 'gateway-subscription-key-0123456789';
let resource: AzureOpenAIStandIn;
let gateway: AzureOpenAIStandIn;
let other: AzureOpenAIStandIn;
let managedIdentity: ManagedIdentityStandIn;
let restoreEnv: (() => void) | undefined;

before(async () => {
  resource = await AzureOpenAIStandIn.start({ apiKey: resourceKey });
  gateway = await AzureOpenAIStandIn.start({ acceptAnyApiKey: true, apim: { subscriptionKey } });
  other = await AzureOpenAIStandIn.start({ acceptAnyApiKey: true });
  managedIdentity = await ManagedIdentityStandIn.start({ mode: 'unavailable' });
});
after(async () => {
  await Promise.all([resource.close(), gateway.close(), other.close(), managedIdentity.close()]);
});
beforeEach(() => {
  resource.reset();
  gateway.reset();
  other.reset();
  // No Microsoft session, no managed identity, az logged out: only a stored key could answer.
  restoreEnv = applyToProcessEnv(isolatedAzureEnvironment({ managedIdentityHost: managedIdentity.endpoint, azMode: 'loggedOut' }));
});
afterEach(() => restoreEnv?.());

function carriedKey(requests: readonly RecordedRequest[]): boolean {
  return requests.some((request) => JSON.stringify(request.headers).includes(resourceKey));
}

describe('API keys belong to their resource', () => {
  test('a conversation pointed at a gateway on another origin never sends the resource\'s key there, and offers sign-in', async () => {
    const secrets = new MemorySecrets();
    secrets.setApiKey(resource.endpoint, resourceKey);
    secrets.values.set(SecretName.apimSubscriptionKey, subscriptionKey);
    const chat = createChatStack({
      settings: { endpoint: resource.endpoint, deployment: 'gpt-4o-mini', trustedHosts: ['127.0.0.1'] },
      secrets,
      microsoft: new StandInMicrosoftSessions(false),
    });
    assert.equal((await chat.ask('on my resource'))?.status, 'done', 'the key works on its own resource');
    assert.ok(carriedKey(resource.requests));

    // The header picker (or Select Deployment, or a custom cloud's answer) points this conversation at the gateway.
    const conversation = new ChatSession(chat.source);
    conversation.setDeployment({ endpoint: gateway.endpoint, deployment: 'gpt-4o-mini' });
    conversation.send('through the gateway');
    await conversation.whenIdle();
    const answer = conversation.messages.at(-1);
    assert.equal(answer?.status, 'error');
    assert.equal(carriedKey(gateway.requests), false, 'the resource key reached the gateway');
    assert.equal(gateway.requests.length, 0, 'nothing is sent without a credential for the gateway');
    assert.ok(answer?.problem?.actions.includes('signIn'), `the gateway needs a Microsoft sign-in: ${JSON.stringify(answer?.problem)}`);
    assert.ok(answer?.problem?.actions.includes('setApiKey'));
    assert.doesNotMatch(`${answer?.problem?.title} ${answer?.problem?.detail}`, /role/i, 'not explained as a missing role');
  });

  test('signed out, the endpoint changed to a host not trusted for Microsoft sign-in: the next question carries no key there', async () => {
    const secrets = new MemorySecrets();
    secrets.setApiKey(resource.endpoint, resourceKey);
    const chat = createChatStack({
      settings: { endpoint: resource.endpoint, deployment: 'gpt-4o-mini' },
      secrets,
      microsoft: new StandInMicrosoftSessions(false),
    });
    assert.equal((await chat.ask('on my resource'))?.status, 'done');

    chat.updateSettings({ endpoint: other.endpoint, deployment: 'gpt-4o-mini' });
    const answer = await chat.ask('after changing the endpoint');
    assert.equal(answer?.status, 'error');
    assert.equal(other.requests.length, 0, 'a request went to the new endpoint without a credential of its own');
    assert.equal(carriedKey(other.requests), false);
    assert.ok(answer?.problem?.actions.includes('setApiKey'), JSON.stringify(answer?.problem));
  });

  test('with a key of its own, each resource gets exactly its own key', async () => {
    const secrets = new MemorySecrets();
    secrets.setApiKey(resource.endpoint, resourceKey);
    secrets.setApiKey(other.endpoint, 'other-resource-key-0123456789abcdef');
    const chat = createChatStack({ settings: { endpoint: resource.endpoint, deployment: 'gpt-4o-mini', auth: 'apiKey' }, secrets });
    const conversation = new ChatSession(chat.source);
    conversation.setDeployment({ endpoint: other.endpoint, deployment: 'gpt-4o-mini' });
    conversation.send('to the other resource');
    chat.session.send('to mine');
    await Promise.all([conversation.whenIdle(), chat.session.whenIdle()]);
    assert.equal(conversation.messages.at(-1)?.status, 'done');
    assert.equal(chat.session.messages.at(-1)?.status, 'done');
    assert.deepEqual(
      other.requests.map((request) => request.headers.authorization ?? request.headers['api-key']),
      ['Bearer other-resource-key-0123456789abcdef'],
    );
    assert.equal(carriedKey(other.requests), false);
  });

  test('in apiKey mode a target without its own key asks for one, naming its host', async () => {
    const secrets = new MemorySecrets();
    secrets.setApiKey(resource.endpoint, resourceKey);
    const chat = createChatStack({ settings: { endpoint: resource.endpoint, deployment: 'gpt-4o-mini', auth: 'apiKey' }, secrets });
    const view = await chat.connection.view({ endpoint: 'https://team-gateway.example.net', deployment: 'gpt-4o' });
    assert.equal(view.state, 'signedOut');
    assert.match(view.problem?.title ?? '', /No API key is stored for team-gateway\.example\.net/);
    assert.deepEqual(view.problem?.actions, ['setApiKey']);
  });
});

describe('the single key of earlier versions', () => {
  test('moves to the endpoint configured when it was used, and goes nowhere else', async () => {
    const secrets = new MemorySecrets();
    secrets.values.set(SecretName.apiKey, resourceKey);
    const chat = createChatStack({ settings: { endpoint: `${resource.endpoint}/`, deployment: 'gpt-4o-mini', auth: 'apiKey' }, secrets });
    assert.equal((await chat.ask('after the upgrade'))?.status, 'done');
    assert.equal(secrets.values.get(SecretName.apiKey), undefined, 'the old entry is gone');
    assert.equal(secrets.values.get(apiKeySecretName(resource.endpoint) as string), resourceKey);

    chat.updateSettings({ endpoint: other.endpoint, deployment: 'gpt-4o-mini', auth: 'apiKey' });
    assert.equal((await chat.ask('elsewhere'))?.status, 'error');
    assert.equal(other.requests.length, 0);
  });

  test('without an endpoint it waits, used nowhere, until one is set', async () => {
    const secrets = new MemorySecrets();
    secrets.values.set(SecretName.apiKey, resourceKey);
    const chat = createChatStack({ settings: { deployment: 'gpt-4o-mini', auth: 'apiKey' }, secrets });
    assert.equal((await chat.connection.view()).state, 'misconfigured');
    assert.equal(secrets.values.get(SecretName.apiKey), resourceKey, 'kept while no endpoint is set');

    chat.updateSettings({ endpoint: resource.endpoint, deployment: 'gpt-4o-mini', auth: 'apiKey' });
    await chat.core.settingsChanged();
    assert.equal((await chat.ask('now with an endpoint'))?.status, 'done');
    assert.equal(secrets.values.get(apiKeySecretName(resource.endpoint) as string), resourceKey);
  });

  test('never overwrites a key the user set for that resource since', async () => {
    const secrets = new MemorySecrets();
    secrets.values.set(SecretName.apiKey, 'stale-key-0123456789abcdef');
    secrets.setApiKey(resource.endpoint, resourceKey);
    const chat = createChatStack({ settings: { endpoint: resource.endpoint, deployment: 'gpt-4o-mini', auth: 'apiKey' }, secrets });
    assert.equal((await chat.ask('hello'))?.status, 'done');
    assert.equal(secrets.values.get(apiKeySecretName(resource.endpoint) as string), resourceKey);
  });
});
