/**
 * The credential a chat request uses. Built by CredentialResolver, consumed by the client
 * factory; neither knows about the other's details, and neither imports `vscode`.
 */
export type CredentialSource = 'vscode' | 'managedIdentity' | 'azureCli' | 'azureDeveloper' | 'apiKey';

export type ChatCredential =
  | {
      readonly kind: 'entra';
      readonly source: Exclude<CredentialSource, 'apiKey'>;
      /** Shown in the chat header, e.g. "Signed in as ada@contoso.com via VS Code". */
      readonly label: string;
      /** The signed-in account, when VS Code's session names it. */
      readonly account?: string;
      /** Returns a cached token while it is valid; fetches a new one otherwise. */
      getToken(): Promise<string>;
      /** Forget any cached token, after the service said it expired. */
      forgetCachedToken(): void;
    }
  | { readonly kind: 'apiKey'; readonly source: 'apiKey'; readonly label: string; readonly apiKey: string };

/** Thrown by getToken when the user has to sign in again (e.g. signed out of VS Code). */
export class SignInRequiredError extends Error {
  constructor(message = 'Sign in with Microsoft to continue.') {
    super(message);
    this.name = 'SignInRequiredError';
  }
}

export function describeSource(source: CredentialSource): string {
  switch (source) {
    case 'vscode':
      return 'VS Code Microsoft sign-in';
    case 'managedIdentity':
      return 'Managed identity';
    case 'azureCli':
      return 'Azure CLI';
    case 'azureDeveloper':
      return 'Azure developer sign-in';
    case 'apiKey':
      return 'API key';
  }
}
