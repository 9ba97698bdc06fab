/**
 * A Resource Manager token for discovery, from the one token source every feature uses
 * (src/auth/tokenSource.ts): the same order as the chat's, for the chosen cloud's Resource
 * Manager scope and the tenant the user selected. No other audience is ever asked for here.
 */
import type { ChainSource } from '../auth/azureIdentityChain';
import type { TokenSource } from '../auth/tokenSource';
import { type CloudProfile, resolveCloud } from '../config/cloud';
import { type RawSettings, tenantPattern } from '../config/connectionSettings';

export interface ManagementTarget {
  readonly cloud: CloudProfile;
  readonly tenantId: string | undefined;
}

export interface ManagementToken {
  readonly source: 'vscode' | ChainSource;
  getToken(): Promise<string>;
}

export function managementScopes(target: ManagementTarget): string[] {
  return target.tenantId ? [target.cloud.managementScope, `VSCODE_TENANT:${target.tenantId}`] : [target.cloud.managementScope];
}

/** Undefined when neither VS Code nor the chain has a credential; the UI then offers sign-in. */
export async function findManagementToken(tokens: TokenSource, target: ManagementTarget): Promise<ManagementToken | undefined> {
  const lookup = await tokens.find({ purpose: 'resourceManager', scope: target.cloud.managementScope, tenantId: target.tenantId, cloud: target.cloud });
  return lookup.found;
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
