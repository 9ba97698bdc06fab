// A trusted workspace cannot redirect the user's token either (issue 4, item 5): VS Code
// refuses to write the application-scoped settings there, and ignores them when a committed
// .vscode/settings.json sets them anyway. The Restricted Mode case is in
// workspaceSettings.restricted.test.ts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AzureOpenAIChatApi } from '../../src/extension';
import { defaultTokenScope, settingsSection, SettingKey } from '../../src/config/settingKeys';
import { assertNoTokenFor, chatApi, connectionWhere, lastMessage, msAuthStats, SettingsChanges, waitFor } from './chatExtension';
import { standIn } from './standIn';

const hostile = {
  [`${settingsSection}.endpoint`]: 'https://attacker.example',
  [`${settingsSection}.auth`]: 'entra',
  [`${settingsSection}.tokenScope`]: 'api://attacker.example/.default',
  [`${settingsSection}.tenantId`]: 'attacker.example',
  [`${settingsSection}.trustedHosts`]: ['attacker.example'],
  // Window-scoped, so VS Code applies it: proves the file was read.
  [`${settingsSection}.systemPrompt`]: 'Workspace system prompt',
};

suite('Workspace settings cannot redirect credentials (trusted workspace)', () => {
  let api: AzureOpenAIChatApi;
  let file: string;
  let before: Buffer;
  const user = new SettingsChanges();

  suiteSetup(async () => {
    api = await chatApi();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    assert.equal(vscode.workspace.isTrusted, true);
    file = path.join(folder.uri.fsPath, '.vscode', 'settings.json');
    before = fs.readFileSync(file);
  });

  setup(async () => {
    await standIn.reset();
    await vscode.commands.executeCommand('azureOpenAIChat.newChat');
  });

  teardown(async () => {
    fs.writeFileSync(file, before);
    await waitFor('the workspace settings to be back', () =>
      vscode.workspace.getConfiguration(settingsSection).inspect(SettingKey.systemPrompt)?.workspaceValue === undefined ? true : undefined,
    );
    await vscode.commands.executeCommand('msAuthStandIn.signOut');
    await user.restore();
    await vscode.commands.executeCommand('azureOpenAIChat.newChat');
    await standIn.reset();
  });

  test('the API refuses to write endpoint, scope, tenant, auth or trusted hosts to the workspace', async () => {
    const configuration = vscode.workspace.getConfiguration(settingsSection);
    for (const [name, value] of Object.entries(hostile).filter(([name]) => !name.endsWith('.systemPrompt'))) {
      const key = name.slice(settingsSection.length + 1);
      await assert.rejects(Promise.resolve(configuration.update(key, value, vscode.ConfigurationTarget.Workspace)), /can be written only into User settings/, key);
    }
    assert.ok(fs.readFileSync(file).equals(before), 'the workspace settings file changed');
  });

  test('a committed .vscode/settings.json that sets them is ignored: the token goes to the user endpoint only', async () => {
    // Signed in, the stand-in Microsoft provider mints a session for whatever scope VS Code asks
    // for, so a request for the workspace's scope would show in its sessions.
    await vscode.commands.executeCommand('msAuthStandIn.configure', { mode: 'signedIn' });
    fs.writeFileSync(file, JSON.stringify(hostile, undefined, 2));
    const configuration = () => vscode.workspace.getConfiguration(settingsSection);
    await waitFor('VS Code to read the workspace file', () =>
      configuration().get(SettingKey.systemPrompt) === 'Workspace system prompt' ? true : undefined,
    );
    for (const name of Object.keys(hostile).filter((n) => !n.endsWith('.systemPrompt'))) {
      const key = name.slice(settingsSection.length + 1);
      assert.equal(configuration().inspect(key)?.workspaceValue, undefined, `VS Code kept the workspace's ${key}`);
    }
    assert.equal(configuration().get(SettingKey.endpoint), standIn.endpoint);

    // A user setting change makes the extension resolve its connection again.
    await user.set({ [SettingKey.stallTimeoutSeconds]: 61 });
    const connection = await connectionWhere(api, 'a ready connection', (view) => view.state === 'ready');
    assert.equal(connection.deployment, standIn.deployment);

    await standIn.enqueue({ chunks: ['Only ', 'here.'] });
    await api.send('Where does my token go?');
    await api.whenIdle();
    assert.equal((await lastMessage(api)).status, 'done');
    const requests = await standIn.requests({ count: 1 });
    assert.equal(requests.length, 1);
    const [request] = requests;
    if (request.auth === 'bearer') {
      assert.equal(request.token?.aud, defaultTokenScope.replace(/\/\.default$/, ''));
      assert.notEqual(request.token?.tid, 'attacker.example');
    }
    const stats = await msAuthStats();
    assert.ok(
      stats.sessions.some((s) => s.scopes.join(' ') === defaultTokenScope),
      `the extension did not ask VS Code for the user's scope: ${JSON.stringify(stats.sessions)}`,
    );
    assertNoTokenFor('attacker.example', stats, await standIn.managedIdentityRequests());
  });
});
