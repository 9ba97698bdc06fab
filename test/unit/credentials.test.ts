import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { SecretName } from '../../src/config/settingKeys';
import { AzureOpenAIStandIn } from '../standin/azureOpenAIStandIn';
import { ManagedIdentityStandIn } from '../standin/managedIdentityStandIn';
import { applyToProcessEnv, type FakeAzMode, isolatedAzureEnvironment } from '../standin/testEnvironment';
import { createChatStack, MemorySecrets, StandInMicrosoftSessions } from './chatStack';

/**
 * The sign-in order with the real @azure/identity: VS Code's Microsoft session, then managed
 * identity (loopback stand-in via AZURE_POD_IDENTITY_AUTHORITY_HOST), then the Azure CLI (a
 * fake `az` first on PATH), then a stored API key. Nothing leaves 127.0.0.1.
 */
let standIn: AzureOpenAIStandIn;
let managedIdentity: ManagedIdentityStandIn;
let restoreEnv: (() => void) | undefined;
let azLog: string;

const apiKey = 'standin-key-0123456789abcdef0123456789';

before(async () => {
  standIn = await AzureOpenAIStandIn.start({ apiKey });
  managedIdentity = await ManagedIdentityStandIn.start({ mode: 'unavailable' });
});
after(async () => {
  await standIn.close();
  await managedIdentity.close();
});
beforeEach(() => {
  standIn.reset();
  managedIdentity.tokenRequests = 0;
});
afterEach(() => restoreEnv?.());

async function useEnvironment(azMode: FakeAzMode, miMode: ManagedIdentityStandIn['mode']) {
  managedIdentity.mode = miMode;
  azLog = join(await mkdtemp(join(tmpdir(), 'az-log-')), 'az.log');
  restoreEnv = applyToProcessEnv({ ...isolatedAzureEnvironment({ managedIdentityHost: managedIdentity.endpoint, azMode }), FAKE_AZ_LOG: azLog });
}

