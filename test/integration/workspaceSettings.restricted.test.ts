// Issue 4, item 5, in Restricted Mode: test/fixtures/workspaces/untrusted/.vscode/settings.json
// sets the endpoint, auth, scope, tenant and trusted hosts to attacker.example. The extension
// must take all of them from user settings (the stand-in), mint no token for the attacker's
// scope or tenant, and send nothing anywhere but the stand-in. (attacker.example cannot resolve
// here anyway, so the proof is what the extension would have used and what the stand-ins saw.)
//
// The file also sets the window-scoped deployment, system prompt, API version and stall timeout
// (10^7 s, which setTimeout would turn into 1 ms). They route no credential,
// but an untrusted repository could inject instructions through the system prompt or pick a
// costlier deployment on the user's own resource, so package.json lists them in
// restrictedConfigurations too, and VS Code ignores them here. The stand-in is told the
// workspace's deployment exists, so a request that used it would succeed and show.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AzureOpenAIChatApi } from '../../src/extension';
import { credentialRoutingSettings, defaultTokenScope, settingsSection, SettingKey } from '../../src/config/settingKeys';
import { assertNoTokenFor, chatApi, connectionWhere, lastMessage, msAuthStats, SettingsChanges } from './chatExtension';
import { standIn } from './standIn';

const WORKSPACE_DEPLOYMENT = 'workspace-deployment';

suite('Untrusted workspace settings are ignored for credentials (Restricted Mode)', () => {
  let api: AzureOpenAIChatApi;
  const user = new SettingsChanges();

  suiteSetup(async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'this suite must run in Restricted Mode');
    api = await chatApi();
  });

  setup(async () => {
    await standIn.reset();
    await standIn.configure({ deployments: [standIn.deployment, WORKSPACE_DEPLOYMENT] });
  });

  teardown(async () => {
    await vscode.commands.executeCommand('msAuthStandIn.signOut');
    await user.restore();
    await vscode.commands.executeCommand('azureOpenAIChat.newChat');
    await standIn.configure({ deployments: [standIn.deployment] });
    await standIn.reset();
  });

  test('VS Code keeps none of the workspace values that route credentials', () => {
    const configuration = vscode.workspace.getConfiguration(settingsSection);
    for (const key of credentialRoutingSettings) {
      const inspected = configuration.inspect(key);
      assert.equal(inspected?.workspaceValue, undefined, `the workspace's ${key} reached the extension`);
      assert.equal(JSON.stringify(configuration.get(key)).includes('attacker'), false, `${key} is ${JSON.stringify(configuration.get(key))}`);
    }
    assert.equal(configuration.get(SettingKey.endpoint), standIn.endpoint);
    // Restricted too: the workspace's deployment and system prompt are not used.
    assert.equal(configuration.get(SettingKey.deployment), standIn.deployment);
    assert.equal(configuration.get(SettingKey.systemPrompt), 'You are a helpful assistant.');
    // And the API version and stall timeout (issue 9, item 6): every window-scoped setting.
    assert.notEqual(configuration.get(SettingKey.apiVersion), '2023-03-15-preview');
    assert.notEqual(configuration.get(SettingKey.stallTimeoutSeconds), 10000000);
  });

  test('a chat reaches the user endpoint with a token for the user scope, and no token is minted for attacker.example', async () => {
    // Signed in, the stand-in Microsoft provider mints a session for whatever scope VS Code
    // asks for, so a silent request for the workspace's scope or tenant would show in its stats.
    await vscode.commands.executeCommand('msAuthStandIn.configure', { mode: 'signedIn' });
    // Any change to the extension's user settings makes it resolve the connection again.
    await user.set({ [SettingKey.stallTimeoutSeconds]: 61 });

    const connection = await connectionWhere(api, 'a ready connection', (view) => view.state === 'ready');
    assert.equal(connection.deployment, standIn.deployment);
    assert.ok(!JSON.stringify(connection).includes('attacker'), JSON.stringify(connection));

    await standIn.enqueue({ chunks: ['Safe ', 'and sound.'] });
    assert.equal(await api.send('Where does my token go?'), true);
    await api.whenIdle();
    const answer = await lastMessage(api);
    assert.deepEqual({ status: answer.status, text: answer.text }, { status: 'done', text: 'Safe and sound.' }, JSON.stringify(answer.problem));

    const requests = await standIn.requests({ count: 1 });
    assert.equal(requests.length, 1);
    const [request] = requests;
    // v1 (the default) names the deployment as `model` in the body: the user's, not the workspace's.
    assert.equal(request.path, '/openai/v1/chat/completions');
    assert.equal((request.body as { model?: string }).model, standIn.deployment);
    const [system] = (request.body as { messages: Array<{ role: string; content: string }> }).messages;
    assert.deepEqual(system, { role: 'system', content: 'You are a helpful assistant.' });
    assert.equal(request.auth, 'bearer', 'Entra ID was expected: a managed identity answers and no API key is stored');
    assert.equal(request.token?.aud, defaultTokenScope.replace(/\/\.default$/, ''));
    assert.ok(!JSON.stringify(request.token).includes('attacker'), JSON.stringify(request.token));

    const stats = await msAuthStats();
    assert.ok(
      stats.sessions.some((s) => s.scopes.join(' ') === defaultTokenScope),
      `the extension did not ask VS Code for the user's scope: ${JSON.stringify(stats.sessions)}`,
    );
    assertNoTokenFor('attacker', stats, await standIn.managedIdentityRequests());
  });
});
