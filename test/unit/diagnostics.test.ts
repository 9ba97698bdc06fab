import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import type { RawSettings } from '../../src/config/connectionSettings';
import { SecretName } from '../../src/config/settingKeys';
import { type CheckResult, diagnoseConnection } from '../../src/diagnostics/connectionChecks';
import { redactReport, renderReport, reportForUser } from '../../src/diagnostics/diagnosticReport';
import { describeCertificateError, probeEndpoint } from '../../src/diagnostics/networkProbe';
import type { DiscoveredDeployment } from '../../src/discovery/deploymentDiscovery';
import { AzureOpenAIStandIn } from '../standin/azureOpenAIStandIn';
import { closeServer, listenOnLoopback } from '../standin/loopbackServer';
import { ManagedIdentityStandIn } from '../standin/managedIdentityStandIn';
import { applyToProcessEnv, isolatedAzureEnvironment } from '../standin/testEnvironment';
import { STANDIN_USER_OID } from '../standin/tokens';
import type { ScopeConsent } from '../../src/auth/scopePolicy';
import { RedirectingServer } from '../standin/redirectingServer';
import { createChatStack, MemorySecrets, RecordingLogger, StandInMicrosoftSessions } from './chatStack';

/**
 * Diagnose Connection against the loopback Azure OpenAI stand-in: each broken setup the issue
 * names (wrong audience, missing role, missing API Management key) is named with its fix.
 */
let standIn: AzureOpenAIStandIn;
const apimKey = 'apim-subscription-key-0123456789abcdef';

before(async () => {
  standIn = await AzureOpenAIStandIn.start({ apiKey: 'standin-key-0123456789abcdef' });
});
after(async () => standIn.close());
beforeEach(() => {
  standIn.reset();
  standIn.configure({ apim: undefined, deniedObjectIds: [], audience: 'https://cognitiveservices.azure.com' });
});

function discoveredHere(): DiscoveredDeployment[] {
  return [
    {
      subscriptionId: '11111111-1111-4111-8111-111111111111',
      subscriptionName: 'Contoso Dev',
      accountId: '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/contoso-openai',
      accountName: 'contoso-openai',
      accountKind: 'OpenAI',
      location: 'swedencentral',
      endpoint: standIn.endpoint,
      deployment: 'gpt-4o-mini',
      model: 'gpt-4o-mini',
      modelVersion: '2024-07-18',
      sku: 'GlobalStandard',
      capacity: 50,
      capabilities: { chatCompletion: 'true' },
    },
  ];
}

/** Diagnose on the chat's own connection factory (the extension's composition root), as the command runs it. */
async function diagnose(
  settings: RawSettings,
  options: { signedIn?: boolean; secrets?: MemorySecrets; microsoft?: StandInMicrosoftSessions; scopeConsent?: ScopeConsent } = {},
): Promise<Map<string, CheckResult>> {
  const readSettings = () => ({ endpoint: standIn.endpoint, deployment: 'gpt-4o-mini', trustedHosts: ['127.0.0.1'], ...settings });
  const chat = createChatStack({
    settings: readSettings(),
    microsoft: options.microsoft ?? new StandInMicrosoftSessions(options.signedIn ?? true),
    secrets: options.secrets ?? new MemorySecrets(),
    env: {},
    ...(options.scopeConsent ? { scopeConsent: options.scopeConsent } : {}),
  });
  const results = await diagnoseConnection({
    readSettings,
    connection: (target) => chat.connection.current(target),
    log: new RecordingLogger(),
    discovered: discoveredHere,
  });
  assert.deepEqual(
    results.map((entry) => entry.id),
    ['settings', 'network', 'credential', 'claims', 'hostPolicy', 'apim', 'role', 'deployment'],
    'every check, in order',
  );
  return new Map(results.map((entry) => [entry.id, entry]));
}

