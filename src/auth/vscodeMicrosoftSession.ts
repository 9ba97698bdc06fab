import * as vscode from 'vscode';
import type { MicrosoftSessionProvider } from './credentialResolver';

const providerId = 'microsoft';

/** VS Code's built-in Microsoft sign-in, as the credential resolver sees it. */
export class VscodeMicrosoftSession implements MicrosoftSessionProvider {
  async getSessionSilently(scopes: readonly string[]): Promise<{ accessToken: string; account: string } | undefined> {
    const session = await vscode.authentication.getSession(providerId, scopes, { silent: true });
    return session ? { accessToken: session.accessToken, account: session.account.label } : undefined;
  }

  /** Asks the user to sign in (VS Code shows its consent and account pickers). */
  async signIn(scopes: readonly string[]): Promise<boolean> {
    const session = await vscode.authentication.getSession(providerId, scopes, { createIfNone: true });
    return session !== undefined;
  }

  onDidChangeSessions(listener: () => void): vscode.Disposable {
    return vscode.authentication.onDidChangeSessions((event) => {
      if (event.provider.id === providerId) {
        listener();
      }
    });
  }
}
