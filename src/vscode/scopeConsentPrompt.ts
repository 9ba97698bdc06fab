import * as vscode from 'vscode';
import { createScopeConsent, type ScopeConsent } from '../auth/scopePolicy';

/** Where confirmed scopes are kept: per user, across windows, never in a workspace. */
const confirmedScopesKey = 'azureOpenAIChat.confirmedTokenScopes';

/**
 * Asks, in a modal, before a token is requested for a scope that is not an Azure OpenAI / AI
 * audience or an api:// app; a yes is remembered per scope in globalState.
 */
export function createVscodeScopeConsent(state: vscode.Memento): ScopeConsent {
  const confirmed = () => state.get<string[]>(confirmedScopesKey) ?? [];
  return createScopeConsent({
    isRemembered: (scope) => confirmed().includes(scope),
    remember: async (scope) => {
      await state.update(confirmedScopesKey, [...new Set([...confirmed(), scope])]);
    },
    ask: async (scope, endpoint) => {
      const request = vscode.l10n.t('Request Token');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('Request a Microsoft token for {0}?', scope),
        {
          modal: true,
          detail: vscode.l10n.t(
            'azureOpenAIChat.tokenScope asks for a token for {0}, which is not Azure OpenAI, Azure AI or an api:// app. The token is sent to {1}, which could then act as you in that service. Continue only if you set this scope yourself.',
            scope,
            safeHost(endpoint),
          ),
        },
        request,
      );
      return choice === request;
    },
  });
}

function safeHost(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}
