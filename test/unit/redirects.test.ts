import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { SecretName } from '../../src/config/settingKeys';
import { AzureOpenAIStandIn } from '../standin/azureOpenAIStandIn';
import { RedirectingServer } from '../standin/redirectingServer';
import { createChatStack, MemorySecrets, StandInMicrosoftSessions } from './chatStack';

/**
 * An endpoint that redirects must not get the client to carry the key, the subscription key,
 * the token or the conversation to the Location. The target here is a stand-in that would
 * happily answer: any request reaching it means a credential left for another origin.
 */
const apiKey = 'redirect-test-key-0123456789abcdef';
const subscriptionKey = 'redirect-test-subscription-0123456789';
let target: AzureOpenAIStandIn;
let redirecting: RedirectingServer;

before(async () => {
  target = await AzureOpenAIStandIn.start({ acceptAnyApiKey: true });
  redirecting = await RedirectingServer.start({ status: 307, target: target.endpoint });
});
after(async () => {
  await redirecting.close();
  await target.close();
});
beforeEach(() => {
  target.reset();
  redirecting.requests.length = 0;
});

function stack(auth: 'apiKey' | 'entra') {
  const secrets = new MemorySecrets();
  secrets.values.set(SecretName.apiKey, apiKey);
  secrets.values.set(SecretName.apimSubscriptionKey, subscriptionKey);
  return createChatStack({
    settings: { endpoint: redirecting.endpoint, deployment: 'gpt-4o-mini', auth, trustedHosts: ['127.0.0.1'] },
    secrets,
    microsoft: new StandInMicrosoftSessions(true),
  });
}

describe('redirects are never followed', () => {
  for (const status of [301, 302, 303, 307, 308]) {
    for (const auth of ['apiKey', 'entra'] as const) {
      test(`a ${status} with ${auth === 'apiKey' ? 'an API key' : 'a token'} reaches no other origin and is explained, keeping the question`, async () => {
        redirecting.options = { status, target: target.endpoint.replace('127.0.0.1', 'localhost') };
        const chat = stack(auth);
        const answer = await chat.ask('my secret question');
        assert.equal(target.requests.length, 0, 'the redirect was followed: another origin got the request');
        assert.equal(redirecting.requests.length, 1, 'a redirect is not retried');
        assert.equal(answer?.status, 'error');
        assert.match(answer?.problem?.title ?? '', new RegExp(`redirect \\(${status}\\)`));
        assert.match(answer?.problem?.detail ?? '', /localhost/);
        assert.match(answer?.problem?.detail ?? '', /azureOpenAIChat\.endpoint/);
        assert.equal(chat.session.messages[0]?.text, 'my secret question');
        assert.ok(!JSON.stringify(chat.log.lines).includes(apiKey));
      });
    }
  }
});
