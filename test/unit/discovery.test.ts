import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { checkTokenHost } from '../../src/auth/hostPolicy';
import { chinaCloud, publicCloud, resolveCloud, usGovernmentCloud } from '../../src/config/cloud';
import { validateSettings } from '../../src/config/connectionSettings';
import { toConnectionView } from '../../src/connection/connectionManager';
import { ArmClient, ArmError } from '../../src/discovery/armClient';
import { DiscoveryCache } from '../../src/discovery/discoveryCache';
import { discoverDeployments, listTenants } from '../../src/discovery/deploymentDiscovery';
import { TokenSource } from '../../src/auth/tokenSource';
import { findManagementToken } from '../../src/discovery/managementCredential';
import { closeServer, listenOnLoopback, loopbackUrl } from '../standin/loopbackServer';
import { ManagedIdentityStandIn } from '../standin/managedIdentityStandIn';
import { ResourceManagerStandIn } from '../standin/resourceManagerStandIn';
import {
  DEV_SUBSCRIPTION_ID,
  FORBIDDEN_SUBSCRIPTION_ID,
  GUEST_TENANT_ID,
  standInSubscriptions,
  standInTenants,
} from '../standin/resourceManagerFixture';
import { applyToProcessEnv, isolatedAzureEnvironment } from '../standin/testEnvironment';
import { makeStandInJwt, STANDIN_TENANT_ID } from '../standin/tokens';
import { RecordingLogger, StandInMicrosoftSessions } from './chatStack';

const dataPlane = 'http://127.0.0.1:9/';
let arm: ResourceManagerStandIn;

before(async () => {
  arm = await ResourceManagerStandIn.start({ tenants: standInTenants, subscriptions: standInSubscriptions(dataPlane), pageSize: 1 });
});
after(async () => arm.close());
beforeEach(() => {
  arm.requests.length = 0;
  arm.throttle(0, 0);
});

function tokenFor(tenant = STANDIN_TENANT_ID): string {
  return makeStandInJwt({ aud: arm.endpoint, expiresInSeconds: 3600, upn: 'ada@contoso.test', tid: tenant });
}

function client(options: { tenant?: string; maxWaitMs?: number } = {}): ArmClient {
  const token = tokenFor(options.tenant);
  return new ArmClient({ resourceManager: arm.endpoint, getToken: async () => token, retry: { maxRetries: 2, maxWaitMs: options.maxWaitMs ?? 20_000 } });
}

