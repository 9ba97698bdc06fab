import * as vscode from 'vscode';
import type { RawSettings } from '../config/connectionSettings';
import { credentialRoutingSettings, settingsSection, SettingKey } from '../config/settingKeys';

/**
 * Reads the extension's settings. Settings that decide where a credential goes are taken from
 * user settings (or the default) only: VS Code already ignores workspace values for
 * application-scoped settings, and reading `globalValue` makes that explicit here too.
 */
export function readRawSettings(): RawSettings {
  const configuration = vscode.workspace.getConfiguration(settingsSection);
  const raw: Partial<Record<SettingKey, unknown>> = {};
  for (const key of Object.values(SettingKey)) {
    if (credentialRoutingSettings.includes(key)) {
      const inspected = configuration.inspect(key);
      raw[key] = inspected?.globalValue ?? inspected?.defaultValue;
    } else {
      raw[key] = configuration.get(key);
    }
  }
  return raw;
}

export function onDidChangeSettings(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(settingsSection)) {
      listener();
    }
  });
}

export function openExtensionSettings(): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', `@ext:azure-openai-chat.azure-openai-chat`);
}
