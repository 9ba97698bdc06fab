import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createScopeConsent, isAcceptedTokenScope } from '../../src/auth/scopePolicy';
import { AzureOpenAIStandIn } from '../standin/azureOpenAIStandIn';
import { createChatStack, StandInMicrosoftSessions } from './chatStack';

/**
 * A token for Azure Resource Manager, Graph or Storage lets whoever receives it act as the user
 * there. Only the Azure OpenAI / Azure AI audiences and api:// app scopes are requested without
 * asking; anything else needs the user's yes, remembered per scope.
 */
let standIn: AzureOpenAIStandIn;
before(async () => {
  standIn = await AzureOpenAIStandIn.start();
});
after(() => standIn.close());
beforeEach(() => standIn.reset());

function entra(tokenScope: string, consent?: Parameters<typeof createChatStack>[0]['scopeConsent']) {
  return createChatStack({
    settings: { endpoint: standIn.endpoint, deployment: 'gpt-4o-mini', auth: 'entra', trustedHosts: ['127.0.0.1'], tokenScope },
    microsoft: new StandInMicrosoftSessions(true),
    scopeConsent: consent,
  });
}

describe('token scope policy', () => {
  test('Cognitive Services, Azure AI (public and sovereign clouds) and api:// scopes are accepted as they are', () => {
    for (const scope of [
      'https://cognitiveservices.azure.com/.default',
      'https://ai.azure.com/.default',
      'https://cognitiveservices.azure.us/.default',
      'https://cognitiveservices.azure.cn/.default',
      'api://6a1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/.default',
      'api://contoso.com/chat-gateway/.default',
    ]) {
      assert.equal(isAcceptedTokenScope(scope), true, scope);
    }
  });

  test('other audiences are not', () => {
    for (const scope of [
      'https://management.azure.com/.default',
      'https://graph.microsoft.com/.default',
      'https://storage.azure.com/.default',
      'https://vault.azure.net/.default',
      'https://cognitiveservices.azure.com.evil.example/.default',
      'api:///.default',
    ]) {
      assert.equal(isAcceptedTokenScope(scope), false, scope);
    }
  });

  test('a Resource Manager scope mints no token without the user\'s yes, and says why', async () => {
    const asked: string[] = [];
    const chat = entra('https://management.azure.com/.default', createScopeConsent({ isRemembered: () => false, remember: async () => undefined, ask: async (scope) => (asked.push(scope), false) }));
    const view = await chat.connection.view();
    assert.deepEqual(asked, ['https://management.azure.com/.default']);
    assert.equal(view.state, 'misconfigured');
    assert.match(view.problem?.title ?? '', /Not requesting a Microsoft token for https:\/\/management\.azure\.com\/\.default/);
    assert.match(view.problem?.detail ?? '', /azureOpenAIChat\.tokenScope/);
    await chat.ask('should not be sent');
    assert.equal(chat.microsoft.requestedScopes.length, 0, 'a token was requested for the refused scope');
    assert.equal(standIn.requests.length, 0);
    // A refusal is not asked again at every question.
    assert.equal(asked.length, 1);
  });

  test('without any way to ask, an unusual scope is refused', async () => {
    const chat = entra('https://graph.microsoft.com/.default');
    assert.equal((await chat.connection.view()).state, 'misconfigured');
    assert.equal(chat.microsoft.requestedScopes.length, 0);
  });

  test('a yes is remembered per scope and not asked again', async () => {
    const remembered = new Set<string>();
    let asks = 0;
    const consent = createScopeConsent({
      isRemembered: (scope) => remembered.has(scope),
      remember: async (scope) => void remembered.add(scope),
      ask: async () => (asks++, true),
    });
    assert.equal(await consent.allows('https://storage.azure.com/.default', 'https://x.openai.azure.com'), true);
    assert.equal(await consent.allows('https://storage.azure.com/.default', 'https://x.openai.azure.com'), true);
    assert.equal(asks, 1);
    assert.deepEqual([...remembered], ['https://storage.azure.com/.default']);
    assert.equal(await consent.allows('https://cognitiveservices.azure.com/.default', 'https://x.openai.azure.com'), true);
    assert.equal(asks, 1, 'an accepted audience needs no question');
  });

  test('a 401 naming another audience is not repeated as advice', async () => {
    // The server's text is not trusted: a hostile endpoint would name the audience it wants a token for.
    await standIn.close();
    standIn = await AzureOpenAIStandIn.start({ audience: 'https://management.azure.com' });
    const answer = await entra('https://cognitiveservices.azure.com/.default').ask('hi');
    assert.match(answer?.problem?.title ?? '', /rejected your Microsoft sign-in token/);
    assert.doesNotMatch(JSON.stringify(answer?.problem), /management\.azure\.com/);
    assert.match(answer?.problem?.detail ?? '', /azureOpenAIChat\.tokenScope/);
  });
});
