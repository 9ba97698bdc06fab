// The sign-in order in a real VS Code: VS Code's Microsoft session (the stand-in provider),
// then the Azure identity chain (managed identity, then the Azure CLI) through loopback
// stand-ins, then the API key from SecretStorage.
//
// Each test asks for a token scope of its own (api://aoai-chat-tests-<name>/.default, with the
// stand-in told to accept that audience). Changing the scope makes the extension resolve its
// connection again with a new credential chain, and it keeps the tests apart: MSAL caches
// managed identity tokens per resource for the whole extension host, and the chain caches the
// token it got, so a scope used before would answer from a cache instead of from the stand-ins.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AzureOpenAIChatApi } from '../../src/extension';
import { defaultTokenScope, SettingKey } from '../../src/config/settingKeys';
import { AZURE_CLI_APP_ID, STANDIN_MANAGED_IDENTITY_CLIENT_ID } from '../standin/tokens';
import { chatApi, connectionWhere, lastMessage, msAuthStats, SettingsChanges, storeApiKeyThroughCommand } from './chatExtension';
import { standIn } from './standIn';
const defaultAudience = defaultTokenScope.replace(/\/\.default$/, '');

/** A token scope no other test uses, and the audience the stand-in must accept for it. */
function freshScope(name: string): { scope: string; audience: string } {
  const audience = `api://aoai-chat-tests-${name}-${Date.now()}`;
  return { scope: `${audience}/.default`, audience };
}