describe('deployment discovery through Resource Manager', () => {
  test('lists every OpenAI and AIServices deployment with model, version, SKU and capacity, across pages', async () => {
    const result = await discoverDeployments(client());
    const names = result.deployments.map((entry) => `${entry.accountName}/${entry.deployment}`).sort();
    assert.deepEqual(names, ['contoso-foundry/o4-mini', 'contoso-openai/chat-large', 'contoso-openai/embed', 'contoso-openai/gpt-4o-mini']);
    const mini = result.deployments.find((entry) => entry.deployment === 'gpt-4o-mini');
    assert.deepEqual(
      { model: mini?.model, version: mini?.modelVersion, sku: mini?.sku, capacity: mini?.capacity, endpoint: mini?.endpoint, subscription: mini?.subscriptionName },
      { model: 'gpt-4o-mini', version: '2024-07-18', sku: 'GlobalStandard', capacity: 50, endpoint: 'http://127.0.0.1:9', subscription: 'Contoso Dev' },
    );
    assert.equal(mini?.accountId, `/subscriptions/${DEV_SUBSCRIPTION_ID}/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/contoso-openai`);
    // An AIServices account's chat endpoint is its OpenAI endpoint, not the cognitiveservices one.
    assert.equal(result.deployments.find((entry) => entry.deployment === 'o4-mini')?.endpoint, 'https://contoso-foundry.openai.azure.com');
    // Page size 1: subscriptions, accounts and deployments were each followed through nextLink.
    assert.ok(arm.requests.filter((request) => request.query.$skiptoken !== undefined).length >= 4);
    assert.ok(arm.requests.every((request) => request.query['api-version']));
  });

  test('a subscription that answers 403 AuthorizationFailed is reported as such and the rest are still listed', async () => {
    const result = await discoverDeployments(client());
    const forbidden = result.subscriptions.find((entry) => entry.subscriptionId === FORBIDDEN_SUBSCRIPTION_ID);
    assert.equal(forbidden?.status, 'forbidden');
    assert.match(forbidden?.status === 'forbidden' ? forbidden.message : '', /does not have authorization to perform action 'Microsoft\.CognitiveServices\/accounts\/read'/);
    assert.equal(result.subscriptions.find((entry) => entry.subscriptionId === DEV_SUBSCRIPTION_ID)?.status, 'listed');
    assert.equal(result.deployments.length, 4);
  });

  test('429 waits for retry-after as chat does, then goes on', async () => {
    arm.throttle(1, 1);
    const waits: number[] = [];
    const token = tokenFor();
    const started = Date.now();
    const result = await discoverDeployments(
      new ArmClient({ resourceManager: arm.endpoint, getToken: async () => token, onWait: (ms) => waits.push(ms) }),
    );
    assert.deepEqual(waits, [1000]);
    assert.ok(Date.now() - started >= 950, 'waited for retry-after');
    assert.equal(result.deployments.length, 4);
    assert.equal(arm.requests.filter((request) => request.status === 429).length, 1);
  });

  test('a 429 asking to wait longer than the retry policy allows is an error, not a long hang', async () => {
    arm.throttle(1, 3600);
    await assert.rejects(discoverDeployments(client({ maxWaitMs: 5_000 })), (error: unknown) => error instanceof ArmError && error.status === 429);
  });

  test('a token for another tenant lists that tenant\'s subscriptions; /tenants marks the home tenant', async () => {
    const guest = await discoverDeployments(client({ tenant: GUEST_TENANT_ID }));
    assert.deepEqual(guest.deployments.map((entry) => entry.accountName), ['fabrikam-openai']);
    const tenants = await listTenants(client());
    assert.deepEqual(
      tenants.map((tenant) => [tenant.displayName, tenant.isHome]),
      [
        ['Contoso', true],
        ['Fabrikam', false],
      ],
    );
  });

  test('the management token goes only to the Resource Manager origin: a nextLink elsewhere is refused', async () => {
    const elsewhere = createServer((req, res) => {
      seen.push(req.headers.authorization ?? '');
      res.end('{"value":[]}');
    });
    const seen: string[] = [];
    await listenOnLoopback(elsewhere);
    const leaking = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ value: [{ subscriptionId: 'x' }], nextLink: `${loopbackUrl(elsewhere)}/subscriptions?api-version=2022-12-01` }));
    });
    await listenOnLoopback(leaking);
    try {
      const arm2 = new ArmClient({ resourceManager: loopbackUrl(leaking), getToken: async () => 'secret-management-token' });
      await assert.rejects(arm2.listAll('/subscriptions?api-version=2022-12-01'), (error: unknown) => error instanceof ArmError && error.code === 'ForeignNextLink');
      assert.deepEqual(seen, []);
    } finally {
      await closeServer(elsewhere);
      await closeServer(leaking);
    }
  });

  test('Resource Manager out of reach is said with its host and cause, and what to do', async () => {
    // A loopback port nothing listens on: the connection is refused at once.
    const closed = createServer();
    await listenOnLoopback(closed);
    const port = new URL(loopbackUrl(closed)).port;
    await closeServer(closed);
    const client = new ArmClient({ resourceManager: `http://127.0.0.1:${port}`, getToken: async () => tokenFor() });
    await assert.rejects(client.listAll('/subscriptions?api-version=2022-12-01'), (error: unknown) => {
      assert.ok(error instanceof ArmError);
      assert.equal(error.code, 'Unreachable');
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
      assert.match(error.message, /enter the endpoint and deployment by hand/);
      return true;
    });
  });

  test('a wrong-audience token gets ARM\'s 401 InvalidAuthenticationToken', async () => {
    const wrong = makeStandInJwt({ aud: 'https://cognitiveservices.azure.com', expiresInSeconds: 3600, upn: 'ada@contoso.test' });
    const armClient = new ArmClient({ resourceManager: arm.endpoint, getToken: async () => wrong });
    await assert.rejects(armClient.listAll('/subscriptions?api-version=2022-12-01'), (error: unknown) => error instanceof ArmError && error.code === 'InvalidAuthenticationToken');
  });
});

