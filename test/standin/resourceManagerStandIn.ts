// A loopback Azure Resource Manager, as far as deployment discovery reads it, built from ARM's
// documented REST API: GET /tenants and /subscriptions (api-version 2022-12-01),
// Microsoft.CognitiveServices accounts of a subscription and the deployments of an account
// (api-version 2024-10-01); `{ value, nextLink }` pages, where nextLink is an absolute URL
// carrying a `$skiptoken`; errors as `{ error: { code, message } }`; 403 AuthorizationFailed
// for a scope the caller has no role on; 429 with `Retry-After` in seconds when throttled;
// 400 MissingApiVersionParameter; 401 for a missing or wrong-audience bearer token.
//
// Like ARM, /subscriptions lists the subscriptions of the token's tenant (`tid`), so signing in
// to another tenant shows other subscriptions.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback, loopbackUrl } from './loopbackServer';
import { type StandInJwtPayload, tryDecodeJwtPayload } from './tokens';

export interface ArmTenant {
  readonly tenantId: string;
  readonly displayName: string;
  readonly defaultDomain: string;
  /** `Home` for the signed-in account's own tenant; `ProjectedBy` for a guest tenant. */
  readonly tenantCategory: 'Home' | 'ProjectedBy' | 'ManagedBy';
}

export interface ArmDeployment {
  readonly name: string;
  readonly model: string;
  readonly version: string;
  readonly sku: string;
  readonly capacity: number;
  /** ARM's `properties.capabilities`, e.g. { chatCompletion: 'true' }. */
  readonly capabilities?: Readonly<Record<string, string>>;
}

export interface ArmAccount {
  readonly name: string;
  readonly resourceGroup: string;
  /** OpenAI, AIServices, or another Cognitive Services kind (which discovery skips). */
  readonly kind: string;
  readonly location: string;
  /** The data-plane endpoint; default https://<name>.openai.azure.com/ */
  readonly endpoint?: string;
  readonly deployments: readonly ArmDeployment[];
}

export interface ArmSubscription {
  readonly subscriptionId: string;
  readonly displayName: string;
  readonly tenantId: string;
  /** Listing its accounts answers 403 AuthorizationFailed (the caller has no role there). */
  readonly forbidden?: boolean;
  readonly accounts: readonly ArmAccount[];
}

export interface ResourceManagerStandInOptions {
  readonly port?: number;
  readonly tenants: readonly ArmTenant[];
  readonly subscriptions: readonly ArmSubscription[];
  /** Items per page before a nextLink (default 2, so every list of 3+ pages). */
  readonly pageSize?: number;
  /** The `aud` a token must carry; default the stand-in's own origin (its management scope minus /.default). */
  readonly audience?: string;
}

export interface ArmRequest {
  readonly path: string;
  readonly query: Record<string, string>;
  readonly status: number;
  readonly token?: StandInJwtPayload;
  /** True when an Authorization header was sent at all (a leak check for other hosts). */
  readonly hadAuthorization: boolean;
}

const accountsPath = /^\/subscriptions\/([^/]+)\/providers\/microsoft\.cognitiveservices\/accounts$/i;
const deploymentsPath = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.cognitiveservices\/accounts\/([^/]+)\/deployments$/i;

export class ResourceManagerStandIn {
  readonly requests: ArmRequest[] = [];
  private throttled: { remaining: number; retryAfterSeconds: number } | undefined;

  private constructor(
    private readonly server: Server,
    private options: ResourceManagerStandInOptions,
  ) {}

  static async start(options: ResourceManagerStandInOptions): Promise<ResourceManagerStandIn> {
    const server = createServer();
    const standIn = new ResourceManagerStandIn(server, options);
    server.on('request', (req, res) => standIn.handle(req, res));
    await listenOnLoopback(server, options.port);
    return standIn;
  }

  /** The Resource Manager origin, for `azureOpenAIChat.customCloud.resourceManagerEndpoint`. */
  get endpoint(): string {
    return loopbackUrl(this.server);
  }

  /** The next `count` requests get 429 with `Retry-After: retryAfterSeconds`. */
  throttle(count: number, retryAfterSeconds: number): void {
    this.throttled = { remaining: count, retryAfterSeconds };
  }

