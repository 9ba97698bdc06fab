// Settings in a real VS Code: read with their declared defaults, scoped as package.json says
// (VS Code itself refuses to write an application-scoped setting to a workspace), and a broken
// setting shows the promised message while keeping the question.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AzureOpenAIChatApi } from '../../src/extension';
import { applicationScopedSettings, settingsSection, SettingKey, ToolSettingKey } from '../../src/config/settingKeys';
import { chatApi, connectionWhere, EXTENSION_ID, lastMessage, SettingsChanges } from './chatExtension';
import { standIn } from './standIn';

interface DeclaredSetting {
  readonly key: SettingKey;
  readonly scope: string;
  readonly default: unknown;
}

function declaredSettings(): DeclaredSetting[] {
  const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
    contributes: { configuration: { properties: Record<string, { scope: string; default: unknown }> } };
  };
  return Object.entries(manifest.contributes.configuration.properties).map(([name, property]) => ({
    key: name.slice(settingsSection.length + 1) as SettingKey,
    scope: property.scope,
    default: property.default,
  }));
}

/** The workspace's .vscode/settings.json (a tracked fixture): put back byte for byte. */
function workspaceSettingsFile(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite runs with a folder open');
  return path.join(folder.uri.fsPath, '.vscode', 'settings.json');
}

suite('Settings', () => {
  let api: AzureOpenAIChatApi;
  const user = new SettingsChanges(vscode.ConfigurationTarget.Global);
  const workspace = new SettingsChanges(vscode.ConfigurationTarget.Workspace);
  let workspaceFileBefore: Buffer;

  suiteSetup(async () => {
    api = await chatApi();
    workspaceFileBefore = fs.readFileSync(workspaceSettingsFile());
  });

  setup(async () => {
    await standIn.reset();
    await vscode.commands.executeCommand('azureOpenAIChat.newChat');
  });

  teardown(async () => {
    await workspace.restore();
    await user.restore();
    if (!fs.readFileSync(workspaceSettingsFile()).equals(workspaceFileBefore)) {
      fs.writeFileSync(workspaceSettingsFile(), workspaceFileBefore);
    }
    await vscode.commands.executeCommand('azureOpenAIChat.newChat');
    await standIn.reset();
  });

  test('every declared setting is known to VS Code with its declared default', () => {
    const configuration = vscode.workspace.getConfiguration(settingsSection);
    const declared = declaredSettings();
    assert.deepEqual(declared.map((s) => s.key).sort(), [...Object.values(SettingKey), ...Object.values(ToolSettingKey)].sort(), 'package.json and settingKeys.ts disagree');
    for (const setting of declared) {
      assert.deepEqual(configuration.inspect(setting.key)?.defaultValue, setting.default, setting.key);
    }
  });

  test('the extension uses the user settings the harness wrote', async () => {
    const configuration = vscode.workspace.getConfiguration(settingsSection);
    assert.equal(configuration.inspect(SettingKey.endpoint)?.globalValue, standIn.endpoint);
    const connection = await connectionWhere(api, 'a ready connection', (view) => view.state === 'ready');
    assert.equal(connection.deployment, standIn.deployment);
  });

  test('the settings that route credentials are application-scoped: VS Code will not write them to a workspace', async () => {
    const declared = declaredSettings();
    const applicationScoped = declared.filter((s) => s.scope === 'application').map((s) => s.key);
    // Tool settings too: a workspace cannot loosen approvals or the step limit (issue 20).
    assert.deepEqual(applicationScoped.sort(), [...applicationScopedSettings, ...Object.values(ToolSettingKey)].sort());
    assert.ok(declared.every((s) => s.scope === 'application' || s.scope === 'window'), 'a setting has an unexpected scope');

    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    for (const key of applicationScoped) {
      const value = key === SettingKey.trustedHosts ? ['attacker.example'] : 'https://attacker.example';
      await assert.rejects(
        Promise.resolve(vscode.workspace.getConfiguration(settingsSection).update(key, value, vscode.ConfigurationTarget.Workspace)),
        /can be written only into User settings/,
        `${key}: VS Code did not refuse a workspace value`,
      );
      await assert.rejects(
        Promise.resolve(vscode.workspace.getConfiguration(settingsSection, folder.uri).update(key, value, vscode.ConfigurationTarget.WorkspaceFolder)),
        /does not support the folder resource scope/,
        `${key}: VS Code did not refuse a folder value`,
      );
    }
    assert.ok(fs.readFileSync(workspaceSettingsFile()).equals(workspaceFileBefore), 'the workspace settings file changed');
  });

  test('window-scoped settings may come from the workspace, and the extension uses them', async () => {
    await workspace.set({ [SettingKey.systemPrompt]: 'Answer like a pirate.' });
    assert.equal(vscode.workspace.getConfiguration(settingsSection).inspect(SettingKey.systemPrompt)?.workspaceValue, 'Answer like a pirate.');
    await standIn.enqueue({ chunks: ['Arr.'] });
    await api.send('Hello?');
    await api.whenIdle();
    const [request] = await standIn.requests({ count: 1 });
    const messages = (request.body as { messages: Array<{ role: string; content: string }> }).messages;
    assert.deepEqual(messages[0], { role: 'system', content: 'Answer like a pirate.' });
  });

  const brokenSettings: Array<{ name: string; values: Partial<Record<SettingKey, unknown>>; title: string; actions: string[] }> = [
    { name: 'no endpoint', values: { [SettingKey.endpoint]: '' }, title: 'Set your Azure OpenAI endpoint to start chatting.', actions: ['selectDeployment', 'openSettings'] },
    { name: 'an endpoint that is not a URL', values: { [SettingKey.endpoint]: 'not a url' }, title: 'The endpoint setting is not usable.', actions: ['openSettings'] },
    { name: 'no deployment', values: { [SettingKey.deployment]: '' }, title: 'Choose which deployment to chat with.', actions: ['selectDeployment', 'openSettings'] },
  ];
  for (const broken of brokenSettings) {
    test(`${broken.name}: the chat says what to set, offers Open Settings, and keeps the question`, async () => {
      await user.set(broken.values);
      const connection = await connectionWhere(api, 'a misconfigured connection', (view) => view.state === 'misconfigured');
      assert.equal(connection.problem?.title, broken.title);
      assert.deepEqual(connection.problem?.actions, broken.actions);
      assert.ok(connection.problem?.detail.includes(`${settingsSection}.`), `the detail names no setting: ${connection.problem?.detail}`);

      assert.equal(await api.send('Is anyone there?'), true);
      await api.whenIdle();
      const [question, answer] = await api.messages();
      assert.deepEqual({ role: question.role, text: question.text }, { role: 'user', text: 'Is anyone there?' });
      assert.equal(answer.status, 'error');
      assert.deepEqual(answer.problem, connection.problem);
      assert.equal((await standIn.requests()).length, 0, 'a request went out with broken settings');

      // Fixing the setting is enough: the chat is usable again without a reload.
      await user.restore();
      await connectionWhere(api, 'a ready connection again', (view) => view.state === 'ready');
      assert.equal((await lastMessage(api)).status, 'error', 'the failed answer must stay until retried');
    });
  }
});
