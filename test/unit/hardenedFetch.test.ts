import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createHardenedFetch, RedirectRefusedError, RequestRefusedError } from '../../src/net/hardenedFetch';
import { ArmClient, ArmError } from '../../src/discovery/armClient';
import { AzureOpenAIStandIn } from '../standin/azureOpenAIStandIn';
import { RedirectingServer } from '../standin/redirectingServer';
import { standInSubscriptions, standInTenants } from '../standin/resourceManagerFixture';
import { ResourceManagerStandIn } from '../standin/resourceManagerStandIn';

/**
 * The one path every request of the extension takes (model client, Resource Manager, Diagnose):
 * bound to one origin, https only off this machine, no redirect followed, the subscription key
 * only where it may go. The servers here are real loopback servers; the platform fetch sends.
 */
let target: AzureOpenAIStandIn;
let redirecting: RedirectingServer;

before(async () => {
  target = await AzureOpenAIStandIn.start({ acceptAnyApiKey: true });
  redirecting = await RedirectingServer.start({ status: 307, target: target.endpoint.replace('127.0.0.1', 'localhost') });
});
after(async () => {
  await redirecting.close();
  await target.close();
});
beforeEach(() => {
  target.reset();
  redirecting.requests.length = 0;
});

describe('the hardened fetch', () => {
  test('sends to its own origin', async () => {
    const send = createHardenedFetch({ origin: target.endpoint });
    const response = await send(`${target.endpoint}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'api-key': 'k-0123456789abcdef', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(response.status, 200);
    await response.text();
    assert.equal(target.requests.length, 1);
  });

  test('refuses any other origin before a byte leaves, whatever the path says', async () => {
    const send = createHardenedFetch({ origin: redirecting.endpoint });
    await assert.rejects(send(`${target.endpoint}/openai/v1/chat/completions`, { method: 'POST', headers: { 'api-key': 'secret-0123456789' } }), (error) => {
      assert.ok(error instanceof RequestRefusedError);
      assert.equal(error.reason, 'foreignOrigin');
      return true;
    });
    assert.equal(target.requests.length, 0);
  });

  test('refuses plain http off this machine', async () => {
    const send = createHardenedFetch({ origin: 'http://contoso.openai.azure.com' });
    await assert.rejects(send('http://contoso.openai.azure.com/openai/v1/models'), (error) => error instanceof RequestRefusedError && error.reason === 'notHttps');
  });

  for (const status of [301, 302, 303, 307, 308]) {
    test(`reports a ${status} and never follows it`, async () => {
      redirecting.options = { status, target: target.endpoint.replace('127.0.0.1', 'localhost') };
      const send = createHardenedFetch({ origin: redirecting.endpoint, subscriptionKeyAllowed: true });
      await assert.rejects(
        send(`${redirecting.endpoint}/openai/v1/chat/completions`, { method: 'POST', headers: { 'api-key': 'secret-0123456789', 'Ocp-Apim-Subscription-Key': 'sub-0123456789' }, body: '{}' }),
        (error) => error instanceof RedirectRefusedError && error.status === status && error.to === target.endpoint.replace('127.0.0.1', 'localhost'),
      );
      assert.equal(redirecting.requests.length, 1);
      assert.equal(target.requests.length, 0, 'the redirect was followed');
    });
  }

  test('refuses a subscription key for an origin that may not have one', async () => {
    const send = createHardenedFetch({ origin: target.endpoint });
    await assert.rejects(
      send(`${target.endpoint}/openai/v1/chat/completions`, { method: 'POST', headers: new Headers({ 'Ocp-Apim-Subscription-Key': 'sub-0123456789' }), body: '{}' }),
      (error) => error instanceof RequestRefusedError && error.reason === 'subscriptionKeyNotAllowed',
    );
    await assert.rejects(
      send(new Request(`${target.endpoint}/openai/v1/chat/completions`, { method: 'POST', headers: { 'ocp-apim-subscription-key': 'sub-0123456789' }, body: '{}' })),
      (error) => error instanceof RequestRefusedError,
    );
    assert.equal(target.requests.length, 0);
  });
});

describe('Resource Manager through the hardened fetch', () => {
  test('a redirect from Resource Manager is refused: the token stays, and the other origin\'s JSON is not taken as ARM data', async () => {
    const arm = await ResourceManagerStandIn.start({ tenants: standInTenants, subscriptions: standInSubscriptions(target.endpoint) });
    const moved = await RedirectingServer.start({ status: 307, target: arm.endpoint.replace('127.0.0.1', 'localhost') });
    try {
      const client = new ArmClient({ resourceManager: moved.endpoint, getToken: async () => 'management-token-0123456789' });
      await assert.rejects(client.listAll('/subscriptions?api-version=2022-12-01'), (error) => error instanceof ArmError && error.code === 'Redirected');
      assert.equal(moved.requests.length, 1);
      assert.equal(arm.requests.length, 0, 'the token followed the redirect');
    } finally {
      await moved.close();
      await arm.close();
    }
  });
});
