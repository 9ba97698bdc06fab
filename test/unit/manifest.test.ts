import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { credentialRoutingSettings, restrictedInUntrustedWorkspaces, settingsSection, SettingKey, ToolSettingKey } from '../../src/config/settingKeys';
import { localized, readJson } from './manifestFiles';

interface Manifest {
  main: string;
  engines: { vscode: string };
  devDependencies: Record<string, string>;
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    configuration: { properties: Record<string, { scope?: string; default?: unknown }> };
    views: Record<string, Array<{ id: string; type?: string }>>;
  };
  capabilities: { untrustedWorkspaces: { supported: string | boolean; restrictedConfigurations: string[] } };
}

const manifest = readJson<Manifest>('package.json');

describe('package.json contributions', () => {
  test('every setting key in code is contributed, and nothing else is', () => {
    const contributed = Object.keys(manifest.contributes.configuration.properties).sort();
    const inCode = [...Object.values(SettingKey), ...Object.values(ToolSettingKey)].map((key) => `${settingsSection}.${key}`).sort();
    assert.deepEqual(contributed, inCode);
  });

  test('settings that route credentials are application-scoped and restricted in untrusted workspaces', () => {
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const key of credentialRoutingSettings) {
      const name = `${settingsSection}.${key}`;
      assert.equal(manifest.contributes.configuration.properties[name]?.scope, 'application', name);
      assert.ok(restricted.includes(name), `${name} is restricted`);
    }
  });

  test('untrusted workspaces cannot set the deployment or system prompt either', () => {
    const restricted = [...manifest.capabilities.untrustedWorkspaces.restrictedConfigurations].sort();
    assert.deepEqual(restricted, restrictedInUntrustedWorkspaces.map((key) => `${settingsSection}.${key}`).sort());
  });

  test('"Chat with Azure OpenAI" is a palette command in the Azure OpenAI category', () => {
    const open = manifest.contributes.commands.find((command) => command.command === 'azureOpenAIChat.openChat');
    assert.equal(localized(open?.title), 'Chat with Azure OpenAI');
    assert.equal(localized(open?.category), 'Azure OpenAI');
  });

  test('the sidebar contributes a webview view', () => {
    const views = Object.values(manifest.contributes.views).flat();
    assert.ok(views.some((view) => view.id === 'azureOpenAIChat.chatView' && view.type === 'webview'));
  });

  test('engines.vscode is not older than @types/vscode (vsce refuses that)', () => {
    const engine = manifest.engines.vscode.replace(/^\^/, '');
    const types = manifest.devDependencies['@types/vscode']?.replace(/^[~^]/, '') ?? '';
    assert.equal(engine.split('.').slice(0, 2).join('.'), types.split('.').slice(0, 2).join('.'));
  });
});
