import * as vscode from 'vscode';
import { apiKeySecretName, isApiKeySecretName, keyHost, type SecretBackend } from '../config/apiKeys';
import { SecretName } from '../config/settingKeys';

/**
 * Keys live in VS Code's SecretStorage (the OS keychain), never in settings or logs: API keys
 * one per resource (src/config/apiKeys.ts), the API Management subscription key once.
 */
export class SecretStore implements SecretBackend {
  constructor(private readonly storage: vscode.SecretStorage) {}

  get(name: string): Promise<string | undefined> {
    return Promise.resolve(this.storage.get(name));
  }

  store(name: string, value: string): Promise<void> {
    return Promise.resolve(this.storage.store(name, value));
  }

  delete(name: string): Promise<void> {
    return Promise.resolve(this.storage.delete(name));
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.storage.onDidChange((event) => {
      if (isApiKeySecretName(event.key) || event.key === SecretName.apimSubscriptionKey) {
        listener();
      }
    });
  }

  /** Asks for the key of `endpoint`'s resource and stores it for that resource only. */
  async promptAndStoreApiKey(endpoint: string): Promise<boolean> {
    const name = apiKeySecretName(endpoint);
    if (!name) {
      return false;
    }
    const host = keyHost(endpoint);
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('Azure OpenAI API key for {0}', host),
      prompt: vscode.l10n.t('Paste KEY 1 or KEY 2 from "Keys and Endpoint" of {0}. It is stored in VS Code\'s secret storage and sent only to {0}.', host),
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

  async clearApiKey(endpoint: string): Promise<void> {
    const name = apiKeySecretName(endpoint);
    if (name) {
      await this.storage.delete(name);
    }
  }

  async promptAndStoreSubscriptionKey(): Promise<boolean> {
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('API Management subscription key'),
      prompt: vscode.l10n.t('Paste a subscription key of your API Management gateway. It is sent as Ocp-Apim-Subscription-Key, only to *.azure-api.net gateways and hosts you trust.'),
      password: true,
      ignoreFocusOut: true,
      validateInput: (text) => (text.trim() ? undefined : vscode.l10n.t('The key cannot be empty.')),
    });
    if (value === undefined) {
      return false;
    }
    await this.storage.store(SecretName.apimSubscriptionKey, value.trim());
    return true;
  }

  async clearSubscriptionKey(): Promise<void> {
    await this.storage.delete(SecretName.apimSubscriptionKey);
  }
}
