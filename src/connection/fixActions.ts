import * as vscode from 'vscode';
import type { FixAction } from '../common/protocol';
import { validateSettings } from '../config/connectionSettings';
import { SecretName } from '../config/settingKeys';
import { openExtensionSettings, readRawSettings } from '../config/vscodeSettings';
import { microsoftScopes } from '../auth/credentialResolver';
import type { SecretStore } from '../auth/secretCommands';
import type { VscodeMicrosoftSession } from '../auth/vscodeMicrosoftSession';
import type { ConnectionManager } from './connectionManager';

export interface FixDeps {
  readonly microsoft: VscodeMicrosoftSession;
  readonly secrets: SecretStore;
  readonly connection: ConnectionManager;
  readonly log: vscode.LogOutputChannel;
}

/** What each button in a problem message does. The webview can only name one of these. */
export function createFixRunner(deps: FixDeps): (action: Exclude<FixAction, 'retry' | 'newChat'>) => Promise<void> {
  return async (action) => {
    switch (action) {
      case 'openSettings':
        await openExtensionSettings();
        return;
      case 'signIn':
        await signIn(deps);
        return;
      case 'setApiKey':
        await deps.secrets.promptAndStore(SecretName.apiKey);
        return;
      case 'setSubscriptionKey':
        await deps.secrets.promptAndStore(SecretName.apimSubscriptionKey);
        return;
      case 'showLog':
        deps.log.show(true);
        return;
    }
  };
}

export async function signIn(deps: FixDeps): Promise<void> {
  const validated = validateSettings(readRawSettings());
  if (!validated.ok) {
    // The scope and tenant come from settings; without usable settings there is nothing to sign in to.
    void vscode.window.showWarningMessage(validated.problem.title, vscode.l10n.t('Open Settings')).then((choice) => choice && openExtensionSettings());
    return;
  }
  try {
    await deps.microsoft.signIn(microsoftScopes(validated.settings));
    deps.connection.invalidate();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.log.warn(`Microsoft sign-in did not complete: ${message}`);
    void vscode.window.showWarningMessage(vscode.l10n.t('Microsoft sign-in did not complete: {0}', message));
  }
}
