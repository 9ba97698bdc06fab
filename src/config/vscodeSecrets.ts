import * as vscode from 'vscode';
import type { SecretReader } from '../auth/credentialResolver';
import { SecretName } from './settingKeys';

/** Keys live in VS Code's SecretStorage (the OS keychain), never in settings or logs. */
export class SecretStore implements SecretReader {
  constructor(private readonly storage: vscode.SecretStorage) {}

  get(name: SecretName): Promise<string | undefined> {
    return Promise.resolve(this.storage.get(name));
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.storage.onDidChange((event) => {
      if ((Object.values(SecretName) as string[]).includes(event.key)) {
        listener();
      }
    });
  }

  async promptAndStore(name: SecretName): Promise<boolean> {
    const isApiKey = name === SecretName.apiKey;
    const value = await vscode.window.showInputBox({
      title: isApiKey ? vscode.l10n.t('Azure OpenAI API key') : vscode.l10n.t('API Management subscription key'),
      prompt: isApiKey
        ? vscode.l10n.t('Paste KEY 1 or KEY 2 from "Keys and Endpoint" of your Azure OpenAI resource. It is stored in VS Code\'s secret storage.')
        : vscode.l10n.t('Paste a subscription key of your API Management gateway. It is sent as Ocp-Apim-Subscription-Key.'),
      password: true,
      ignoreFocusOut: true,
      validateInput: (text) => (text.trim() ? undefined : vscode.l10n.t('The key cannot be empty.')),
    });
    if (value === undefined) {
      return false;
    }
    await this.storage.store(name, value.trim());
    return true;
  }

  async clear(name: SecretName): Promise<void> {
    await this.storage.delete(name);
  }
}
