import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkTokenHost } from '../../src/auth/hostPolicy';
import { normalizeEndpoint, validateSettings } from '../../src/config/connectionSettings';

const base = { endpoint: 'https://contoso.openai.azure.com', deployment: 'gpt-4o' };

describe('settings validation', () => {
  test('an empty endpoint asks the user to set it, with an Open Settings button', () => {
    const result = validateSettings({ ...base, endpoint: '' });
    assert.equal(result.ok, false);
    assert.ok(!result.ok && /endpoint/i.test(result.problem.title));
    assert.deepEqual(!result.ok && result.problem.actions, ['openSettings']);
  });

  test('a malformed endpoint is named in the message, never a stack trace', () => {
    const result = validateSettings({ ...base, endpoint: 'contoso dot openai' });
    assert.ok(!result.ok);
    assert.match(result.problem.detail, /"contoso dot openai" is not a URL/);
    assert.doesNotMatch(result.problem.detail, /at \w+ \(/);
  });

  test('the portal target URI and a trailing slash are reduced to the resource URL', () => {
    assert.deepEqual(
      normalizeEndpoint('https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21'),
      { endpoint: 'https://contoso.openai.azure.com' },
    );
    assert.deepEqual(normalizeEndpoint('https://contoso.openai.azure.com/'), { endpoint: 'https://contoso.openai.azure.com' });
    // An API Management gateway keeps its API's base path.
    assert.deepEqual(normalizeEndpoint('https://gw.azure-api.net/aoai/'), { endpoint: 'https://gw.azure-api.net/aoai' });
  });

  test('a URL pasted as the deployment name is refused with a hint', () => {
    const result = validateSettings({ ...base, deployment: 'https://contoso.openai.azure.com/openai/deployments/x' });
    assert.ok(!result.ok);
    assert.match(result.problem.detail, /deployment's name only/);
  });

  test('missing deployment, bad api version, bad scope, bad tenant and bad auth mode each explain themselves', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ deployment: '' }, /Choose which deployment/],
      [{ apiVersion: 'latest' }, /"latest" is not an Azure OpenAI API version/],
      [{ apiVersion: 'v2' }, /"v2" is not an Azure OpenAI API version/],
      [{ tokenScope: 'https://cognitiveservices.azure.com' }, /is not a token scope/],
      [{ tenantId: 'not a tenant' }, /is not a tenant/],
      [{ auth: 'password' }, /"password" is not a sign-in method/],
    ];
    for (const [override, expected] of cases) {
      const result = validateSettings({ ...base, ...override });
      assert.ok(!result.ok, JSON.stringify(override));
      assert.match(result.problem.title, expected);
    }
  });

  test('valid settings get defaults for everything optional', () => {
    const result = validateSettings(base);
    assert.ok(result.ok);
    // v1 is the default: a user who never set apiVersion gets the versionless API.
    assert.equal(result.settings.apiVersion, 'v1');
    assert.equal(result.settings.authMode, 'auto');
    assert.equal(result.settings.tokenScope, 'https://cognitiveservices.azure.com/.default');
    assert.equal(result.settings.systemPrompt, 'You are a helpful assistant.');
    assert.equal(result.settings.stallTimeoutMs, 60_000);
    assert.equal(result.settings.tenantId, undefined);
  });
});

describe('token host policy', () => {
  test('Entra tokens go to Azure OpenAI, AI Services and API Management hosts', () => {
    for (const host of ['x.openai.azure.com', 'x.cognitiveservices.azure.com', 'x.services.ai.azure.com', 'gw.azure-api.net']) {
      assert.deepEqual(checkTokenHost(`https://${host}`, []), { allowed: true }, host);
    }
  });

  test('look-alike and unrelated hosts are refused', () => {
    for (const host of ['openai.azure.com.evil.example', 'evil.example', 'xopenai.azure.com', 'azure-api.net.evil.example']) {
      const verdict = checkTokenHost(`https://${host}`, []);
      assert.equal(verdict.allowed, false, host);
    }
  });

  test('hosts on the user allow-list are accepted, wildcards included', () => {
    assert.equal(checkTokenHost('https://gw.contoso.com', ['gw.contoso.com']).allowed, true);
    assert.equal(checkTokenHost('https://eu.gw.contoso.com', ['*.gw.contoso.com']).allowed, true);
    assert.equal(checkTokenHost('https://gw.contoso.com', ['*.gw.contoso.com']).allowed, false);
  });

  test('plain http is refused except on loopback', () => {
    assert.deepEqual(checkTokenHost('http://x.openai.azure.com', []), { allowed: false, host: 'x.openai.azure.com', reason: 'notHttps' });
    assert.equal(checkTokenHost('http://127.0.0.1:8080', ['127.0.0.1']).allowed, true);
    assert.equal(checkTokenHost('http://127.0.0.1:8080', []).allowed, false);
  });
});
