import * as vscode from 'vscode';
import type { MicrosoftSessionProvider } from '../auth/credentialResolver';
import type { MicrosoftAuthProviderId } from '../config/cloud';

/** Public cloud: `microsoft`; US Government, China and custom clouds: `microsoft-sovereign-cloud`. */
const providerIds: readonly string[] = ['microsoft', 'microsoft-sovereign-cloud'] satisfies MicrosoftAuthProviderId[];

/** VS Code's built-in Microsoft sign-in, as the credential resolver sees it. */
export class VscodeMicrosoftSession implements MicrosoftSessionProvider {
  async getSessionSilently(scopes: readonly string[], provider: MicrosoftAuthProviderId = 'microsoft'): Promise<{ accessToken: string; account: string } | undefined> {
    const session = await vscode.authentication.getSession(provider, scopes, { silent: true });
    return session ? { accessToken: session.accessToken, account: session.account.label } : undefined;
  }

  /** Asks the user to sign in (VS Code shows its consent and account pickers). */
  async signIn(scopes: readonly string[], provider: MicrosoftAuthProviderId = 'microsoft'): Promise<boolean> {
    const session = await vscode.authentication.getSession(provider, scopes, { createIfNone: true });
    return session !== undefined;
  }

  onDidChangeSessions(listener: () => void): vscode.Disposable {
    return vscode.authentication.onDidChangeSessions((event) => {
      if (providerIds.includes(event.provider.id)) {
        listener();
      }
    });
  }
}
