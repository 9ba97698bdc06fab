/**
 * Which Azure cloud the extension talks to: its Resource Manager host, its Entra ID authority,
 * the default data-plane token scope, the host suffixes a data-plane token may go to, and which
 * of VS Code's Microsoft sign-in providers serves it. Pure: read by the settings validation,
 * the credential resolver, the token host policy and discovery.
 */

/** Values of `azureOpenAIChat.cloud`. */
export const cloudNames = ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud', 'custom'] as const;
export type CloudName = (typeof cloudNames)[number];

/** VS Code's providers: `microsoft` for the public cloud, `microsoft-sovereign-cloud` for the others. */
export type MicrosoftAuthProviderId = 'microsoft' | 'microsoft-sovereign-cloud';

export interface CloudProfile {
  readonly name: CloudName;
  /** Origin of Azure Resource Manager, e.g. https://management.azure.com (no trailing slash). */
  readonly resourceManager: string;
  /** Scope for a Resource Manager token; a management token is sent to resourceManager only. */
  readonly managementScope: string;
  /** Entra ID authority host, e.g. https://login.microsoftonline.com. */
  readonly authorityHost: string;
  /** The default scope of data-plane (Azure OpenAI) tokens. */
  readonly dataPlaneScope: string;
  /** Hosts ending in one of these may receive a data-plane token (the token host policy's input). */
  readonly hostSuffixes: readonly string[];
  readonly authProvider: MicrosoftAuthProviderId;
}

export const publicCloud: CloudProfile = {
  name: 'AzureCloud',
  resourceManager: 'https://management.azure.com',
  managementScope: 'https://management.azure.com/.default',
  authorityHost: 'https://login.microsoftonline.com',
  dataPlaneScope: 'https://cognitiveservices.azure.com/.default',
  hostSuffixes: ['.openai.azure.com', '.cognitiveservices.azure.com', '.services.ai.azure.com', '.azure-api.net'],
  authProvider: 'microsoft',
};

export const usGovernmentCloud: CloudProfile = {
  name: 'AzureUSGovernment',
  resourceManager: 'https://management.usgovcloudapi.net',
  managementScope: 'https://management.usgovcloudapi.net/.default',
  authorityHost: 'https://login.microsoftonline.us',
  dataPlaneScope: 'https://cognitiveservices.azure.us/.default',
  hostSuffixes: ['.openai.azure.us', '.cognitiveservices.azure.us', '.azure-api.us'],
  authProvider: 'microsoft-sovereign-cloud',
};

export const chinaCloud: CloudProfile = {
  name: 'AzureChinaCloud',
  resourceManager: 'https://management.chinacloudapi.cn',
  managementScope: 'https://management.chinacloudapi.cn/.default',
  authorityHost: 'https://login.chinacloudapi.cn',
  dataPlaneScope: 'https://cognitiveservices.azure.cn/.default',
  hostSuffixes: ['.openai.azure.cn', '.cognitiveservices.azure.cn', '.azure-api.cn'],
  authProvider: 'microsoft-sovereign-cloud',
};

export type CloudResult = { readonly ok: true; readonly cloud: CloudProfile } | { readonly ok: false; readonly error: string };

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https, or http on loopback only (how tests point discovery at a stand-in). */
function originOf(raw: unknown, what: string): { origin: string } | { error: string } {
  if (typeof raw !== 'string' || !raw.trim()) {
    return { error: `${what} is missing.` };
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { error: `${what} "${raw}" is not a URL.` };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackHosts.has(url.hostname))) {
    return { error: `${what} must be an https:// URL.` };
  }
  if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '')) {
    return { error: `${what} must be a bare origin such as https://management.example.com.` };
  }
  return { origin: url.origin };
}

/**
 * Reads `azureOpenAIChat.cloud` and, for `custom`, `azureOpenAIChat.customCloud`
 * ({ resourceManagerEndpoint, authorityHost, dataPlaneScope?, hostSuffixes? }).
 */
export function resolveCloud(name: unknown, custom: unknown): CloudResult {
  const chosen = typeof name === 'string' && name.trim() ? name.trim() : 'AzureCloud';
  switch (chosen) {
    case 'AzureCloud':
      return { ok: true, cloud: publicCloud };
    case 'AzureUSGovernment':
      return { ok: true, cloud: usGovernmentCloud };
    case 'AzureChinaCloud':
      return { ok: true, cloud: chinaCloud };
    case 'custom':
      return resolveCustomCloud(custom);
    default:
      return { ok: false, error: `"${chosen}" is not a cloud; use one of ${cloudNames.join(', ')}.` };
  }
}

function resolveCustomCloud(custom: unknown): CloudResult {
  if (typeof custom !== 'object' || custom === null || Array.isArray(custom)) {
    return { ok: false, error: 'The custom cloud needs azureOpenAIChat.customCloud with resourceManagerEndpoint and authorityHost.' };
  }
  const fields = custom as Record<string, unknown>;
  const arm = originOf(fields.resourceManagerEndpoint, 'customCloud.resourceManagerEndpoint');
  if ('error' in arm) {
    return { ok: false, error: arm.error };
  }
  const authority = originOf(fields.authorityHost, 'customCloud.authorityHost');
  if ('error' in authority) {
    return { ok: false, error: authority.error };
  }
  const dataPlaneScope = typeof fields.dataPlaneScope === 'string' && fields.dataPlaneScope.trim() ? fields.dataPlaneScope.trim() : publicCloud.dataPlaneScope;
  if (!dataPlaneScope.endsWith('/.default')) {
    return { ok: false, error: 'customCloud.dataPlaneScope ends with /.default.' };
  }
  const suffixes = Array.isArray(fields.hostSuffixes)
    ? fields.hostSuffixes.filter((entry): entry is string => typeof entry === 'string' && /^\.[a-z0-9.-]+\.[a-z]{2,}$/i.test(entry.trim()))
    : [];
  return {
    ok: true,
    cloud: {
      name: 'custom',
      resourceManager: arm.origin,
      managementScope: `${arm.origin}/.default`,
      authorityHost: authority.origin,
      dataPlaneScope,
      hostSuffixes: suffixes.map((suffix) => suffix.trim().toLowerCase()),
      authProvider: 'microsoft-sovereign-cloud',
    },
  };
}
