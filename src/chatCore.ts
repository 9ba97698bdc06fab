/**
 * The composition root of everything that does not need VS Code: one token source, one
 * credential resolver, one connection factory (per target), one model client per target and
 * the chat's answer source over them. The extension (src/extension.ts), the plain-node tests
 * (test/unit/chatStack.ts) and the benchmark (bench/hostStack.ts) all build the chat with this
 * function, so they cannot drift apart; each passes only what differs (VS Code's sign-in and
 * secret storage, or the stand-ins').
 */
import type { DeploymentOfferView, ModelStateView } from './common/protocol';
import type { AzureIdentityChain } from './auth/azureIdentityChain';
import { CredentialResolver, type SecretReader } from './auth/credentialResolver';
import { migrateLegacyApiKey, type SecretBackend } from './config/apiKeys';
import type { ScopeConsent } from './auth/scopePolicy';
import { type MicrosoftSessionProvider, type TokenRequest, TokenSource } from './auth/tokenSource';
import { AzureModelClient, type DeploymentInfo } from './azure/modelClient';
import { type DeploymentMemory, InMemoryDeploymentMemory, type ModelHint } from './azure/modelProfiles';
import type { RetryPolicy } from './azure/retryPolicy';
import { AzureAnswerSource } from './chat/azureAnswerSource';
import { normalizeEndpoint, type RawSettings } from './config/connectionSettings';
import { type ConnectionTarget, targetKey } from './config/connectionTarget';
import { ConnectionManager, type ConnectionResult } from './connection/connectionManager';
import type { Logger } from './logging/logger';
import type { ModelStateProvider } from './chat/modelState';
import type { TokenUsage } from './azure/modelRequest';
import { estimateCost, type LedgerStore, parsePriceTable, type PriceTable, priceFor, type UsageConsumer, UsageLedger } from './chat/usageLedger';

export interface ChatCoreDeps {
  readonly microsoft: MicrosoftSessionProvider;
  /** SecretStorage: API keys per resource, the subscription key; an earlier version's single key moves here. */
  readonly secrets: SecretBackend;
  readonly readSettings: () => RawSettings;
  readonly log: Logger;
  readonly env: NodeJS.ProcessEnv;
  /** Decides about data-plane scopes that are not an Azure OpenAI / AI audience (none: refused). */
  readonly scopeConsent?: ScopeConsent;
  /** Where learned model profiles and effort choices are kept; in memory by default. */
  readonly memory?: DeploymentMemory;
  /** The model behind a deployment, when discovery knows it (looked up at use, so it may be wired later). */
  readonly modelHint?: ModelHint;
  /** A tenant's display name for the header (from Select Tenant). */
  readonly describeTenant?: (tenantId: string) => string | undefined;
  readonly managedIdentityTimeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** Tests and benchmarks: the transport under the hardened fetch, and the identity chain. */
  readonly transport?: typeof fetch;
  readonly createChain?: (request: TokenRequest) => AzureIdentityChain;
  /** Spend: where the usage ledger is kept (globalState); in memory by default. */
  readonly usageStore?: LedgerStore;
  /** Spend: the user's price table (azureOpenAIChat.prices), read at each answer. */
  readonly readPrices?: () => unknown;
  /** Spend: after a 429, deployments of the same model (discovery; looked up at use, so it may be wired later). */
  readonly alternatives?: (endpoint: string, deployment: string, model: string | undefined) => readonly DeploymentOfferView[];
}

/** Model clients kept; each holds one SDK client, and what it learned lives in the shared memory. */
const maxClients = 32;