async function azCalls(): Promise<number> {
  try {
    return (await readFile(azLog, 'utf8')).trim().split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

function stack(options: { signedIn?: boolean; auth?: string; apiKey?: boolean; endpoint?: string; trustedHosts?: string[]; miTimeoutMs?: number } = {}) {
  const secrets = new MemorySecrets();
  if (options.apiKey) {
    secrets.values.set(SecretName.apiKey, apiKey);
  }
  return createChatStack({
    settings: {
      endpoint: options.endpoint ?? standIn.endpoint,
      deployment: 'gpt-4o-mini',
      auth: options.auth ?? 'auto',
      trustedHosts: options.trustedHosts ?? ['127.0.0.1'],
    },
    microsoft: new StandInMicrosoftSessions(options.signedIn ?? false),
    secrets,
    managedIdentityTimeoutMs: options.miTimeoutMs ?? 1500,
  });
}

// MSAL keeps managed-identity tokens in a process-wide cache, so the tests that need managed
// identity to be unavailable run before the first one that gets a managed-identity token.
describe('sign-in order', () => {
  test('1. a VS Code Microsoft session wins, and @azure/identity is not asked', async () => {
    await useEnvironment('loggedIn', 'ok');
    const chat = stack({ signedIn: true, apiKey: true });
    const answer = await chat.ask('hi');
    assert.equal(answer?.status, 'done');
    assert.equal((await chat.connection.view()).label, 'Signed in as ada@contoso.test via VS Code');
    assert.equal(managedIdentity.tokenRequests, 0);
    assert.equal(await azCalls(), 0);
    assert.deepEqual(chat.microsoft.requestedScopes[0], ['https://cognitiveservices.azure.com/.default']);
  });

  test('the tenant setting travels to VS Code as a VSCODE_TENANT scope', async () => {
    await useEnvironment('loggedIn', 'ok');
    const chat = createChatStack({
      settings: { endpoint: standIn.endpoint, deployment: 'gpt-4o-mini', tenantId: 'contoso.onmicrosoft.com', trustedHosts: ['127.0.0.1'] },
      microsoft: new StandInMicrosoftSessions(true),
    });
    await chat.connection.view();
    assert.deepEqual(chat.microsoft.requestedScopes[0], ['https://cognitiveservices.azure.com/.default', 'VSCODE_TENANT:contoso.onmicrosoft.com']);
  });

  test('3. with no managed identity, the Azure CLI sign-in is used', async () => {
    await useEnvironment('loggedIn', 'unavailable');
    const chat = stack();
    const answer = await chat.ask('hi from a laptop');
    assert.equal(answer?.status, 'done');
    assert.equal((await chat.connection.view()).label, 'Azure CLI');
    assert.equal(standIn.requests[0]?.token?.aud, 'https://cognitiveservices.azure.com');
    assert.ok((await azCalls()) >= 1);
  });

  test('a managed-identity endpoint that never answers costs a bounded wait, then the CLI answers', async () => {
    await useEnvironment('loggedIn', 'blackhole');
    const chat = stack({ miTimeoutMs: 500 });
    const started = Date.now();
    const view = await chat.connection.view();
    const elapsed = Date.now() - started;
    assert.equal(view.label, 'Azure CLI');
    // Our bound (500 ms) plus DefaultAzureCredential's own 1 s IMDS probe, plus spawning az.
    assert.ok(elapsed < 4000, `took ${elapsed} ms`);
  });

  test('4. with no Entra credential at all, a stored API key is used', async () => {
    await useEnvironment('loggedOut', 'unavailable');
    const chat = stack({ apiKey: true });
    const answer = await chat.ask('hi with a key');
    assert.equal(answer?.status, 'done');
    assert.equal((await chat.connection.view()).label, 'API key');
    assert.equal(standIn.requests[0]?.auth, 'apiKey');
  });

  test('with nothing at all, the chat asks to sign in and keeps the question', async () => {
    await useEnvironment('loggedOut', 'unavailable');
    const chat = stack();
    const view = await chat.connection.view();
    assert.equal(view.state, 'signedOut');
    assert.deepEqual(view.problem?.actions, ['signIn', 'setApiKey']);
    const answer = await chat.ask('can I ask?');
    assert.equal(answer?.status, 'error');
    assert.equal(chat.session.messages[0]?.text, 'can I ask?');
    assert.equal(standIn.requests.length, 0);
  });

  test('after "az login" in a terminal, the next question just works', async () => {
    await useEnvironment('loggedOut', 'unavailable');
    const chat = stack();
    assert.equal((await chat.connection.view()).state, 'signedOut');
    process.env.FAKE_AZ_MODE = 'loggedIn';
    const answer = await chat.ask('signed in now?');
    assert.equal(answer?.status, 'done');
    assert.equal((await chat.connection.view()).label, 'Azure CLI');
  });

  test('auth "apiKey" never asks for a token, even when signed in', async () => {
    await useEnvironment('loggedIn', 'ok');
    const chat = stack({ signedIn: true, auth: 'apiKey', apiKey: true });
    await chat.ask('key only');
    assert.equal(standIn.requests[0]?.auth, 'apiKey');
    assert.equal(chat.microsoft.requestedScopes.length, 0);
    assert.equal(managedIdentity.tokenRequests, 0);
  });

  test('a host outside the token policy gets no token minted and a message saying how to allow it', async () => {
    await useEnvironment('loggedIn', 'ok');
    const chat = stack({ signedIn: true, trustedHosts: [] });
    const view = await chat.connection.view();
    assert.equal(view.state, 'misconfigured');
    assert.match(view.problem?.title ?? '', /only sent to Azure OpenAI hosts, and 127\.0\.0\.1 is not one/);
    assert.match(view.problem?.detail ?? '', /azureOpenAIChat\.trustedHosts/);
    await chat.ask('should not be sent');
    assert.equal(chat.microsoft.requestedScopes.length, 0);
    assert.equal(managedIdentity.tokenRequests, 0);
    assert.equal(await azCalls(), 0);
    assert.equal(standIn.requests.length, 0);
  });

  test('2. without a VS Code session, a managed identity token is used', async () => {
    await useEnvironment('loggedIn', 'ok');
    const chat = stack();
    const answer = await chat.ask('hi from a VM');
    assert.equal(answer?.status, 'done');
    assert.equal((await chat.connection.view()).label, 'Managed identity');
    assert.equal(standIn.requests[0]?.auth, 'bearer');
    assert.equal(managedIdentity.tokenRequests, 1);
    assert.equal(await azCalls(), 0);
  });

  test('50 chat requests within a token lifetime acquire the chain token once', async () => {
    await useEnvironment('loggedIn', 'ok');
    // A user-assigned identity of its own, so MSAL's process-wide cache starts empty for it.
    process.env.AZURE_CLIENT_ID = '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
    const chat = stack();
    standIn.setDefault({ chunks: ['ok'] });
    for (let i = 0; i < 50; i++) {
      await chat.ask(`question ${i}`);
    }
    standIn.setDefault({});
    assert.equal(standIn.requests.filter((r) => r.status === 200).length, 50);
    assert.equal(managedIdentity.tokenRequests, 1);
  });
});
