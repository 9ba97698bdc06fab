// What the language model provider offers and where it may send a request, without VS Code:
// the model information for a deployment, which deployments are chat models, which connection a
// discovered deployment gets (never the configured resource's key), and how failures are sorted
// into the language model API's error codes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APIError } from 'openai';
import { SignInRequiredError } from '../../src/auth/credential';
import { chatCompletionsBody } from '../../src/azure/chatCompletionsWire';
import { canChat, describeChatModel, targetKey } from '../../src/azure/chatModelCatalog';
import { failureKind } from '../../src/azure/failureKind';
import { resolveProfile } from '../../src/azure/modelProfiles';
import type { ModelRequest } from '../../src/azure/modelRequest';
import { responsesBody } from '../../src/azure/responsesWire';
import { SecretName } from '../../src/config/settingKeys';
import { createChatStack, MemorySecrets, StandInMicrosoftSessions } from './chatStack';

const endpoint = 'https://contoso.openai.azure.com';

describe('deployments as chat models', () => {
  test('a gpt-4o-mini deployment: its family, a context window that leaves room for a full answer, tools', () => {
    const model = describeChatModel({ endpoint, deployment: 'chat', model: 'gpt-4o-mini', modelVersion: '2024-07-18' }, resolveProfile(['gpt-4o-mini'], undefined), false);
    assert.equal(model.name, 'chat');
    assert.equal(model.family, 'gpt-4o-mini');
    assert.equal(model.version, 'gpt-4o-mini-2024-07-18');
    assert.equal(model.detail, 'contoso.openai.azure.com');
    assert.equal(model.maxOutputTokens, 16_384);
    assert.equal(model.maxInputTokens, 128_000 - 16_384);
    assert.deepEqual(model.capabilities, { toolCalling: true, imageInput: false });
    assert.equal(model.id, targetKey({ endpoint: `${endpoint}/`, deployment: 'chat' }), 'a trailing slash does not make another model');
  });

  test('the family comes from the model the profile found when the deployment name says nothing', () => {
    // The model client puts the model the service reported first among the candidates.
    const model = describeChatModel({ endpoint, deployment: 'prod' }, resolveProfile(['gpt-5-mini-2025-08-07', 'prod'], undefined), false);
    assert.equal(model.name, 'prod');
    assert.equal(model.family, 'gpt-5-mini');
    assert.equal(model.maxInputTokens, 400_000 - 128_000);
    assert.match(model.tooltip, /"prod" on contoso\.openai\.azure\.com \(gpt-5-mini\)/);
  });

  test('images are offered only when the caller can send them, and only for models that see', () => {
    const vision = resolveProfile(['gpt-4o'], undefined);
    assert.equal(describeChatModel({ endpoint, deployment: 'gpt-4o' }, vision, true).capabilities.imageInput, true);
    assert.equal(describeChatModel({ endpoint, deployment: 'gpt-4o' }, vision, false).capabilities.imageInput, false);
    assert.equal(describeChatModel({ endpoint, deployment: 'gpt-35-turbo' }, resolveProfile(['gpt-35-turbo'], undefined), true).capabilities.imageInput, false);
    assert.equal(describeChatModel({ endpoint, deployment: 'o1-mini' }, resolveProfile(['o1-mini'], undefined), true).capabilities.toolCalling, false);
  });

  test('embeddings, image and speech deployments are not chat models', () => {
    assert.equal(canChat({ endpoint, deployment: 'gpt-4o-mini' }), true);
    assert.equal(canChat({ endpoint, deployment: 'embed', model: 'text-embedding-3-large' }), false);
    assert.equal(canChat({ endpoint, deployment: 'pictures', model: 'dall-e-3' }), false);
    assert.equal(canChat({ endpoint, deployment: 'x', model: 'gpt-4o', capabilities: { embeddings: 'true' } }), false);
    assert.equal(canChat({ endpoint, deployment: 'x', model: 'gpt-5-codex', capabilities: { responses: 'true' } }), true);
  });
});

