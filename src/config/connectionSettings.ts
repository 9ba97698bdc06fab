import type { ProblemView } from '../common/protocol';
import { type CloudProfile, resolveCloud } from './cloud';
import {
  type AuthMode,
  authModes,
  defaultApiVersion,
  defaultStallTimeoutSeconds,
  defaultSystemPrompt,
  defaultTokenScope,
  maxSystemPromptCharacters,
  settingsSection,
  SettingKey,
  stallTimeoutRangeSeconds,
} from './settingKeys';

/** Settings exactly as read, before anything is trusted about their types or shapes. */
export type RawSettings = { readonly [K in SettingKey]?: unknown };

/** Settings after validation: every field is usable as is. */
export interface ChatSettings {
  /** Base URL without a trailing slash or `/openai/...` suffix, e.g. https://x.openai.azure.com */
  readonly endpoint: string;
  readonly deployment: string;
  readonly apiVersion: string;
  readonly authMode: AuthMode;
  readonly tokenScope: string;
  readonly tenantId: string | undefined;
  readonly trustedHosts: readonly string[];
  readonly systemPrompt: string;
  readonly stallTimeoutMs: number;
  /** Resource Manager, authority, default scope and token host suffixes of the chosen cloud. */
  readonly cloud: CloudProfile;
}

export type SettingsResult =
  | { readonly ok: true; readonly settings: ChatSettings }
  | { readonly ok: false; readonly problem: ProblemView };

const deploymentPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const apiVersionPattern = /^(v1|\d{4}-\d{2}-\d{2}(-preview)?)$/i;

/**
 * `v1` (the default) is Azure's versionless API at /openai/v1/. A dated version (2024-10-21,
 * 2025-04-01-preview) is what users saved before v1 existed, and what some gateways still expose:
 * it keeps working, on the /openai/deployments/... paths with `?api-version=`.
 */
export function isV1ApiVersion(apiVersion: string): boolean {
  return apiVersion.toLowerCase() === 'v1';
}
export const tenantPattern = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9.-]+\.[A-Za-z]{2,}|organizations|common)$/i;
const scopePattern = /^\S+\/\.default$/;

function isAuthMode(value: string): value is AuthMode {
  return (authModes as readonly string[]).includes(value);
}

function settingName(key: SettingKey): string {
  return `${settingsSection}.${key}`;
}

function misconfigured(title: string, detail: string, actions: ProblemView['actions'] = ['openSettings']): SettingsResult {
  return { ok: false, problem: { title, detail, actions } };
}

function asTrimmedString(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * Accepts what people paste: the resource URL, the portal's "target URI" with
 * `/openai/deployments/...`, or an API Management gateway URL with a base path.
 */
export function normalizeEndpoint(raw: string): { endpoint: string } | { error: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: `"${raw}" is not a URL. Use the resource's address, for example https://my-resource.openai.azure.com` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { error: `The endpoint must start with https:// (it starts with ${url.protocol}//).` };
  }
  if (url.username || url.password) {
    return { error: 'The endpoint must not contain a user name or password.' };
  }
  const openaiAt = url.pathname.search(/\/openai(\/|$)/);
  const basePath = (openaiAt >= 0 ? url.pathname.slice(0, openaiAt) : url.pathname).replace(/\/+$/, '');
  return { endpoint: `${url.origin}${basePath}` };
}