  /** Replaces what the stand-in lists (tests script a change, then Refresh). */
  configure(options: Partial<Pick<ResourceManagerStandInOptions, 'tenants' | 'subscriptions' | 'pageSize'>>): void {
    this.options = { ...this.options, ...options };
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const url = new URL(req.url ?? '/', this.endpoint);
    const query = Object.fromEntries(url.searchParams);
    const path = url.pathname.replace(/\/+$/, '');
    const authorization = req.headers.authorization;
    const record = (status: number, token?: StandInJwtPayload) =>
      this.requests.push({ path, query, status, hadAuthorization: authorization !== undefined, ...(token ? { token } : {}) });

    if (req.method !== 'GET') {
      record(405);
      return send(res, 405, armError('MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`));
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!bearer) {
      record(401);
      return send(res, 401, armError('AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."), {
        'www-authenticate': 'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."',
      });
    }
    const token = this.validToken(bearer);
    if (!token) {
      record(401);
      return send(res, 401, armError('InvalidAuthenticationToken', 'The access token is invalid.'));
    }
    if (!query['api-version']) {
      record(400, token);
      return send(res, 400, armError('MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.'));
    }
    if (this.throttled && this.throttled.remaining > 0) {
      this.throttled.remaining--;
      const seconds = this.throttled.retryAfterSeconds;
      record(429, token);
      return send(
        res,
        429,
        armError(
          'SubscriptionRequestsThrottled',
          `Number of 'read' requests for subscription actor '${token.oid ?? ''}' exceeded. Please try again after '${seconds}' seconds after the additional tokens are available. Refer to https://aka.ms/arm-throttling`,
        ),
        { 'retry-after': String(seconds) },
      );
    }

    const reply = this.route(path, url, token);
    record(reply.status, token);
    send(res, reply.status, reply.body);
  }

  private route(path: string, url: URL, token: StandInJwtPayload): { status: number; body: unknown } {
    if (/^\/tenants$/i.test(path)) {
      return { status: 200, body: this.page(url, this.options.tenants.map(tenantJson)) };
    }
    if (/^\/subscriptions$/i.test(path)) {
      const visible = this.options.subscriptions.filter((subscription) => subscription.tenantId === token.tid);
      return { status: 200, body: this.page(url, visible.map(subscriptionJson)) };
    }
    const accounts = accountsPath.exec(path);
    if (accounts) {
      const subscription = this.subscription(accounts[1], token);
      if (!subscription) {
        return { status: 404, body: armError('SubscriptionNotFound', `The subscription '${accounts[1]}' could not be found.`) };
      }
      if (subscription.forbidden) {
        return { status: 403, body: authorizationFailed(token, 'Microsoft.CognitiveServices/accounts/read', `/subscriptions/${subscription.subscriptionId}`) };
      }
      return { status: 200, body: this.page(url, subscription.accounts.map((account) => accountJson(subscription, account))) };
    }
    const deployments = deploymentsPath.exec(path);
    if (deployments) {
      const subscription = this.subscription(deployments[1], token);
      const account = subscription?.accounts.find(
        (candidate) => candidate.name.toLowerCase() === deployments[3].toLowerCase() && candidate.resourceGroup.toLowerCase() === deployments[2].toLowerCase(),
      );
      if (!subscription || !account) {
        return {
          status: 404,
          body: armError('ResourceNotFound', `The Resource 'Microsoft.CognitiveServices/accounts/${deployments[3]}' under resource group '${deployments[2]}' was not found.`),
        };
      }
      if (subscription.forbidden) {
        return { status: 403, body: authorizationFailed(token, 'Microsoft.CognitiveServices/accounts/deployments/read', path) };
      }
      return { status: 200, body: this.page(url, account.deployments.map((deployment) => deploymentJson(subscription, account, deployment))) };
    }
    return { status: 404, body: armError('InvalidResourceType', `The resource type could not be found in the namespace for api version '${url.searchParams.get('api-version') ?? ''}'.`) };
  }

  private subscription(id: string, token: StandInJwtPayload): ArmSubscription | undefined {
    return this.options.subscriptions.find((subscription) => subscription.subscriptionId === id && subscription.tenantId === token.tid);
  }

  /** One page of `items`, with an absolute nextLink when more remain. */
  private page(url: URL, items: unknown[]): { value: unknown[]; nextLink?: string } {
    const size = this.options.pageSize ?? 2;
    const start = Number.parseInt(url.searchParams.get('$skiptoken') ?? '0', 10) || 0;
    const value = items.slice(start, start + size);
    if (start + size >= items.length) {
      return { value };
    }
    const next = new URL(url.pathname, this.endpoint);
    next.searchParams.set('api-version', url.searchParams.get('api-version') ?? '');
    next.searchParams.set('$skiptoken', String(start + size));
    return { value, nextLink: next.toString() };
  }

  private validToken(token: string): StandInJwtPayload | undefined {
    const payload = tryDecodeJwtPayload(token);
    const audience = (this.options.audience ?? this.endpoint).replace(/\/+$/, '');
    if (!payload || (payload.aud !== audience && payload.aud !== `${audience}/`) || payload.exp <= Date.now() / 1000) {
      return undefined;
    }
    return payload;
  }
}

function armError(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

function authorizationFailed(token: StandInJwtPayload, action: string, scope: string): unknown {
  const client = token.upn ?? token.appid ?? token.oid ?? '';
  return armError(
    'AuthorizationFailed',
    `The client '${client}' with object id '${token.oid ?? ''}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}

function tenantJson(tenant: ArmTenant): unknown {
  return {
    id: `/tenants/${tenant.tenantId}`,
    tenantId: tenant.tenantId,
    countryCode: 'US',
    displayName: tenant.displayName,
    domains: [tenant.defaultDomain],
    tenantCategory: tenant.tenantCategory,
    defaultDomain: tenant.defaultDomain,
    tenantType: 'AAD',
  };
}

function subscriptionJson(subscription: ArmSubscription): unknown {
  return {
    id: `/subscriptions/${subscription.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: subscription.subscriptionId,
    tenantId: subscription.tenantId,
    displayName: subscription.displayName,
    state: 'Enabled',
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
  };
}

function accountId(subscription: ArmSubscription, account: ArmAccount): string {
  return `/subscriptions/${subscription.subscriptionId}/resourceGroups/${account.resourceGroup}/providers/Microsoft.CognitiveServices/accounts/${account.name}`;
}

function accountJson(subscription: ArmSubscription, account: ArmAccount): unknown {
  const endpoint = account.endpoint ?? `https://${account.name}.openai.azure.com/`;
  // AIServices accounts have a cognitiveservices.azure.com main endpoint and the OpenAI one in `endpoints`.
  const main = account.kind === 'AIServices' && !account.endpoint ? `https://${account.name}.cognitiveservices.azure.com/` : endpoint;
  return {
    id: accountId(subscription, account),
    name: account.name,
    type: 'Microsoft.CognitiveServices/accounts',
    etag: '"00000000-0000-0000-0000-000000000000"',
    location: account.location,
    sku: { name: 'S0' },
    kind: account.kind,
    tags: {},
    properties: {
      endpoint: main,
      endpoints: account.kind === 'OpenAI' || account.kind === 'AIServices' ? { 'OpenAI Language Model Instance API': endpoint } : {},
      internalId: '0123456789abcdef0123456789abcdef',
      dateCreated: '2025-01-15T10:00:00.0000000Z',
      customSubDomainName: account.name,
      provisioningState: 'Succeeded',
      publicNetworkAccess: 'Enabled',
      disableLocalAuth: false,
    },
  };
}

function deploymentJson(subscription: ArmSubscription, account: ArmAccount, deployment: ArmDeployment): unknown {
  return {
    id: `${accountId(subscription, account)}/deployments/${deployment.name}`,
    type: 'Microsoft.CognitiveServices/accounts/deployments',
    name: deployment.name,
    sku: { name: deployment.sku, capacity: deployment.capacity },
    properties: {
      model: { format: 'OpenAI', name: deployment.model, version: deployment.version },
      versionUpgradeOption: 'OnceNewDefaultVersionAvailable',
      capabilities: deployment.capabilities ?? { chatCompletion: 'true' },
      provisioningState: 'Succeeded',
      rateLimits: [{ key: 'request', renewalPeriod: 10, count: deployment.capacity }],
    },
    systemData: { createdAt: '2025-01-15T10:05:00.0000000Z', lastModifiedAt: '2025-01-15T10:05:00.0000000Z' },
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'x-ms-ratelimit-remaining-subscription-reads': '11999',
    ...headers,
  });
  res.end(payload);
}