describe('the connection for another deployment', () => {
  // The extension's own connection factory: each target is resolved on its own.
  function connections(options: { signedIn: boolean; auth?: string; keyFor?: string; trustedHosts?: string[] }) {
    const secrets = new MemorySecrets();
    if (options.keyFor) {
      secrets.setApiKey(options.keyFor, 'secret-key-0123456789abcdef');
    }
    secrets.values.set(SecretName.apimSubscriptionKey, 'apim-key-0123456789abcdef');
    return createChatStack({
      settings: { endpoint, deployment: 'gpt-4o-mini', auth: options.auth ?? 'auto', trustedHosts: options.trustedHosts ?? [] },
      microsoft: new StandInMicrosoftSessions(options.signedIn),
      secrets,
      env: {},
      managedIdentityTimeoutMs: 1,
    }).connection;
  }

  test('on the same resource only the deployment changes, its own key included', async () => {
    const result = await connections({ signedIn: false, auth: 'apiKey', keyFor: endpoint, trustedHosts: ['contoso.openai.azure.com'] }).current({ endpoint: `${endpoint}/`, deployment: 'gpt-5-mini' });
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.connection.settings.deployment, 'gpt-5-mini');
    assert.equal(result.connection.settings.endpoint, endpoint);
    assert.equal(result.connection.credential.kind, 'apiKey');
    assert.equal(result.connection.apimSubscriptionKey, 'apim-key-0123456789abcdef');
  });

  test('another resource gets the Entra token, never this resource\'s API key or a subscription key it may not have', async () => {
    const other = { endpoint: 'https://fabrikam.openai.azure.com', deployment: 'gpt-4o' };
    const signedIn = await connections({ signedIn: true, keyFor: endpoint }).current(other);
    assert.ok(signedIn.ok);
    assert.equal(signedIn.connection.settings.endpoint, other.endpoint);
    assert.equal(signedIn.connection.credential.kind, 'entra');
    assert.equal(signedIn.connection.apimSubscriptionKey, undefined);

    const withKey = await connections({ signedIn: false, auth: 'apiKey', keyFor: endpoint }).current(other);
    assert.equal(withKey.ok, false);
    assert.match(withKey.ok ? '' : withKey.problem.title, /No API key is stored for fabrikam\.openai\.azure\.com/);
  });

  test('the token host policy applies to discovered endpoints too', async () => {
    const result = await connections({ signedIn: true }).current({ endpoint: 'https://attacker.example', deployment: 'gpt-4o' });
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.problem.title, /attacker\.example/);
  });
});

describe('failure kinds for the language model API', () => {
  const apiError = (status: number, code?: string) => APIError.generate(status, { error: { code, message: 'x' } }, undefined, new Headers());
  test('401 and 403 and a lost sign-in are noAccess; 404 notFound; 429 and the prompt filter blocked; the rest other', () => {
    assert.equal(failureKind(apiError(401)), 'noAccess');
    assert.equal(failureKind(apiError(403, 'PermissionDenied')), 'noAccess');
    assert.equal(failureKind(new SignInRequiredError()), 'noAccess');
    assert.equal(failureKind(apiError(404, 'DeploymentNotFound')), 'notFound');
    assert.equal(failureKind(apiError(429)), 'blocked');
    assert.equal(failureKind(apiError(400, 'content_filter')), 'blocked');
    assert.equal(failureKind(apiError(400, 'unsupported_parameter')), 'other');
    assert.equal(failureKind(apiError(500)), 'other');
    assert.equal(failureKind(new TypeError('terminated')), 'other');
  });
});

describe('images with a question, on both APIs', () => {
  const request: ModelRequest = { messages: [{ role: 'user', content: 'What is this?', images: [{ mimeType: 'image/png', base64: 'AAAA' }] }] };
  test('chat completions: a text part and an image_url part with a data URL', () => {
    const body = chatCompletionsBody('gpt-4o', request, resolveProfile(['gpt-4o'], undefined), undefined);
    assert.deepEqual(body.messages, [
      { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
    ]);
  });
  test('Responses: an input_text part and an input_image part with a data URL', () => {
    const body = responsesBody('gpt-5', request, resolveProfile(['gpt-5'], undefined), undefined);
    assert.deepEqual(body.input, [
      { role: 'user', content: [{ type: 'input_text', text: 'What is this?' }, { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'auto' }] },
    ]);
  });
});
