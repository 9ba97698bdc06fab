/**
 * Diagnose Connection: each link of the chain from settings to an answer, checked in order,
 * each with pass or fail and one fix. Pure (no vscode): the loopback stand-ins play Azure in
 * the tests. Nothing here ever puts a token or key into a result; claims are decoded instead.
 */
import { type ChatCredential, describeSource } from '../auth/credential';
import { checkTokenHost } from '../auth/hostPolicy';
import { readJwtClaims } from '../auth/jwtClaims';
import { type ChatSettings, isV1ApiVersion, type RawSettings, validateSettings } from '../config/connectionSettings';
import { type ConnectionTarget, settingsForTarget } from '../config/connectionTarget';
import type { ConnectionResult } from '../connection/connectionManager';
import type { DiscoveredDeployment } from '../discovery/deploymentDiscovery';
import type { Logger } from '../logging/logger';
import { createHardenedFetch } from '../net/hardenedFetch';
import { describeCertificateError, type NetworkProbe, probeEndpoint } from './networkProbe';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export type CheckId = 'settings' | 'network' | 'credential' | 'claims' | 'hostPolicy' | 'apim' | 'role' | 'deployment';

export interface CheckResult {
  readonly id: CheckId;
  readonly title: string;
  readonly status: CheckStatus;
  /** One or two sentences: what was found. */
  readonly summary: string;
  /** The one thing to do about it, when something is to be done. */
  readonly fix?: string;
  /** Facts that support the summary (claims, addresses, earlier credentials). Never secrets. */
  readonly facts?: readonly string[];
}

/**
 * Diagnose checks the connection the chat itself would use, through the same factory: the same
 * credential (scope policy and consent included), the same subscription key decision, the same
 * hardened fetch. It never finds a credential or sends a request another way.
 */
export interface DiagnoseDeps {
  readonly readSettings: () => RawSettings;
  /** The conversation's target being diagnosed; undefined: the settings'. */
  readonly target?: ConnectionTarget;
  /** The chat's connection factory. */
  readonly connection: (target: ConnectionTarget | undefined) => Promise<ConnectionResult>;
  readonly log: Logger;
  /** For tests: the transport under the hardened fetch. */
  readonly transport?: typeof fetch;
  readonly probeNetwork?: (endpoint: string) => Promise<NetworkProbe>;
  /** VS Code's http.proxy (or a proxy variable), for the hint that the direct path was probed. */
  readonly proxy?: string;
  /** Deployments discovery found (this session), to name the resource and its models. */
  readonly discovered?: () => readonly DiscoveredDeployment[];
}

const titles: Record<CheckId, string> = {
  settings: 'Settings',
  network: 'DNS and TLS to the endpoint',
  credential: 'Sign-in',
  claims: 'Token claims',
  hostPolicy: 'Token host policy',
  apim: 'API Management',
  role: 'Data-plane access',
  deployment: 'Deployment',
};

function result(id: CheckId, status: CheckStatus, summary: string, extra: { fix?: string; facts?: readonly string[] } = {}): CheckResult {
  return { id, title: titles[id], status, summary, ...extra };
}

function skipped(id: CheckId, because: string): CheckResult {
  return result(id, 'skip', `Not checked: ${because}`);
}

type Answered =
  | { readonly kind: 'entra'; readonly source: 'vscode' | 'managedIdentity' | 'azureCli' | 'azureDeveloper'; readonly token: string; readonly account?: string }
  | { readonly kind: 'apiKey'; readonly apiKey: string };