export function validateSettings(raw: RawSettings): SettingsResult {
  const endpointText = asTrimmedString(raw.endpoint);
  if (!endpointText) {
    return misconfigured(
      'Set your Azure OpenAI endpoint to start chatting.',
      `Select a deployment from your Azure subscriptions, or open Settings and set ${settingName(SettingKey.endpoint)} to your resource's URL, for example https://my-resource.openai.azure.com, and ${settingName(SettingKey.deployment)} to a deployment name.`,
      ['selectDeployment', 'openSettings'],
    );
  }
  const endpoint = normalizeEndpoint(endpointText);
  if ('error' in endpoint) {
    return misconfigured(`The endpoint setting is not usable.`, `${settingName(SettingKey.endpoint)}: ${endpoint.error}`);
  }

  const deployment = asTrimmedString(raw.deployment);
  if (!deployment) {
    return misconfigured(
      'Choose which deployment to chat with.',
      `Select a deployment, or set ${settingName(SettingKey.deployment)} to the name of a model deployment on ${endpoint.endpoint}, for example gpt-4o.`,
      ['selectDeployment', 'openSettings'],
    );
  }
  if (!deploymentPattern.test(deployment)) {
    return misconfigured(
      `"${deployment}" is not a deployment name.`,
      `${settingName(SettingKey.deployment)} takes the deployment's name only (letters, digits, '.', '_' and '-'), not a URL.`,
    );
  }

  const apiVersionText = asTrimmedString(raw.apiVersion) || defaultApiVersion;
  const apiVersion = isV1ApiVersion(apiVersionText) ? 'v1' : apiVersionText;
  if (!apiVersionPattern.test(apiVersionText)) {
    return misconfigured(
      `"${apiVersionText}" is not an Azure OpenAI API version.`,
      `${settingName(SettingKey.apiVersion)} is v1 (recommended), or a dated version such as 2024-10-21 or 2025-04-01-preview.`,
    );
  }

  const authText = asTrimmedString(raw.auth) || 'auto';
  if (!isAuthMode(authText)) {
    return misconfigured(`"${authText}" is not a sign-in method.`, `${settingName(SettingKey.auth)} is one of auto, entra or apiKey.`);
  }

  const signIn = validateSignInSettings(raw);
  if (!signIn.ok) {
    return signIn;
  }
  const { cloud, tokenScope, tenantId } = signIn.settings;

  const trustedHosts = Array.isArray(raw.trustedHosts)
    ? raw.trustedHosts.filter((host): host is string => typeof host === 'string' && host.trim() !== '').map((host) => host.trim().toLowerCase())
    : [];

  const systemPrompt = typeof raw.systemPrompt === 'string' ? raw.systemPrompt : defaultSystemPrompt;
  if (systemPrompt.length > maxSystemPromptCharacters) {
    return misconfigured(
      `The system prompt is too long (${systemPrompt.length.toLocaleString('en-US')} characters).`,
      `${settingName(SettingKey.systemPrompt)} is sent with every question; keep it under ${maxSystemPromptCharacters.toLocaleString('en-US')} characters.`,
    );
  }

  // VS Code does not enforce the schema's minimum/maximum, and setTimeout turns anything above
  // 2^31-1 ms into 1 ms: every answer would "stop arriving" at once.
  const stallSeconds =
    typeof raw.stallTimeoutSeconds === 'number' && Number.isFinite(raw.stallTimeoutSeconds) && raw.stallTimeoutSeconds > 0
      ? Math.min(stallTimeoutRangeSeconds.max, Math.max(stallTimeoutRangeSeconds.min, raw.stallTimeoutSeconds))
      : defaultStallTimeoutSeconds;

  return {
    ok: true,
    settings: {
      endpoint: endpoint.endpoint,
      deployment,
      apiVersion,
      authMode: authText,
      tokenScope,
      tenantId,
      trustedHosts,
      systemPrompt,
      stallTimeoutMs: Math.round(stallSeconds * 1000),
      cloud,
    },
  };
}

export type SignInSettings = Pick<ChatSettings, 'cloud' | 'tokenScope' | 'tenantId'>;

/**
 * What signing in needs: the cloud, the token scope and the tenant. A user signs in before (or
 * without) choosing an endpoint and deployment, so these are checked on their own; the full
 * validation above uses this same function for them.
 */
export function validateSignInSettings(raw: RawSettings): { readonly ok: true; readonly settings: SignInSettings } | { readonly ok: false; readonly problem: ProblemView } {
  const cloud = resolveCloud(raw.cloud, raw.customCloud);
  if (!cloud.ok) {
    return misconfigured('The cloud setting is not usable.', `${settingName(SettingKey.cloud)}: ${cloud.error}`);
  }

  // The public default scope stands for "the default" in a sovereign cloud too.
  const scopeText = asTrimmedString(raw.tokenScope);
  const tokenScope = scopeText && scopeText !== defaultTokenScope ? scopeText : cloud.cloud.dataPlaneScope;
  if (!scopePattern.test(tokenScope)) {
    return misconfigured(
      `"${tokenScope}" is not a token scope.`,
      `${settingName(SettingKey.tokenScope)} ends with /.default, for example ${defaultTokenScope} or api://<app-id>/.default for an API Management gateway.`,
    );
  }

  const tenantText = asTrimmedString(raw.tenantId);
  if (tenantText && !tenantPattern.test(tenantText)) {
    return misconfigured(
      `"${tenantText}" is not a tenant.`,
      `${settingName(SettingKey.tenantId)} is a tenant ID (a GUID) or a domain such as contoso.onmicrosoft.com, or empty for your home tenant.`,
    );
  }
  return { ok: true, settings: { cloud: cloud.cloud, tokenScope, tenantId: tenantText || undefined } };
}