describe('Diagnose Connection', () => {
  test('a working setup passes every check, names the credential, claims and model, and sends no tokens-worth of prompt', async () => {
    const checks = await diagnose({});
    for (const id of ['settings', 'network', 'credential', 'claims', 'hostPolicy', 'role', 'deployment']) {
      assert.equal(checks.get(id)?.status, 'pass', `${id}: ${checks.get(id)?.summary}`);
    }
    assert.equal(checks.get('apim')?.status, 'skip');
    assert.match(checks.get('credential')?.summary ?? '', /VS Code Microsoft sign-in answered as ada@contoso\.test/);
    const facts = (checks.get('claims')?.facts ?? []).join('\n');
    assert.match(facts, /aud: https:\/\/cognitiveservices\.azure\.com/);
    assert.match(facts, /upn: ada@contoso\.test/);
    assert.match(facts, /expires: .*\(in \d+ min\)/);
    assert.match(checks.get('deployment')?.summary ?? '', /takes the Chat Completions API/);
    assert.match((checks.get('deployment')?.facts ?? []).join(' '), /gpt-4o-mini 2024-07-18/);
    // The probe is an empty message list on the chat's own v1 path: no completion was generated.
    const [request] = standIn.requests;
    assert.equal(request.path, '/openai/v1/chat/completions');
    assert.deepEqual(request.body, { model: 'gpt-4o-mini', messages: [] });
  });

  test('wrong audience: names the audience the service wants and the scope to set', async () => {
    const checks = await diagnose({ tokenScope: 'api://contoso-gateway/.default' });
    const role = checks.get('role');
    assert.equal(role?.status, 'fail');
    assert.match(role?.summary ?? '', /audience api:\/\/contoso-gateway is not the one it accepts \(https:\/\/cognitiveservices\.azure\.com\)/);
    assert.match(role?.fix ?? '', /azureOpenAIChat\.tokenScope to https:\/\/cognitiveservices\.azure\.com\/\.default/);
  });

  test('wrong audience on an Azure OpenAI host is caught from the claims before any request', async () => {
    const settings = { endpoint: 'https://contoso.openai.azure.com', deployment: 'gpt-4o', tokenScope: 'api://contoso-gateway/.default' };
    const chat = createChatStack({ settings, microsoft: new StandInMicrosoftSessions(true), env: {} });
    const checks = await diagnoseConnection({
      readSettings: () => settings,
      connection: (target) => chat.connection.current(target),
      log: new RecordingLogger(),
      probeNetwork: async () => ({ stage: 'done', ok: true, host: 'contoso.openai.azure.com', addresses: ['203.0.113.7'] }),
      transport: async () => {
        throw new Error('no request may leave the machine in this test');
      },
    });
    const claims = checks.find((entry) => entry.id === 'claims');
    assert.equal(claims?.status, 'fail');
    assert.match(claims?.summary ?? '', /The token is for api:\/\/contoso-gateway, but Azure OpenAI accepts only https:\/\/cognitiveservices\.azure\.com/);
  });

  test('missing role: "assign Cognitive Services OpenAI User" with the az command filled with principal and resource ids', async () => {
    standIn.configure({ deniedObjectIds: [STANDIN_USER_OID], permissionDeniedStatus: 401 });
    const checks = await diagnose({});
    const role = checks.get('role');
    assert.equal(role?.status, 'fail');
    assert.match(role?.summary ?? '', /ada@contoso\.test has no data-plane role on contoso-openai \(PermissionDenied, status 401\)/);
    assert.match(role?.fix ?? '', /Assign Cognitive Services OpenAI User on contoso-openai/);
    assert.ok(
      role?.fix?.includes(
        `az role assignment create --assignee-object-id ${STANDIN_USER_OID} --assignee-principal-type User --role "Cognitive Services OpenAI User" --scope ${discoveredHere()[0].accountId}`,
      ),
      role?.fix,
    );
    assert.equal(checks.get('deployment')?.status, 'skip');
  });

  test('missing role answered with 403 is the same cause', async () => {
    standIn.configure({ deniedObjectIds: [STANDIN_USER_OID], permissionDeniedStatus: 403 });
    const checks = await diagnose({});
    assert.match(checks.get('role')?.summary ?? '', /PermissionDenied, status 403/);
  });

  test('missing API Management subscription key: detected as a gateway, fixed by Set Subscription Key', async () => {
    standIn.configure({ apim: { subscriptionKey: apimKey } });
    const checks = await diagnose({});
    const apim = checks.get('apim');
    assert.equal(apim?.status, 'fail');
    assert.match(apim?.summary ?? '', /needs a subscription key and none was sent/);
    assert.match(apim?.fix ?? '', /Set API Management Subscription Key/);
    assert.match((apim?.facts ?? []).join(' '), /Subscription key sent: no \(none stored\)/);
    assert.equal(checks.get('role')?.status, 'skip');

    const secrets = new MemorySecrets();
    secrets.values.set(SecretName.apimSubscriptionKey, apimKey);
    const fixed = await diagnose({}, { secrets });
    assert.equal(fixed.get('apim')?.status, 'pass');
  });

  test('API Management validate-jwt refusing the audience names the scope to set', async () => {
    standIn.configure({ apim: { subscriptionKey: apimKey, validateJwt: { audience: 'api://contoso-gateway' } } });
    const secrets = new MemorySecrets();
    secrets.values.set(SecretName.apimSubscriptionKey, apimKey);
    const checks = await diagnose({}, { secrets });
    assert.equal(checks.get('apim')?.status, 'fail');
    assert.match(checks.get('apim')?.summary ?? '', /validate-jwt policy refused the token \(audience https:\/\/cognitiveservices\.azure\.com\)/);
    assert.match(checks.get('apim')?.fix ?? '', /api:\/\/<gateway-app-id>\/\.default/);
  });

  test('an unknown deployment lists the discovered ones to pick from', async () => {
    const checks = await diagnose({ deployment: 'gpt-5-typo' });
    assert.equal(checks.get('deployment')?.status, 'fail');
    assert.match(checks.get('deployment')?.fix ?? '', /Select Deployment" and pick one of: gpt-4o-mini/);
  });

  test('bad settings fail first, and every later check says it was not run', async () => {
    const checks = await diagnose({ endpoint: '' });
    assert.equal(checks.get('settings')?.status, 'fail');
    assert.ok([...checks.values()].slice(1).every((entry) => entry.status === 'skip'));
  });

  test('uses the chat\'s scope policy: a Resource Manager audience the user did not confirm is never requested or sent', async () => {
    const microsoft = new StandInMicrosoftSessions(true);
    const declined: string[] = [];
    const checks = await diagnose(
      { tokenScope: 'https://management.azure.com/.default' },
      { microsoft, scopeConsent: { allows: async (scope) => (declined.push(scope), false) } },
    );
    assert.deepEqual(declined, ['https://management.azure.com/.default'], 'the user was asked, as the chat asks');
    assert.ok(!microsoft.requestedScopes.some((scopes) => scopes.includes('https://management.azure.com/.default')), 'no token was requested for it');
    assert.ok(standIn.requests.every((request) => !request.headers.authorization), 'no bearer token was sent');
    assert.equal(checks.get('credential')?.status, 'fail');
    assert.match(checks.get('credential')?.summary ?? '', /Not requesting a Microsoft token for https:\/\/management\.azure\.com/);
  });

  test('withholds the subscription key from a host the chat withholds it from', async () => {
    const secrets = new MemorySecrets();
    secrets.values.set(SecretName.apimSubscriptionKey, apimKey);
    secrets.setApiKey(standIn.endpoint, 'standin-key-0123456789abcdef');
    // Not *.azure-api.net and not trusted: the chat sends it no subscription key, nor may Diagnose.
    const checks = await diagnose({ trustedHosts: [], auth: 'apiKey' }, { secrets });
    assert.ok(standIn.requests.length > 0, 'the probe ran');
    assert.ok(standIn.requests.every((request) => !request.headers['ocp-apim-subscription-key']), 'the subscription key was sent');
    assert.match((checks.get('apim')?.facts ?? []).join(' '), /Subscription key sent: no \(stored, but 127\.0\.0\.1 is not/);
  });

  test('never sends the key of one resource to another: a key stored for another endpoint is not used', async () => {
    const secrets = new MemorySecrets();
    secrets.setApiKey('https://contoso.openai.azure.com', 'contoso-key-0123456789abcdef');
    const checks = await diagnose({ auth: 'apiKey' }, { secrets });
    assert.equal(checks.get('credential')?.status, 'fail');
    assert.match(checks.get('credential')?.summary ?? '', /No API key is stored for 127\.0\.0\.1/);
    assert.ok(standIn.requests.every((request) => !request.headers['api-key'] && !request.headers.authorization));
  });

  for (const auth of ['apiKey', 'entra'] as const) {
    test(`a 307 from the endpoint is reported, not followed: no ${auth === 'apiKey' ? 'key' : 'token'} reaches the other origin`, async () => {
      const redirecting = await RedirectingServer.start({ status: 307, target: standIn.endpoint.replace('127.0.0.1', 'localhost') });
      try {
        const secrets = new MemorySecrets();
        secrets.values.set(SecretName.apimSubscriptionKey, apimKey);
        secrets.setApiKey(redirecting.endpoint, 'standin-key-0123456789abcdef');
        const chat = createChatStack({
          settings: { endpoint: redirecting.endpoint, deployment: 'gpt-4o-mini', trustedHosts: ['127.0.0.1', 'localhost'], auth },
          microsoft: new StandInMicrosoftSessions(true),
          secrets,
          env: {},
        });
        const results = await diagnoseConnection({
          readSettings: () => ({ endpoint: redirecting.endpoint, deployment: 'gpt-4o-mini', trustedHosts: ['127.0.0.1', 'localhost'], auth }),
          connection: (target) => chat.connection.current(target),
          log: new RecordingLogger(),
        });
        assert.equal(redirecting.requests.length, 1);
        assert.equal(standIn.requests.length, 0, 'the redirect was followed: another origin got the request');
        const role = results.find((entry) => entry.id === 'role');
        assert.equal(role?.status, 'fail');
        assert.match(role?.summary ?? '', /redirect/);
      } finally {
        await redirecting.close();
      }
    });
  }

  describe('which credential answered and why the earlier ones did not', () => {
    let managedIdentity: ManagedIdentityStandIn;
    let restore: (() => void) | undefined;
    before(async () => {
      managedIdentity = await ManagedIdentityStandIn.start({ mode: 'unavailable' });
    });
    after(async () => managedIdentity.close());
    afterEach(() => restore?.());

    test('the API key answered after VS Code (no session) and the chain (no identity, az logged out)', async () => {
      restore = applyToProcessEnv(isolatedAzureEnvironment({ managedIdentityHost: managedIdentity.endpoint, azMode: 'loggedOut' }));
      const secrets = new MemorySecrets();
      secrets.values.set(SecretName.apiKey, 'standin-key-0123456789abcdef');
      const checks = await diagnose({}, { signedIn: false, secrets });
      const credential = checks.get('credential');
      assert.equal(credential?.status, 'pass');
      assert.match(credential?.summary ?? '', /stored API key answered/);
      const facts = (credential?.facts ?? []).join('\n');
      assert.match(facts, /VS Code Microsoft sign-in \(microsoft\): no session for https:\/\/cognitiveservices\.azure\.com\/\.default/);
      assert.match(facts, /Azure credential chain/);
      assert.equal(checks.get('role')?.status, 'pass');
    });
  });
});

describe('DNS and TLS', () => {
  let certificate: { key: string; cert: string };
  before(() => {
    const folder = mkdtempSync(join(tmpdir(), 'tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost', '-keyout', join(folder, 'key.pem'), '-out', join(folder, 'cert.pem'),
    ], { stdio: 'ignore' });
    certificate = { key: readFileSync(join(folder, 'key.pem'), 'utf8'), cert: readFileSync(join(folder, 'cert.pem'), 'utf8') };
  });

  test('an untrusted certificate is named, with the proxy and http.systemCertificates hints', async () => {
    const server = createServer(certificate, (_req, res) => res.end());
    await listenOnLoopback(server as unknown as Server);
    try {
      const port = (server.address() as AddressInfo).port;
      const refused = await probeEndpoint(`https://localhost:${port}`);
      assert.equal(refused.ok, false);
      assert.equal(!refused.ok && refused.stage, 'tls');
      const code = !refused.ok ? refused.code : '';
      assert.equal(code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
      assert.match(describeCertificateError(code)?.fix ?? '', /http\.systemCertificates/);
      assert.match(describeCertificateError(code)?.fix ?? '', /http\.proxy/);
      const trusted = await probeEndpoint(`https://localhost:${port}`, { ca: certificate.cert });
      assert.ok(trusted.ok && trusted.tls?.subject === 'localhost', JSON.stringify(trusted));
      const wrongName = await probeEndpoint(`https://127.0.0.1:${port}`, { ca: certificate.cert });
      assert.equal(!wrongName.ok && wrongName.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
    } finally {
      await closeServer(server as unknown as Server);
    }
  });
});

describe('the report', () => {
  test('is redacted wherever it goes: a proxy\'s credentials and an echoed key never reach the editor or the clipboard', () => {
    const key = 'echoed-key-0123456789abcdef0123';
    const report = reportForUser(
      [
        { id: 'network', title: 'DNS and TLS', status: 'pass', summary: 'Fine.', facts: ['A proxy is configured (http://alice:pw@proxy:3128); this check connected directly.'] },
        { id: 'role', title: 'Data-plane access', status: 'warn', summary: `Azure OpenAI answered 400: bad key ${key}` },
      ],
      { generatedAt: new Date('2026-01-01T00:00:00Z'), extensionVersion: '0.1.0', vscodeVersion: '1.139.1' },
      [key],
    );
    assert.ok(!report.includes('alice:pw'), report);
    assert.ok(!report.includes(key), report);
    assert.match(report, /http:\/\/\[redacted\]@proxy:3128/);
  });

  test('is readable markdown with each cause and fix, and Copy report redacts secrets', () => {
    const key = 'sk-live-0123456789abcdef0123456789abcdef';
    const report = renderReport(
      [
        { id: 'settings', title: 'Settings', status: 'pass', summary: 'Fine.' },
        { id: 'role', title: 'Data-plane access', status: 'fail', summary: `Server echoed api-key: ${key}`, fix: 'Assign Cognitive Services OpenAI User.' },
      ],
      { generatedAt: new Date('2026-01-01T00:00:00Z'), extensionVersion: '0.1.0', vscodeVersion: '1.139.1' },
    );
    assert.match(report, /^# Azure OpenAI connection report/);
    assert.match(report, /\| 2 \| Data-plane access \| FAIL \|/);
    assert.match(report, /\*\*Fix:\*\* Assign Cognitive Services OpenAI User\./);
    assert.match(report, /the first one is usually the cause: \*\*Data-plane access\*\*/);
    const copied = redactReport(report, [key]);
    assert.ok(!copied.includes(key));
  });
});