export async function diagnoseConnection(deps: DiagnoseDeps): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const all: CheckId[] = ['settings', 'network', 'credential', 'claims', 'hostPolicy', 'apim', 'role', 'deployment'];
  const finish = (because: string) => {
    for (const id of all.slice(results.length)) {
      results.push(skipped(id, because));
    }
    return results;
  };

  // 1. Settings.
  const validated = validateSettings(settingsForTarget(deps.readSettings(), deps.target));
  if (!validated.ok) {
    results.push(result('settings', 'fail', validated.problem.title, { fix: validated.problem.detail || 'Open Settings.' }));
    return finish('the settings are not usable.');
  }
  const settings = validated.settings;
  const host = new URL(settings.endpoint).host;
  results.push(
    result('settings', 'pass', `Endpoint ${settings.endpoint}, deployment ${settings.deployment}, api-version ${settings.apiVersion}, sign-in ${settings.authMode}.`, {
      facts: [`Cloud: ${settings.cloud.name} (Resource Manager ${settings.cloud.resourceManager})`, `Token scope: ${settings.tokenScope}`, ...(settings.tenantId ? [`Tenant: ${settings.tenantId}`] : [])],
    }),
  );

  // 2. DNS and TLS.
  const network = await (deps.probeNetwork ?? probeEndpoint)(settings.endpoint);
  results.push(networkResult(network, deps.proxy));
  if (!network.ok) {
    return finish('the endpoint cannot be reached.');
  }

  // 3. Sign-in: which credential answered, and why the earlier ones did not.
  const hostVerdict = checkTokenHost(settings.endpoint, settings.trustedHosts, settings.cloud.hostSuffixes);
  const connection = await deps.connection(deps.target);
  const { answered, attempts } = await answeredCredential(connection);
  results.push(credentialResult(answered, attempts, settings, connection.ok ? undefined : connection.problem.title));

  // 4. Token claims.
  const claims = answered?.kind === 'entra' ? readJwtClaims(answered.token) : undefined;
  results.push(claimsResult(answered, claims, settings));

  // 5. Host policy.
  results.push(
    hostVerdict.allowed
      ? result('hostPolicy', 'pass', `${host} may receive a Microsoft Entra token.`)
      : result(
          'hostPolicy',
          settings.authMode === 'apiKey' ? 'warn' : 'fail',
          hostVerdict.reason === 'notHttps' ? `${hostVerdict.host} uses http, so no token is sent to it.` : `${hostVerdict.host} is not an Azure OpenAI, AI Services or API Management host of the ${settings.cloud.name} cloud, so no token is sent to it.`,
          { fix: hostVerdict.reason === 'notHttps' ? 'Use the https:// address of the resource.' : `If you trust ${hostVerdict.host}, add it to azureOpenAIChat.trustedHosts in your user settings; or use an API key.` },
        ),
  );
  if (!answered) {
    return finish('no credential answered.');
  }

  // 6–8. One minimal request: an empty message list costs no tokens, and Azure checks the
  // gateway, the caller and the deployment before it looks at the body.
  // The key the chat would send: none where it is withheld (not a gateway or trusted host).
  const apimKey = connection.ok ? connection.connection.apimSubscriptionKey : undefined;
  const doFetch = createHardenedFetch({ origin: settings.endpoint, subscriptionKeyAllowed: apimKey !== undefined, ...(deps.transport ? { transport: deps.transport } : {}) });
  let probe: DataPlaneProbe;
  try {
    probe = await probeDataPlane(settings, answered, apimKey, doFetch);
  } catch (error) {
    results.push(result('apim', 'skip', 'Not checked: the request failed before an answer.'));
    results.push(result('role', 'fail', `The request failed: ${error instanceof Error ? error.message : String(error)}`, { fix: 'See the network check above, and azureOpenAIChat.endpoint.' }));
    return finish('the request failed.');
  }
  const verdict = classifyProbe(probe);
  deps.log.info(`Diagnose: data-plane probe answered ${probe.status} (${verdict})`);
  const account = deps.discovered?.().find((entry) => sameOrigin(entry.endpoint, settings.endpoint));
  results.push(apimResult(verdict, probe, settings, apimKey !== undefined, claims, connection.ok && connection.connection.subscriptionKeyWithheld === true));
  results.push(roleResult(verdict, probe, settings, claims, account));
  results.push(deploymentResult(verdict, probe, settings, deps.discovered?.() ?? []));
  return results;
}

