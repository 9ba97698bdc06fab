/**
 * Finds the Azure OpenAI deployments a signed-in account can see through Resource Manager:
 * subscriptions, then Cognitive Services accounts of kind OpenAI or AIServices, then each
 * account's deployments. One subscription that refuses (403 AuthorizationFailed) is reported
 * as such and the others are still listed.
 */
import { type ArmClient, ArmError } from './armClient';

export const armApiVersions = {
  subscriptions: '2022-12-01',
  tenants: '2022-12-01',
  cognitiveServices: '2024-10-01',
} as const;

export interface DiscoveredDeployment {
  readonly subscriptionId: string;
  readonly subscriptionName: string;
  /** Full ARM id of the account, for `az role assignment create --scope`. */
  readonly accountId: string;
  readonly accountName: string;
  readonly accountKind: string;
  readonly location: string;
  /** The data-plane endpoint, without a trailing slash. */
  readonly endpoint: string;
  readonly deployment: string;
  readonly model: string;
  readonly modelVersion: string;
  readonly sku: string;
  readonly capacity: number | undefined;
  /** ARM's `properties.capabilities` of the deployment, e.g. { chatCompletion: 'true' }. */
  readonly capabilities: Readonly<Record<string, string>>;
}

export type SubscriptionOutcome =
  | { readonly subscriptionId: string; readonly name: string; readonly status: 'listed'; readonly accounts: number }
  | { readonly subscriptionId: string; readonly name: string; readonly status: 'forbidden' | 'failed'; readonly message: string };

export interface DiscoveryResult {
  readonly deployments: readonly DiscoveredDeployment[];
  readonly subscriptions: readonly SubscriptionOutcome[];
}

export interface DiscoveredTenant {
  readonly tenantId: string;
  readonly displayName: string;
  readonly defaultDomain: string;
  readonly isHome: boolean;
}

interface ArmSubscriptionJson {
  subscriptionId?: string;
  displayName?: string;
  state?: string;
}

interface ArmAccountJson {
  id?: string;
  name?: string;
  kind?: string;
  location?: string;
  properties?: { endpoint?: string; endpoints?: Record<string, string> };
}

interface ArmDeploymentJson {
  name?: string;
  sku?: { name?: string; capacity?: number };
  properties?: { model?: { name?: string; version?: string }; capabilities?: Record<string, string>; provisioningState?: string };
}

interface ArmTenantJson {
  tenantId?: string;
  displayName?: string;
  defaultDomain?: string;
  tenantCategory?: string;
}

const chatKinds = new Set(['openai', 'aiservices']);

/** The endpoint chat should use: the OpenAI one of `endpoints` when present, else `endpoint`. */
export function dataPlaneEndpoint(account: ArmAccountJson): string | undefined {
  const endpoints = account.properties?.endpoints ?? {};
  const openAi = endpoints['OpenAI Language Model Instance API'];
  const chosen = typeof openAi === 'string' && openAi ? openAi : account.properties?.endpoint;
  return typeof chosen === 'string' && chosen ? chosen.replace(/\/+$/, '') : undefined;
}

export interface DiscoverOptions {
  readonly onProgress?: (message: string) => void;
  /** How many subscriptions are read at once (Resource Manager throttles per principal). */
  readonly concurrency?: number;
}

export async function discoverDeployments(arm: ArmClient, options: DiscoverOptions = {}): Promise<DiscoveryResult> {
  options.onProgress?.('Listing subscriptions…');
  const subscriptions = (await arm.listAll<ArmSubscriptionJson>(`/subscriptions?api-version=${armApiVersions.subscriptions}`)).filter(
    (subscription): subscription is ArmSubscriptionJson & { subscriptionId: string } => typeof subscription.subscriptionId === 'string',
  );
  const outcomes: SubscriptionOutcome[] = new Array<SubscriptionOutcome>(subscriptions.length);
  const found: DiscoveredDeployment[][] = subscriptions.map(() => []);
  let done = 0;
  await forEachLimited(subscriptions, options.concurrency ?? 4, async (subscription, index) => {
    const name = subscription.displayName ?? subscription.subscriptionId;
    try {
      const accounts = await listChatAccounts(arm, subscription.subscriptionId);
      for (const account of accounts) {
        found[index].push(...(await listDeployments(arm, subscription.subscriptionId, name, account)));
      }
      outcomes[index] = { subscriptionId: subscription.subscriptionId, name, status: 'listed', accounts: accounts.length };
    } catch (error) {
      if (!(error instanceof ArmError) || error.code === 'Cancelled') {
        throw error;
      }
      outcomes[index] = {
        subscriptionId: subscription.subscriptionId,
        name,
        status: error.status === 403 || error.code === 'AuthorizationFailed' ? 'forbidden' : 'failed',
        message: error.message,
      };
    }
    done++;
    options.onProgress?.(`Read ${done} of ${subscriptions.length} subscriptions…`);
  });
  return { deployments: found.flat(), subscriptions: outcomes };
}

async function listChatAccounts(arm: ArmClient, subscriptionId: string): Promise<Array<ArmAccountJson & { id: string; name: string }>> {
  const accounts = await arm.listAll<ArmAccountJson>(
    `/subscriptions/${encodeURIComponent(subscriptionId)}/providers/Microsoft.CognitiveServices/accounts?api-version=${armApiVersions.cognitiveServices}`,
  );
  return accounts.filter(
    (account): account is ArmAccountJson & { id: string; name: string } =>
      typeof account.id === 'string' && typeof account.name === 'string' && chatKinds.has((account.kind ?? '').toLowerCase()),
  );
}

async function listDeployments(
  arm: ArmClient,
  subscriptionId: string,
  subscriptionName: string,
  account: ArmAccountJson & { id: string; name: string },
): Promise<DiscoveredDeployment[]> {
  const endpoint = dataPlaneEndpoint(account);
  if (!endpoint) {
    return [];
  }
  const deployments = await arm.listAll<ArmDeploymentJson>(`${account.id}/deployments?api-version=${armApiVersions.cognitiveServices}`);
  return deployments
    .filter((deployment) => typeof deployment.name === 'string' && (deployment.properties?.provisioningState ?? 'Succeeded') === 'Succeeded')
    .map((deployment) => ({
      subscriptionId,
      subscriptionName,
      accountId: account.id,
      accountName: account.name,
      accountKind: account.kind ?? '',
      location: account.location ?? '',
      endpoint,
      deployment: deployment.name ?? '',
      model: deployment.properties?.model?.name ?? '',
      modelVersion: deployment.properties?.model?.version ?? '',
      sku: deployment.sku?.name ?? '',
      capacity: deployment.sku?.capacity,
      capabilities: deployment.properties?.capabilities ?? {},
    }));
}

export async function listTenants(arm: ArmClient): Promise<DiscoveredTenant[]> {
  const tenants = await arm.listAll<ArmTenantJson>(`/tenants?api-version=${armApiVersions.tenants}`);
  return tenants
    .filter((tenant): tenant is ArmTenantJson & { tenantId: string } => typeof tenant.tenantId === 'string')
    .map((tenant) => ({
      tenantId: tenant.tenantId,
      displayName: tenant.displayName ?? tenant.defaultDomain ?? tenant.tenantId,
      defaultDomain: tenant.defaultDomain ?? '',
      isHome: tenant.tenantCategory === 'Home',
    }));
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  });
  await Promise.all(workers);
}