describe('the discovery cache', () => {
  test('keeps the list for the session, reads again on Refresh, and names the model of a deployment', async () => {
    let loads = 0;
    const cache = new DiscoveryCache(async () => {
      loads++;
      return discoverDeployments(client());
    });
    const target = { cloud: publicCloud, tenantId: undefined };
    await cache.get(target);
    await cache.get(target);
    assert.equal(loads, 1);
    await cache.get(target, { refresh: true });
    assert.equal(loads, 2);
    assert.equal(cache.modelHint('http://127.0.0.1:9/', 'chat-large'), 'gpt-4o');
    assert.equal(cache.modelHint('http://127.0.0.1:9', 'unknown'), undefined);
    // Another tenant is another list.
    await cache.get({ cloud: publicCloud, tenantId: GUEST_TENANT_ID });
    assert.equal(loads, 3);
  });
});

describe('the Resource Manager token', () => {
  let managedIdentity: ManagedIdentityStandIn;
  let restore: (() => void) | undefined;
  before(async () => {
    managedIdentity = await ManagedIdentityStandIn.start();
  });
  after(async () => managedIdentity.close());
  afterEach(() => restore?.());

  const custom = () => {
    const resolved = resolveCloud('custom', { resourceManagerEndpoint: arm.endpoint, authorityHost: 'https://login.example.test' });
    assert.ok(resolved.ok);
    return resolved.cloud;
  };

  test('comes from the VS Code session first, for the cloud\'s management scope and the chosen tenant', async () => {
    const microsoft = new StandInMicrosoftSessions(true);
    const tokens = new TokenSource({ microsoft, log: new RecordingLogger(), env: {} });
    const token = await findManagementToken(tokens, { cloud: custom(), tenantId: GUEST_TENANT_ID });
    assert.equal(token?.source, 'vscode');
    assert.deepEqual(microsoft.requestedScopes.at(-1), [`${arm.endpoint}/.default`, `VSCODE_TENANT:${GUEST_TENANT_ID}`]);
    assert.equal(microsoft.requestedProviders.at(-1), 'microsoft-sovereign-cloud');
    const armClient = new ArmClient({ resourceManager: arm.endpoint, getToken: () => token!.getToken() });
    assert.equal((await discoverDeployments(armClient)).deployments[0]?.accountName, 'fabrikam-openai');
  });

  test('then from the Azure identity chain (managed identity here) when VS Code has no session', async () => {
    restore = applyToProcessEnv(isolatedAzureEnvironment({ managedIdentityHost: managedIdentity.endpoint, azMode: 'loggedOut' }));
    const tokens = new TokenSource({ microsoft: new StandInMicrosoftSessions(false), log: new RecordingLogger(), env: process.env });
    const token = await findManagementToken(tokens, { cloud: custom(), tenantId: undefined });
    assert.equal(token?.source, 'managedIdentity');
    const armClient = new ArmClient({ resourceManager: arm.endpoint, getToken: () => token!.getToken() });
    assert.equal((await discoverDeployments(armClient)).deployments.length, 4);
    assert.equal(managedIdentity.requests.at(-1)?.query.resource, arm.endpoint);
  });
});