function networkResult(network: NetworkProbe, proxy: string | undefined): CheckResult {
  const proxyFact = proxy ? [`A proxy is configured (${proxy}); this check connected directly.`] : [];
  if (network.ok) {
    return result(
      'network',
      'pass',
      network.tls ? `${network.host} resolves and its TLS certificate is trusted (${network.tls.protocol}).` : `${network.host} resolves and accepts connections (plain http on this machine).`,
      {
        facts: [
          `Addresses: ${network.addresses.join(', ')}`,
          ...(network.tls ? [`Certificate: ${network.tls.subject}, issued by ${network.tls.issuer}, valid until ${network.tls.validTo}`] : []),
          ...proxyFact,
        ],
      },
    );
  }
  if (network.stage === 'dns') {
    return result('network', 'fail', `${network.host} does not resolve (${network.code}).`, {
      fix: 'Check azureOpenAIChat.endpoint for a typo; for a private endpoint, check that this machine uses the private DNS zone (VPN); behind a proxy, set http.proxy.',
      facts: proxyFact,
    });
  }
  if (network.stage === 'connect') {
    return result('network', 'fail', `${network.host} resolves but does not accept connections (${network.code}).`, {
      fix: 'A firewall, the resource\'s network rules (public network access disabled) or a required proxy is in the way; set http.proxy if your network needs one.',
      facts: [`Addresses: ${network.addresses.join(', ')}`, ...proxyFact],
    });
  }
  const certificate = describeCertificateError(network.code);
  return result('network', 'fail', certificate?.cause ?? `The TLS handshake with ${network.host} failed (${network.code}: ${network.message}).`, {
    fix: certificate?.fix ?? 'Check http.proxy and http.systemCertificates in VS Code\'s settings.',
    facts: [`Addresses: ${network.addresses.join(', ')}`, ...proxyFact],
  });
}

/** The credential the chat's connection resolved (and a token to read claims from), with what was tried first. */
async function answeredCredential(connection: ConnectionResult): Promise<{ answered: Answered | undefined; attempts: readonly string[] }> {
  if (!connection.ok) {
    return { answered: undefined, attempts: connection.attempts ?? [] };
  }
  const { credential, attempts = [] } = connection.connection;
  if (credential.kind === 'apiKey') {
    return { answered: { kind: 'apiKey', apiKey: credential.apiKey }, attempts };
  }
  try {
    return { answered: { kind: 'entra', source: credential.source, token: await credential.getToken(), ...accountOf(credential) }, attempts };
  } catch (error) {
    return { answered: undefined, attempts: [...attempts, `${describeSource(credential.source)}: ${firstLine(error)}`] };
  }
}

function accountOf(credential: Extract<ChatCredential, { kind: 'entra' }>): { account?: string } {
  return credential.account ? { account: credential.account } : {};
}

function credentialResult(answered: Answered | undefined, attempts: readonly string[], settings: ChatSettings, refusal: string | undefined): CheckResult {
  const facts = attempts.map((attempt) => `Before it: ${attempt}`);
  if (!answered) {
    return result('credential', 'fail', `No credential answered (sign-in method ${settings.authMode}).${refusal ? ` ${refusal}` : ''}`, {
      fix:
        settings.authMode === 'apiKey'
          ? 'Run "Azure OpenAI: Set API Key".'
          : 'Sign in with Microsoft (Accounts menu or "Azure OpenAI: Sign in with Microsoft"), or run `az login` in a terminal' + (settings.authMode === 'auto' ? ', or set an API key.' : '.'),
      facts: attempts,
    });
  }
  if (answered.kind === 'apiKey') {
    return result('credential', 'pass', 'The stored API key answered.', { facts });
  }
  const who = answered.account ? ` as ${answered.account}` : '';
  return result('credential', 'pass', `${describeSource(answered.source)} answered${who}.`, { facts });
}

function claimsResult(answered: Answered | undefined, claims: Record<string, unknown> | undefined, settings: ChatSettings): CheckResult {
  if (!answered) {
    return skipped('claims', 'no credential answered.');
  }
  if (answered.kind === 'apiKey') {
    return result('claims', 'skip', 'An API key has no claims.');
  }
  if (!claims) {
    return result('claims', 'warn', 'The token is not a readable JWT, so its audience and expiry are unknown.');
  }
  const audience = String(claims.aud ?? '');
  const principal = claimString(claims, 'upn') ?? claimString(claims, 'unique_name') ?? claimString(claims, 'preferred_username');
  const app = claimString(claims, 'appid') ?? claimString(claims, 'azp');
  const expires = typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  const facts = [
    `aud: ${audience}`,
    `tid: ${claimString(claims, 'tid') ?? '(none)'}`,
    principal ? `upn: ${principal}` : `appid: ${app ?? '(none)'}`,
    `oid: ${claimString(claims, 'oid') ?? '(none)'}`,
    expires ? `expires: ${new Date(expires).toISOString()} (in ${Math.round((expires - Date.now()) / 60000)} min)` : 'expires: (no exp claim)',
  ];
  if (expires !== undefined && expires <= Date.now()) {
    return result('claims', 'fail', 'The token has expired.', { fix: 'Sign in again (or run `az login` again).', facts });
  }
  // A direct Azure OpenAI host accepts only its cloud's Cognitive Services audience.
  const expected = audienceOf(settings.cloud.dataPlaneScope);
  const directHost = isDirectAzureOpenAIHost(settings);
  if (directHost && trimSlash(audience) !== expected) {
    return result('claims', 'fail', `The token is for ${audience}, but Azure OpenAI accepts only ${expected}.`, {
      fix: `Clear azureOpenAIChat.tokenScope (or set it to ${settings.cloud.dataPlaneScope}); only an API Management gateway with its own validate-jwt audience takes another scope.`,
      facts,
    });
  }
  return result('claims', 'pass', `A token for ${audience}${principal ? ` for ${principal}` : app ? ` for app ${app}` : ''}.`, { facts });
}

