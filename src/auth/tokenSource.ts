/**
 * The one place a Microsoft Entra token is found, for every feature: the chat and the language
 * model provider (data plane), discovery (Resource Manager) and Diagnose Connection. The order
 * is VS Code's Microsoft session (silently), then the Azure identity chain (managed identity,
 * Azure CLI, ...). Which audiences may be asked for at all is decided here too, once: a token
 * is only as harmless as its audience, so a data-plane token needs an accepted scope or the
 * user's consent, and a Resource Manager token is only ever the chosen cloud's.
 */
import type { CloudProfile, MicrosoftAuthProviderId } from '../config/cloud';
import type { Logger } from '../logging/logger';
import { AzureIdentityChain, type ChainSource } from './azureIdentityChain';
import { describeSource, SignInRequiredError } from './credential';
import { acceptedScopesOnly, type ScopeConsent } from './scopePolicy';

/** What the token source needs from VS Code's Microsoft sign-in; implemented in vscodeMicrosoftSession.ts. */
export interface MicrosoftSessionProvider {
  /** Never shows UI. Undefined when there is no session the extension may use silently. */
  getSessionSilently(scopes: readonly string[], provider?: MicrosoftAuthProviderId): Promise<{ readonly accessToken: string; readonly account: string } | undefined>;
}

export interface TokenRequest {
  /** Data plane: Azure OpenAI or a gateway (`endpoint`). Resource Manager: the cloud's management API. */
  readonly purpose: 'dataPlane' | 'resourceManager';
  readonly scope: string;
  readonly tenantId: string | undefined;
  readonly cloud: CloudProfile;
  /** Where a data-plane token will be sent, for the consent question. */
  readonly endpoint?: string;
}

export interface EntraToken {
  readonly source: 'vscode' | ChainSource;
  /** Shown in the chat header, e.g. "Signed in as ada@contoso.com via VS Code". */
  readonly label: string;
  readonly account?: string;
  /** Returns a cached token while it is valid; fetches a new one otherwise. */
  getToken(): Promise<string>;
  /** Forget any cached token, after the service said it expired. */
  forgetCachedToken(): void;
}

export type TokenLookup =
  | { readonly found: EntraToken; readonly attempts: readonly string[] }
  | { readonly found: undefined; readonly attempts: readonly string[]; readonly refused?: 'scopeNotAllowed' };

export interface TokenSourceDeps {
  readonly microsoft: MicrosoftSessionProvider;
  readonly log: Logger;
  readonly env: NodeJS.ProcessEnv;
  readonly managedIdentityTimeoutMs?: number;
  /** Decides about data-plane scopes that are not an Azure OpenAI / AI audience; default: refuse them. */
  readonly scopeConsent?: ScopeConsent;
  /** For tests: the chain for a request. */
  readonly createChain?: (request: TokenRequest) => AzureIdentityChain;
}

/** Scopes for VS Code's Microsoft provider; the tenant travels as a pseudo-scope. */
export function microsoftScopes(request: Pick<TokenRequest, 'scope' | 'tenantId'>): string[] {
  return request.tenantId ? [request.scope, `VSCODE_TENANT:${request.tenantId}`] : [request.scope];
}

export class TokenSource {
  /** One chain per scope, tenant, identity and authority, kept so its token cache is too. */
  private readonly chains = new Map<string, AzureIdentityChain>();

  constructor(private readonly deps: TokenSourceDeps) {}

  /** Whether a token for this request may be asked for at all (may ask the user once). */
  async allows(request: TokenRequest): Promise<boolean> {
    if (request.purpose === 'resourceManager') {
      return request.scope === request.cloud.managementScope;
    }
    return (this.deps.scopeConsent ?? acceptedScopesOnly).allows(request.scope, request.endpoint ?? '');
  }

  async find(request: TokenRequest): Promise<TokenLookup> {
    if (!(await this.allows(request))) {
      return { found: undefined, attempts: [`No token requested for ${request.scope}: that audience is not allowed for ${request.purpose === 'dataPlane' ? 'Azure OpenAI' : 'Resource Manager'}.`], refused: 'scopeNotAllowed' };
    }
    const attempts: string[] = [];
    const scopes = microsoftScopes(request);
    const provider = request.cloud.authProvider;
    const session = await this.deps.microsoft.getSessionSilently(scopes, provider).catch((error: unknown) => {
      attempts.push(`VS Code Microsoft sign-in: ${firstLine(error)}`);
      this.deps.log.warn(`VS Code Microsoft sign-in unavailable: ${firstLine(error)}`);
      return undefined;
    });
    if (session) {
      return {
        found: {
          source: 'vscode',
          label: `Signed in as ${session.account} via VS Code`,
          account: session.account,
          getToken: async () => {
            // VS Code caches and refreshes the session; asking each time picks up a refresh.
            const current = await this.deps.microsoft.getSessionSilently(scopes, provider);
            if (!current) {
              throw new SignInRequiredError();
            }
            return current.accessToken;
          },
          forgetCachedToken: () => undefined,
        },
        attempts,
      };
    }
    if (attempts.length === 0) {
      attempts.push(`VS Code Microsoft sign-in (${provider}): no session for ${scopes.join(' ')} (not signed in, or not yet consented for this scope).`);
    }
    const chain = this.chainFor(request);
    try {
      await chain.getToken();
    } catch (error) {
      attempts.push(`Azure credential chain (managed identity, Azure CLI, Azure Developer CLI, Azure PowerShell): ${chainReasons(error)}`);
      this.deps.log.info(`Azure credential chain found no credential for ${request.scope}: ${firstLine(error)}`);
      return { found: undefined, attempts };
    }
    const source = chain.source ?? 'azureDeveloper';
    return { found: { source, label: describeSource(source), getToken: () => chain.getToken(), forgetCachedToken: () => chain.forgetCachedToken() }, attempts };
  }

  private chainFor(request: TokenRequest): AzureIdentityChain {
    const clientId = this.deps.env.AZURE_CLIENT_ID || undefined;
    const tenantId = request.tenantId ?? (this.deps.env.AZURE_TENANT_ID || undefined);
    const authorityHost = request.cloud.name === 'AzureCloud' ? undefined : request.cloud.authorityHost;
    const key = JSON.stringify([request.scope, tenantId, clientId, authorityHost]);
    let chain = this.chains.get(key);
    if (!chain) {
      chain =
        this.deps.createChain?.(request) ??
        new AzureIdentityChain({
          scope: request.scope,
          tenantId,
          managedIdentityClientId: clientId,
          authorityHost,
          managedIdentityTimeoutMs: this.deps.managedIdentityTimeoutMs ?? 1500,
          log: this.deps.log,
        });
      this.chains.set(key, chain);
    }
    return chain;
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

/** The chain's aggregate error lists each credential; keep a short line per credential. */
function chainReasons(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(0, 4)
    .map((line) => (line.length > 220 ? `${line.slice(0, 217)}...` : line))
    .join(' | ');
}