describe('sovereign clouds and the token host policy', () => {
  test('each cloud sends data-plane tokens only to its own Azure OpenAI, AI Services and APIM hosts', () => {
    assert.equal(checkTokenHost('https://x.openai.azure.us', [], usGovernmentCloud.hostSuffixes).allowed, true);
    assert.equal(checkTokenHost('https://x.azure-api.us', [], usGovernmentCloud.hostSuffixes).allowed, true);
    assert.equal(checkTokenHost('https://x.openai.azure.com', [], usGovernmentCloud.hostSuffixes).allowed, false);
    assert.equal(checkTokenHost('https://x.openai.azure.cn', [], chinaCloud.hostSuffixes).allowed, true);
    assert.equal(checkTokenHost('https://x.openai.azure.cn', [], publicCloud.hostSuffixes).allowed, false);
    assert.equal(checkTokenHost('https://x.openai.azure.us', []).allowed, false);
  });

  test('the cloud setting sets the default scope, authority, Resource Manager and sign-in provider', () => {
    const base = { endpoint: 'https://x.openai.azure.us', deployment: 'gpt-4o' };
    const gov = validateSettings({ ...base, cloud: 'AzureUSGovernment' });
    assert.ok(gov.ok);
    assert.equal(gov.settings.tokenScope, 'https://cognitiveservices.azure.us/.default');
    assert.equal(gov.settings.cloud.resourceManager, 'https://management.usgovcloudapi.net');
    assert.equal(gov.settings.cloud.authorityHost, 'https://login.microsoftonline.us');
    assert.equal(gov.settings.cloud.authProvider, 'microsoft-sovereign-cloud');
    const china = validateSettings({ ...base, cloud: 'AzureChinaCloud', tokenScope: 'api://gateway/.default' });
    assert.ok(china.ok);
    assert.equal(china.settings.tokenScope, 'api://gateway/.default', 'an explicit scope wins');
    const publicOne = validateSettings(base);
    assert.ok(publicOne.ok);
    assert.equal(publicOne.settings.cloud.authProvider, 'microsoft');
  });

  test('a custom cloud takes https origins (http only on loopback) and its own host suffixes', () => {
    const ok = resolveCloud('custom', { resourceManagerEndpoint: 'https://arm.example.net', authorityHost: 'https://login.example.net', hostSuffixes: ['.openai.example.net', 'bad'] });
    assert.ok(ok.ok);
    assert.equal(ok.cloud.managementScope, 'https://arm.example.net/.default');
    assert.deepEqual(ok.cloud.hostSuffixes, ['.openai.example.net']);
    assert.equal(resolveCloud('custom', { resourceManagerEndpoint: 'http://arm.example.net', authorityHost: 'https://login.example.net' }).ok, false);
    assert.equal(resolveCloud('custom', undefined).ok, false);
    const bad = validateSettings({ endpoint: 'https://x.openai.azure.com', deployment: 'd', cloud: 'Mars' });
    assert.ok(!bad.ok);
    assert.match(bad.problem.detail, /azureOpenAIChat\.cloud/);
  });
});

describe('the header names a tenant that is not the home one', () => {
  test('Select Tenant\'s choice (a tenant id in settings) shows by display name; no tenant shows nothing', () => {
    const settings = validateSettings({ endpoint: 'https://x.openai.azure.com', deployment: 'd', tenantId: GUEST_TENANT_ID });
    assert.ok(settings.ok);
    const credential = { kind: 'entra', source: 'vscode', label: 'Signed in as ada', getToken: async () => '', forgetCachedToken: () => undefined } as const;
    const names = (id: string) => (id === GUEST_TENANT_ID ? 'Fabrikam' : undefined);
    const view = toConnectionView({ ok: true, connection: { settings: settings.settings, credential, apimSubscriptionKey: undefined } }, names);
    assert.equal(view.tenant, 'Fabrikam');
    const home = validateSettings({ endpoint: 'https://x.openai.azure.com', deployment: 'd' });
    assert.ok(home.ok);
    assert.equal(toConnectionView({ ok: true, connection: { settings: home.settings, credential, apimSubscriptionKey: undefined } }, names).tenant, undefined);
  });
});