interface DataPlaneProbe {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
  readonly wwwAuthenticate: string;
}

async function probeDataPlane(settings: ChatSettings, answered: Answered, apimKey: string | undefined, doFetch: typeof fetch): Promise<DataPlaneProbe> {
  // The path the chat uses: v1 names the deployment in the body, a dated version in the path.
  const v1 = isV1ApiVersion(settings.apiVersion);
  const url = v1
    ? `${settings.endpoint}/openai/v1/chat/completions`
    : `${settings.endpoint}/openai/deployments/${encodeURIComponent(settings.deployment)}/chat/completions?api-version=${encodeURIComponent(settings.apiVersion)}`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (answered.kind === 'entra') {
    headers.authorization = `Bearer ${answered.token}`;
  } else {
    headers['api-key'] = answered.apiKey;
  }
  if (apimKey) {
    headers['Ocp-Apim-Subscription-Key'] = apimKey;
  }
  const response = await doFetch(url, { method: 'POST', headers, body: JSON.stringify(v1 ? { model: settings.deployment, messages: [] } : { messages: [] }), signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text, wwwAuthenticate: response.headers.get('www-authenticate') ?? '' };
}

type ProbeVerdict =
  | 'accepted'
  | 'operationNotSupported'
  | 'apimMissingKey'
  | 'apimInvalidKey'
  | 'apimRejectedToken'
  | 'apimForbidden'
  | 'wrongAudience'
  | 'permissionDenied'
  | 'invalidApiKey'
  | 'deploymentNotFound'
  | 'resourceNotFound'
  | 'throttled'
  | 'other';

function classifyProbe(probe: DataPlaneProbe): ProbeVerdict {
  const body = (probe.body ?? {}) as { error?: { code?: unknown; message?: unknown }; statusCode?: unknown; message?: unknown };
  const code = typeof body.error?.code === 'string' ? body.error.code : undefined;
  // API Management and Azure OpenAI's token check answer `{ statusCode, message }`, not `{ error }`.
  const gatewayMessage = typeof body.message === 'string' && body.error === undefined ? body.message : undefined;
  if (code === 'PermissionDenied') {
    return 'permissionDenied';
  }
  if (gatewayMessage !== undefined) {
    if (/audience is incorrect/i.test(gatewayMessage)) {
      return 'wrongAudience';
    }
    if (probe.status === 401 && /missing subscription key/i.test(gatewayMessage)) {
      return 'apimMissingKey';
    }
    if (probe.status === 401 && /subscription key/i.test(gatewayMessage)) {
      return 'apimInvalidKey';
    }
    if (probe.status === 401) {
      return 'apimRejectedToken';
    }
    if (probe.status === 403) {
      return 'apimForbidden';
    }
  }
  if (probe.status === 401) {
    return 'invalidApiKey';
  }
  if (probe.status === 404) {
    return code === 'DeploymentNotFound' ? 'deploymentNotFound' : 'resourceNotFound';
  }
  if (probe.status === 429) {
    return 'throttled';
  }
  if (code === 'OperationNotSupported') {
    return 'operationNotSupported';
  }
  if (probe.status < 300 || probe.status === 400) {
    return 'accepted';
  }
  return 'other';
}

function apimResult(verdict: ProbeVerdict, probe: DataPlaneProbe, settings: ChatSettings, hasKey: boolean, claims: Record<string, unknown> | undefined, keyWithheld: boolean): CheckResult {
  const host = new URL(settings.endpoint).hostname;
  const gatewayHost = /\.azure-api\.(net|us|cn)$/i.test(host);
  const gatewayVerdict = verdict.startsWith('apim');
  const challenge = /AzureApiManagementKey/i.test(probe.wwwAuthenticate);
  // A stored subscription key says the user set up a gateway, even on a custom domain.
  if (!gatewayHost && !gatewayVerdict && !challenge && !hasKey && !keyWithheld) {
    return result('apim', 'skip', `Not an API Management gateway (${host} answered as Azure OpenAI).`);
  }
  const facts = [
    `Subscription key sent: ${hasKey ? 'yes' : keyWithheld ? `no (stored, but ${host} is not *.azure-api.net or in azureOpenAIChat.trustedHosts)` : 'no (none stored)'}`,
    `Token audience sent: ${String(claims?.aud ?? '(API key, no token)')}`,
  ];
  switch (verdict) {
    case 'apimMissingKey':
      return result('apim', 'fail', `The API Management gateway at ${host} needs a subscription key and none was sent.`, {
        fix: 'Run "Azure OpenAI: Set API Management Subscription Key" with a key from the gateway\'s subscription.',
        facts,
      });
    case 'apimInvalidKey':
      return result('apim', 'fail', `The API Management gateway at ${host} refused the stored subscription key.`, {
        fix: 'Run "Azure OpenAI: Set API Management Subscription Key" again with a current key.',
        facts,
      });
    case 'apimRejectedToken':
      return result('apim', 'fail', `The gateway's validate-jwt policy refused the token (audience ${String(claims?.aud ?? 'none')}).`, {
        fix: `Set azureOpenAIChat.tokenScope to the audience the policy expects, usually api://<gateway-app-id>/.default (now ${settings.tokenScope}).`,
        facts,
      });
    case 'apimForbidden':
      return result('apim', 'fail', `The gateway accepted the token but its policy refused the request (${gatewayText(probe)}).`, {
        fix: 'Ask the gateway\'s owner for the role or claim its policy requires.',
        facts,
      });
    default:
      return result('apim', 'pass', `API Management gateway detected; it let the request through.`, { facts });
  }
}

function roleResult(verdict: ProbeVerdict, probe: DataPlaneProbe, settings: ChatSettings, claims: Record<string, unknown> | undefined, account: DiscoveredDeployment | undefined): CheckResult {
  switch (verdict) {
    case 'apimMissingKey':
    case 'apimInvalidKey':
    case 'apimRejectedToken':
    case 'apimForbidden':
      return skipped('role', 'the gateway stopped the request first.');
    case 'wrongAudience': {
      const expected = /audience is incorrect \(([^)]+)\)/i.exec(gatewayText(probe))?.[1];
      return result('role', 'fail', `Azure OpenAI refused the token: its audience ${String(claims?.aud ?? '')} is not the one it accepts${expected ? ` (${expected})` : ''}.`, {
        fix: `Set azureOpenAIChat.tokenScope to ${expected ? `${trimSlash(expected)}/.default` : settings.cloud.dataPlaneScope} (or clear it for the default).`,
      });
    }
    case 'permissionDenied': {
      const resourceId = account?.accountId ?? `/subscriptions/<subscription-id>/resourceGroups/<resource-group>/providers/Microsoft.CognitiveServices/accounts/${resourceNameGuess(settings.endpoint)}`;
      const resourceName = account?.accountName ?? resourceNameGuess(settings.endpoint);
      const principalId = claimString(claims ?? {}, 'oid') ?? '<principal-object-id>';
      const principalName = claimString(claims ?? {}, 'upn') ?? claimString(claims ?? {}, 'unique_name') ?? claimString(claims ?? {}, 'appid') ?? principalId;
      const principalType = claims?.idtyp === 'user' || claimString(claims ?? {}, 'upn') ? 'User' : 'ServicePrincipal';
      return result('role', 'fail', `${principalName} has no data-plane role on ${resourceName} (PermissionDenied, status ${probe.status}).`, {
        fix:
          `Assign Cognitive Services OpenAI User on ${resourceName} (an owner of the resource can; it takes a few minutes to apply): ` +
          `\`az role assignment create --assignee-object-id ${principalId} --assignee-principal-type ${principalType} --role "Cognitive Services OpenAI User" --scope ${resourceId}\``,
      });
    }
    case 'invalidApiKey':
      return result('role', 'fail', 'Azure OpenAI refused the API key (or the endpoint is not this key\'s resource).', {
        fix: 'Run "Azure OpenAI: Set API Key" with KEY 1 or KEY 2 from "Keys and Endpoint" of this resource.',
      });
    case 'other':
      return result('role', 'warn', `Azure OpenAI answered ${probe.status}: ${gatewayText(probe)}`, { fix: 'Retry in a moment; if it persists, check the resource\'s status in the Azure portal.' });
    default:
      return result('role', 'pass', 'The caller may use this resource (the service accepted who it is).');
  }
}