export function createChatCore(deps: ChatCoreDeps) {
  const keyMigration = new LegacyKeyMigration(deps);
  // Keys are read only after an earlier version's single key has moved to its resource.
  const secrets: SecretReader = { get: async (name) => (await keyMigration.done(), deps.secrets.get(name)) };
  const tokens = new TokenSource({
    microsoft: deps.microsoft,
    log: deps.log,
    env: deps.env,
    ...(deps.scopeConsent ? { scopeConsent: deps.scopeConsent } : {}),
    ...(deps.managedIdentityTimeoutMs !== undefined ? { managedIdentityTimeoutMs: deps.managedIdentityTimeoutMs } : {}),
    ...(deps.createChain ? { createChain: deps.createChain } : {}),
  });
  const resolver = new CredentialResolver({ tokens, secrets, log: deps.log });
  const connections = new ConnectionManager({
    readSettings: deps.readSettings,
    resolver,
    secrets,
    log: deps.log,
    ...(deps.describeTenant ? { describeTenant: deps.describeTenant } : {}),
  });
  const memory: DeploymentMemory = deps.memory ?? new InMemoryDeploymentMemory();

  // Spend: every answer is counted per deployment per day, the chat's apart from other extensions'.
  const ledger = new UsageLedger(deps.usageStore ?? inMemoryStore());
  const prices = (): PriceTable => parsePriceTable(deps.readPrices?.());
  const costOf = (info: DeploymentInfo, usage: TokenUsage): number | undefined => {
    const price = priceFor(prices(), info.profile.model, info.deployment);
    return price ? estimateCost(usage, price) : undefined;
  };
  const meter =
    (consumer: UsageConsumer) =>
    (info: DeploymentInfo, usage: TokenUsage): void => {
      const cost = costOf(info, usage);
      ledger.record({ endpoint: info.endpoint, deployment: info.deployment, consumer, usage, ...(cost !== undefined ? { cost } : {}) });
    };

  const newClient = (connection: () => Promise<ConnectionResult>, consumer: UsageConsumer) =>
    new AzureModelClient({
      connection,
      log: deps.log,
      memory,
      onUsage: meter(consumer),
      ...(deps.modelHint ? { modelHint: deps.modelHint } : {}),
      ...(deps.retry ? { retry: deps.retry } : {}),
      ...(deps.transport ? { clientExtras: { fetch: deps.transport } } : {}),
    });
  /**
   * A model client over a connection the caller resolves: the language model provider's targets,
   * whose answers go to other extensions and are counted apart from the chat's.
   */
  const createClient = (connection: () => Promise<ConnectionResult>) => newClient(connection, 'otherExtensions');

  const clients = new Map<string, AzureModelClient>();
  /** The model client of a target, kept (most recently used last) so it keeps its SDK client. */
  const clientFor = (target: ConnectionTarget | undefined): AzureModelClient => {
    const key = targetKey(target);
    let client = clients.get(key);
    if (client) {
      clients.delete(key);
    } else {
      client = newClient(() => connections.current(target), 'chat');
    }
    clients.set(key, client);
    if (clients.size > maxClients) {
      clients.delete(clients.keys().next().value as string);
    }
    return client;
  };

  const source = new AzureAnswerSource({
    clientFor,
    connection: (target) => connections.current(target),
    costOf,
    ...(deps.alternatives ? { alternatives: (info: DeploymentInfo) => deps.alternatives?.(info.endpoint, info.deployment, info.profile.model) ?? [] } : {}),
  });
  const models: ModelStateProvider = {
    state: async (target) => toModelStateView(await clientFor(target).deploymentInfo()),
    setEffort: (target, effort) => clientFor(target).setReasoningEffort(effort),
  };
  return {
    tokens,
    resolver,
    connections,
    memory,
    clientFor,
    createClient,
    source,
    models,
    /** Spend: the usage ledger, the price table and the cost of an answer. */
    spend: { ledger, prices, costOf },
    /** Settings changed: an endpoint set only now takes the waiting key of an earlier version. */
    settingsChanged: () => keyMigration.again(),
  };
}

/** Moves an earlier version's single API key to the endpoint configured (src/config/apiKeys.ts). */
class LegacyKeyMigration {
  private running: Promise<void>;

  constructor(private readonly deps: Pick<ChatCoreDeps, 'secrets' | 'readSettings' | 'log'>) {
    this.running = this.migrate();
  }

  done(): Promise<void> {
    return this.running;
  }

  again(): Promise<void> {
    this.running = this.running.then(() => this.migrate());
    return this.running;
  }

  private async migrate(): Promise<void> {
    const raw = this.deps.readSettings().endpoint;
    const normalized = typeof raw === 'string' && raw.trim() ? normalizeEndpoint(raw.trim()) : undefined;
    const endpoint = normalized && 'endpoint' in normalized ? normalized.endpoint : undefined;
    try {
      if ((await migrateLegacyApiKey(this.deps.secrets, endpoint)) === 'moved') {
        this.deps.log.info(`The stored API key now belongs to ${endpoint ?? ''} and is sent only there.`);
      }
    } catch (error) {
      this.deps.log.warn(`The stored API key could not be moved to its resource: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

export type ChatCore = ReturnType<typeof createChatCore>;

function inMemoryStore(): LedgerStore {
  let value: unknown;
  return { get: () => value, set: (next) => void (value = next) };
}

export function toModelStateView(info: DeploymentInfo | undefined): ModelStateView | undefined {
  if (!info) {
    return undefined;
  }
  const { profile, effort, deployment } = info;
  return { model: profile.model ?? deployment, efforts: profile.reasoningEfforts, ...(effort ? { effort } : {}) };
}