suite('Sign-in order', () => {
  let api: AzureOpenAIChatApi;
  const user = new SettingsChanges();

  suiteSetup(async () => {
    api = await chatApi();
  });

  setup(async () => {
    await standIn.reset();
    await vscode.commands.executeCommand('azureOpenAIChat.newChat');
  });

  teardown(async () => {
    process.env.FAKE_AZ_MODE = 'loggedIn';
    await standIn.reset(); // managed identity answers again
    await standIn.configure({ audience: defaultAudience });
    await vscode.commands.executeCommand('msAuthStandIn.signOut');
    await vscode.commands.executeCommand('azureOpenAIChat.clearApiKey');
    await user.restore();
    await vscode.commands.executeCommand('azureOpenAIChat.newChat');
  });

  /** Points the extension at a fresh scope, so it resolves its credential again from scratch. */
  async function useFreshScope(name: string, extra: Partial<Record<SettingKey, unknown>> = {}): Promise<string> {
    const { scope, audience } = freshScope(name);
    await standIn.configure({ audience });
    await user.set({ ...extra, [SettingKey.tokenScope]: scope });
    return audience;
  }

  async function chatRoundTrip(): Promise<Awaited<ReturnType<typeof standIn.requests>>[number]> {
    await standIn.enqueue({ chunks: ['Signed ', 'in.'] });
    assert.equal(await api.send('Who am I?'), true);
    await api.whenIdle();
    const answer = await lastMessage(api);
    assert.deepEqual({ status: answer.status, text: answer.text }, { status: 'done', text: 'Signed in.' }, JSON.stringify(answer.problem));
    const [request] = await standIn.requests({ count: 1 });
    assert.equal(request.status, 200);
    return request;
  }

  test('a Microsoft account signed in to VS Code is not used silently before the user allowed this extension', async () => {
    // VS Code asks the provider, which has a session, but hands it out silently only to an
    // extension the user allowed (its consent dialog, refused inside extension tests; the E2E
    // test clicks Allow). With no other credential the chat offers both ways in.
    await vscode.commands.executeCommand('msAuthStandIn.configure', { mode: 'signedIn' });
    process.env.FAKE_AZ_MODE = 'loggedOut';
    await standIn.setManagedIdentityMode('unavailable');
    const audience = await useFreshScope('signedout');

    const connection = await connectionWhere(api, 'signed out', (view) => view.state === 'signedOut');
    assert.equal(connection.label, 'Not signed in');
    assert.deepEqual(connection.problem?.actions, ['signIn', 'setApiKey']);

    const stats = await msAuthStats();
    assert.ok(
      stats.sessions.some((s) => s.scopes.includes(`${audience}/.default`)),
      `VS Code never asked the Microsoft provider for the configured scope: ${JSON.stringify(stats.sessions)}`,
    );
    assert.equal(stats.createSession, 0, 'a silent request must never create a session');

    // A question asked now fails plainly and stays; nothing is sent.
    assert.equal(await api.send('Hello?'), true);
    await api.whenIdle();
    const answer = await lastMessage(api);
    assert.equal(answer.status, 'error');
    assert.deepEqual(answer.problem?.actions, ['signIn', 'setApiKey']);
    assert.equal((await standIn.requests()).length, 0);
  });

  test('with auth "entra" and no credential, only Microsoft sign-in is offered', async () => {
    process.env.FAKE_AZ_MODE = 'loggedOut';
    await standIn.setManagedIdentityMode('unavailable');
    await useFreshScope('entra', { [SettingKey.auth]: 'entra' });

    const connection = await connectionWhere(api, 'signed out', (view) => view.state === 'signedOut');
    assert.deepEqual(connection.problem?.actions, ['signIn']);
  });

  test('managed identity comes first in the chain', async () => {
    process.env.FAKE_AZ_MODE = 'loggedIn'; // would answer too, but comes second
    await standIn.setManagedIdentityMode('ok');
    const audience = await useFreshScope('mi');

    const connection = await connectionWhere(api, 'Managed identity', (view) => view.label === 'Managed identity');
    assert.equal(connection.state, 'ready');
    const resources = (await standIn.managedIdentityRequests()).map((r) => r.query.resource);
    assert.ok(resources.includes(audience), `the managed identity stand-in was not asked for ${audience}: ${JSON.stringify(resources)}`);

    const request = await chatRoundTrip();
    assert.equal(request.auth, 'bearer');
    assert.equal(request.token?.aud, audience);
    assert.equal(request.token?.appid, STANDIN_MANAGED_IDENTITY_CLIENT_ID);
  });

  test('the Azure CLI answers when there is no managed identity', async () => {
    process.env.FAKE_AZ_MODE = 'loggedIn';
    await standIn.setManagedIdentityMode('unavailable');
    const audience = await useFreshScope('cli');

    const connection = await connectionWhere(api, 'Azure CLI', (view) => view.label === 'Azure CLI');
    assert.equal(connection.state, 'ready');
    const resources = (await standIn.managedIdentityRequests()).map((r) => r.query.resource);
    assert.ok(resources.includes(audience), 'managed identity was not tried first');

    const request = await chatRoundTrip();
    assert.equal(request.auth, 'bearer');
    assert.equal(request.token?.aud, audience);
    assert.equal(request.token?.appid, AZURE_CLI_APP_ID);
  });

  test('a stored API key is used only when no Entra credential answers', async () => {
    await storeApiKeyThroughCommand(standIn.apiKey);
    process.env.FAKE_AZ_MODE = 'loggedIn';
    await standIn.setManagedIdentityMode('unavailable');
    await useFreshScope('key-cli');
    await connectionWhere(api, 'Azure CLI despite the stored key', (view) => view.label === 'Azure CLI');

    process.env.FAKE_AZ_MODE = 'loggedOut';
    await useFreshScope('key');
    const connection = await connectionWhere(api, 'API key', (view) => view.label === 'API key');
    assert.equal(connection.state, 'ready');

    const request = await chatRoundTrip();
    assert.equal(request.auth, 'apiKey');
    // On the v1 API the key goes as Azure documents for the OpenAI client, and nothing else does.
    assert.equal(request.headers.authorization, `Bearer ${standIn.apiKey}`, 'a token went instead of the key');
    assert.equal(request.headers['api-key'], undefined);
  });

  test('auth "apiKey" uses the stored key even when Entra credentials exist, and asks for one when there is none', async () => {
    await vscode.commands.executeCommand('msAuthStandIn.configure', { mode: 'signedIn' });
    await standIn.setManagedIdentityMode('ok');
    const audience = await useFreshScope('apikey-mode', { [SettingKey.auth]: 'apiKey' });
    const signedOut = await connectionWhere(api, 'no API key', (view) => view.state === 'signedOut');
    assert.deepEqual(signedOut.problem?.actions, ['setApiKey']);

    await storeApiKeyThroughCommand(standIn.apiKey);
    await connectionWhere(api, 'API key', (view) => view.label === 'API key');
    const request = await chatRoundTrip();
    assert.equal(request.auth, 'apiKey');
    const resources = (await standIn.managedIdentityRequests()).map((r) => r.query.resource);
    assert.ok(!resources.includes(audience), 'auth "apiKey" must not ask for an Entra token');
    assert.ok(!(await msAuthStats()).sessions.some((s) => s.scopes.includes(`${audience}/.default`)));
  });

  test('clearing the API key signs the chat out again', async () => {
    process.env.FAKE_AZ_MODE = 'loggedOut';
    await standIn.setManagedIdentityMode('unavailable');
    await useFreshScope('clear');
    await storeApiKeyThroughCommand(standIn.apiKey);
    await connectionWhere(api, 'API key', (view) => view.label === 'API key');

    await vscode.commands.executeCommand('azureOpenAIChat.clearApiKey');

    const connection = await connectionWhere(api, 'signed out', (view) => view.state === 'signedOut');
    assert.deepEqual(connection.problem?.actions, ['signIn', 'setApiKey']);
  });
});
