/**
 * A Resource Manager token, found in the same order as chat finds its own: VS Code's Microsoft
 * session (silently), then the Azure identity chain (managed identity, Azure CLI, ...). The
 * scope is the chosen cloud's Resource Manager, and the tenant the one the user selected.
 */
import { AzureIdentityChain, type ChainSource } from '../auth/azureIdentityChain';
import type { MicrosoftSessionProvider } from '../auth/credentialResolver';
import { type CloudProfile, resolveCloud } from '../config/cloud';
import { type RawSettings, tenantPattern } from '../config/connectionSettings';
import type { Logger } from '../logging/logger';

export interface ManagementTarget {
  readonly cloud: CloudProfile;
  readonly tenantId: string | undefined;
}

export interface ManagementToken {
  readonly source: 'vscode' | ChainSource;
  getToken(): Promise<string>;
}

export interface ManagementCredentialDeps {
  readonly microsoft: MicrosoftSessionProvider;
  readonly log: Logger;
  readonly env: NodeJS.ProcessEnv;
  readonly managedIdentityTimeoutMs?: number;
  readonly createChain?: (scope: string, tenantId: string | undefined, authorityHost: string | undefined) => AzureIdentityChain;
}

export function managementScopes(target: ManagementTarget): string[] {
  return target.tenantId ? [target.cloud.managementScope, `VSCODE_TENANT:${target.tenantId}`] : [target.cloud.managementScope];
}

export class ManagementCredential {
  private chain: { key: string; chain: AzureIdentityChain } | undefined;

  constructor(private readonly deps: ManagementCredentialDeps) {}

  /** Undefined when neither VS Code nor the chain has a credential; the UI then offers sign-in. */
  async find(target: ManagementTarget): Promise<ManagementToken | undefined> {
    const scopes = managementScopes(target);
    const provider = target.cloud.authProvider;
    const session = await this.deps.microsoft.getSessionSilently(scopes, provider).catch((error: unknown) => {
      this.deps.log.info(`VS Code sign-in has no Resource Manager session: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    if (session) {
      return {
        source: 'vscode',
        getToken: async () => {
          const current = await this.deps.microsoft.getSessionSilently(scopes, provider);
          if (!current) {
            throw new Error('The VS Code Microsoft session ended; sign in again.');
          }
          return current.accessToken;
        },
      };
    }
    const chain = this.chainFor(target);
    try {
      await chain.getToken();
    } catch (error) {
      this.deps.log.info(`Azure credential chain has no Resource Manager token: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
      return undefined;
    }
    return { source: chain.source ?? 'azureDeveloper', getToken: () => chain.getToken() };
  }

  private chainFor(target: ManagementTarget): AzureIdentityChain {
    const tenantId = target.tenantId ?? (this.deps.env.AZURE_TENANT_ID || undefined);
    const authorityHost = target.cloud.name === 'AzureCloud' ? undefined : target.cloud.authorityHost;
    const key = JSON.stringify([target.cloud.managementScope, tenantId, authorityHost]);
    if (this.chain?.key !== key) {
      const chain =
        this.deps.createChain?.(target.cloud.managementScope, tenantId, authorityHost) ??
        new AzureIdentityChain({
          scope: target.cloud.managementScope,
          tenantId,
          authorityHost,
          managedIdentityClientId: this.deps.env.AZURE_CLIENT_ID || undefined,
          managedIdentityTimeoutMs: this.deps.managedIdentityTimeoutMs ?? 1500,
          log: this.deps.log,
        });
      this.chain = { key, chain };
    }
    return this.chain.chain;
  }
}

/**
 * Cloud and tenant from raw settings. Discovery must work before an endpoint is set, so this
 * reads only what it needs instead of requiring the whole chat configuration to be valid.
 */
export function managementTargetFrom(raw: RawSettings): { readonly ok: true; readonly target: ManagementTarget } | { readonly ok: false; readonly error: string } {
  const cloud = resolveCloud(raw.cloud, raw.customCloud);
  if (!cloud.ok) {
    return { ok: false, error: `azureOpenAIChat.cloud: ${cloud.error}` };
  }
  const tenant = typeof raw.tenantId === 'string' ? raw.tenantId.trim() : '';
  if (tenant && !tenantPattern.test(tenant)) {
    return { ok: false, error: `azureOpenAIChat.tenantId: "${tenant}" is not a tenant ID or domain.` };
  }
  return { ok: true, target: { cloud: cloud.cloud, tenantId: tenant || undefined } };
}