function deploymentResult(verdict: ProbeVerdict, probe: DataPlaneProbe, settings: ChatSettings, discovered: readonly DiscoveredDeployment[]): CheckResult {
  const here = discovered.filter((entry) => sameOrigin(entry.endpoint, settings.endpoint));
  const known = here.find((entry) => entry.deployment === settings.deployment);
  const modelFact = known ? [`Model: ${known.model} ${known.modelVersion}, SKU ${known.sku}${known.capacity !== undefined ? `, capacity ${known.capacity}` : ''}`] : [];
  switch (verdict) {
    case 'deploymentNotFound':
      return result('deployment', 'fail', `There is no deployment named ${settings.deployment} on ${settings.endpoint}.`, {
        fix: here.length
          ? `Run "Azure OpenAI: Select Deployment" and pick one of: ${here.map((entry) => entry.deployment).join(', ')}.`
          : 'Run "Azure OpenAI: Select Deployment", or copy the name from the resource\'s Deployments page (a new deployment can take 5 minutes to answer).',
      });
    case 'resourceNotFound':
      return result('deployment', 'fail', `The endpoint answered 404 "Resource not found" for ${settings.apiVersion}.`, {
        fix: 'Check azureOpenAIChat.apiVersion and, behind API Management, the API\'s base path in azureOpenAIChat.endpoint.',
      });
    case 'operationNotSupported':
      return result('deployment', 'warn', `${settings.deployment} exists but does not take the Chat Completions API (${gatewayText(probe)}).`, {
        fix: 'Codex and -pro models take only the Responses API, which the chat uses for them. If this is not a chat model (embeddings, images, speech), select a chat deployment.',
        facts: modelFact,
      });
    case 'accepted':
    case 'throttled': {
      const capabilities = known ? Object.entries(known.capabilities).filter(([, value]) => value === 'true').map(([name]) => name) : [];
      const takesChat = !known || capabilities.length === 0 || capabilities.includes('chatCompletion');
      return result(
        'deployment',
        takesChat ? 'pass' : 'warn',
        takesChat
          ? `${settings.deployment} exists and takes the Chat Completions API (api-version ${settings.apiVersion})${verdict === 'throttled' ? '; it is rate-limited right now' : ''}.`
          : `${settings.deployment} exists, but Resource Manager lists it for ${capabilities.join(', ')}, not chat completions.`,
        { facts: [...modelFact, ...(capabilities.length ? [`Capabilities: ${capabilities.join(', ')}`] : [])], ...(takesChat ? {} : { fix: 'Select a chat model deployment.' }) },
      );
    }
    default:
      return skipped('deployment', 'the request did not get that far.');
  }
}

function claimString(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value ? value : undefined;
}

function gatewayText(probe: DataPlaneProbe): string {
  const body = (probe.body ?? {}) as { error?: { message?: unknown }; message?: unknown };
  const message = typeof body.error?.message === 'string' ? body.error.message : typeof body.message === 'string' ? body.message : probe.text.slice(0, 200);
  return message;
}

function isDirectAzureOpenAIHost(settings: ChatSettings): boolean {
  const host = new URL(settings.endpoint).hostname.toLowerCase();
  return settings.cloud.hostSuffixes.some((suffix) => host.endsWith(suffix) && !/azure-api\./.test(suffix));
}

function audienceOf(scope: string): string {
  return trimSlash(scope.replace(/\/\.default$/, ''));
}

function trimSlash(value: string): string {
  return value.replace(/\/+$/, '');
}

function resourceNameGuess(endpoint: string): string {
  return new URL(endpoint).hostname.split('.')[0] ?? '<resource-name>';
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin.toLowerCase() === new URL(b).origin.toLowerCase();
  } catch {
    return false;
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
