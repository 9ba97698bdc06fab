import * as vscode from 'vscode';
import { CommandId } from '../common/commands';
import type { FixAction } from '../common/protocol';
import { microsoftScopes } from '../auth/tokenSource';
import type { VscodeMicrosoftSession } from './microsoftSession';
import { normalizeEndpoint, validateSignInSettings } from '../config/connectionSettings';
import { type ConnectionTarget, settingsForTarget } from '../config/connectionTarget';
import { openExtensionSettings, readRawSettings } from './settings';
import type { SecretStore } from './secretStore';
import type { ConnectionManager } from '../connection/connectionManager';

export interface FixDeps {
  readonly microsoft: VscodeMicrosoftSession;
  readonly secrets: SecretStore;
  readonly connection: ConnectionManager;
  readonly log: vscode.LogOutputChannel;
}

export type ConnectionFix = Exclude<FixAction, 'retry' | 'newChat' | 'continue'>;

/**
 * What each button in a problem message does, for the conversation whose card it is (its
 * target: the key is set for that resource, Diagnose checks that connection). The webview can
 * only name one of these.
 */
export function createFixRunner(deps: FixDeps): (action: ConnectionFix, target: ConnectionTarget | undefined) => Promise<unknown> {
  return async (action, target) => {
    switch (action) {
      case 'openSettings':
        return openExtensionSettings();
      case 'signIn':
        return signIn(deps, target);
      case 'setApiKey':
        return setApiKey(deps, target);
      case 'setSubscriptionKey':
        return deps.secrets.promptAndStoreSubscriptionKey();
      case 'showLog':
        return deps.log.show(true);
      // Deployment discovery and Diagnose Connection register these commands.
      case 'selectDeployment':
        return vscode.commands.executeCommand(CommandId.selectDeployment);
      case 'diagnose':
        return vscode.commands.executeCommand(CommandId.diagnoseConnection, target);
    }
  };
}

/** The cloud, scope and tenant to sign in to, or undefined after telling the user what is wrong. */
function signInSettingsOrWarn(target: ConnectionTarget | undefined) {
  // No endpoint or deployment is needed to sign in: a new user signs in first, then picks.
  const validated = validateSignInSettings(settingsForTarget(readRawSettings(), target));
  if (!validated.ok) {
    void vscode.window.showWarningMessage(validated.problem.title, vscode.l10n.t('Open Settings')).then((choice) => choice && openExtensionSettings());
    return undefined;
  }
  return validated.settings;
}

export async function signIn(deps: FixDeps, target?: ConnectionTarget): Promise<void> {
  const settings = signInSettingsOrWarn(target);
  if (!settings) {
    return;
  }
  try {
    await deps.microsoft.signIn(microsoftScopes({ scope: settings.tokenScope, tenantId: settings.tenantId }), settings.cloud.authProvider);
    deps.connection.invalidate();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.log.warn(`Microsoft sign-in did not complete: ${message}`);
    void vscode.window.showWarningMessage(vscode.l10n.t('Microsoft sign-in did not complete: {0}', message));
  }
}

/**
 * The endpoint whose key is meant: the target's, else the settings'. A key belongs to one
 * resource, so without an endpoint there is nothing to store it for.
 */
function keyEndpointOrWarn(target: ConnectionTarget | undefined): string | undefined {
  const raw = target?.endpoint ?? readRawSettings().endpoint;
  const normalized = typeof raw === 'string' && raw.trim() ? normalizeEndpoint(raw.trim()) : undefined;
  if (normalized && 'endpoint' in normalized) {
    return normalized.endpoint;
  }
  const select = vscode.l10n.t('Select Deployment');
  const open = vscode.l10n.t('Open Settings');
  void vscode.window
    .showWarningMessage(vscode.l10n.t('An API key belongs to one Azure OpenAI resource: set the endpoint first.'), select, open)
    .then((choice) => (choice === select ? vscode.commands.executeCommand(CommandId.selectDeployment) : choice === open ? openExtensionSettings() : undefined));
  return undefined;
}

/** Asks for the API key of the target's resource; resolves to whether one was stored. */
export async function setApiKey(deps: FixDeps, target?: ConnectionTarget): Promise<boolean> {
  const endpoint = keyEndpointOrWarn(target);
  return endpoint ? deps.secrets.promptAndStoreApiKey(endpoint) : false;
}

export async function clearApiKey(deps: FixDeps, target?: ConnectionTarget): Promise<void> {
  const endpoint = keyEndpointOrWarn(target);
  if (endpoint) {
    await deps.secrets.clearApiKey(endpoint);
  }
}
