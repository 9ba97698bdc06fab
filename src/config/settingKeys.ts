/**
 * Every setting and secret name, defined once. `test/unit/manifest.test.ts` checks that these
 * match package.json's contributions, so a renamed key cannot silently drift.
 */
export const settingsSection = 'azureOpenAIChat';

export const SettingKey = {
  endpoint: 'endpoint',
  deployment: 'deployment',
  apiVersion: 'apiVersion',
  auth: 'auth',
  tokenScope: 'tokenScope',
  tenantId: 'tenantId',
  trustedHosts: 'trustedHosts',
  systemPrompt: 'systemPrompt',
  stallTimeoutSeconds: 'stallTimeoutSeconds',
  // Sovereign clouds (src/config/cloud.ts).
  cloud: 'cloud',
  customCloud: 'customCloud',
  // Spend (issue 21): application-scoped, so a workspace cannot change what the user is told it costs.
  prices: 'prices',
  dailyBudget: 'dailyBudget',
  currency: 'currency',
  offerModelsToOtherExtensions: 'offerModelsToOtherExtensions',
} as const;

export type SettingKey = (typeof SettingKey)[keyof typeof SettingKey];

/**
 * Settings that decide where a token or key is sent. They are application-scoped in
 * package.json, and read only from user settings, so a cloned repository's
 * `.vscode/settings.json` cannot redirect a user's credentials.
 */
export const credentialRoutingSettings: readonly SettingKey[] = [
  SettingKey.endpoint,
  SettingKey.auth,
  SettingKey.tokenScope,
  SettingKey.tenantId,
  SettingKey.trustedHosts,
  SettingKey.cloud,
  SettingKey.customCloud,
];

/**
 * Spend (issue 21): what the user is told things cost, their budget, and whether other
 * extensions may use the deployments. Application-scoped too: a repository must not lower a
 * price, lift a budget or switch offering on for the user.
 */
export const spendSettings: readonly SettingKey[] = [SettingKey.prices, SettingKey.dailyBudget, SettingKey.currency, SettingKey.offerModelsToOtherExtensions];

/** Every application-scoped setting: VS Code writes and reads them in user settings only. */
export const applicationScopedSettings: readonly SettingKey[] = [...credentialRoutingSettings, ...spendSettings];

/**
 * Settings VS Code ignores in an untrusted workspace (package.json restrictedConfigurations):
 * every setting a workspace can set at all. Besides the credential routing ones, an untrusted
 * repository could steer the model (system prompt), the bill (deployment), the API surface
 * (API version) or cut every answer short (stall timeout). A trusted workspace may set them:
 * per-project deployments and prompts are a feature, and validation bounds each value.
 */
export const restrictedInUntrustedWorkspaces: readonly SettingKey[] = [
  ...credentialRoutingSettings,
  SettingKey.deployment,
  SettingKey.systemPrompt,
  SettingKey.apiVersion,
  SettingKey.stallTimeoutSeconds,
];

export const defaultTokenScope = 'https://cognitiveservices.azure.com/.default';
export const defaultApiVersion = 'v1';
export const defaultSystemPrompt = 'You are a helpful assistant.';
export const defaultStallTimeoutSeconds = 60;
/** package.json's minimum/maximum, which VS Code shows but does not enforce: validation clamps. */
export const stallTimeoutRangeSeconds = { min: 5, max: 600 } as const;
/** The system prompt goes with every question; a longer one is refused, not silently billed. */
export const maxSystemPromptCharacters = 50_000;

export const SecretName = {
  apiKey: 'azureOpenAIChat.apiKey',
  apimSubscriptionKey: 'azureOpenAIChat.apimSubscriptionKey',
} as const;

export type SecretName = (typeof SecretName)[keyof typeof SecretName];

export const authModes = ['auto', 'entra', 'apiKey'] as const;
export type AuthMode = (typeof authModes)[number];

/**
 * Each setting's default, as package.json declares it (test/unit/definedOnce.test.ts compares
 * them), so the code's fallback and the Settings editor's default cannot disagree.
 */
export const settingDefaults: { readonly [K in SettingKey]: unknown } = {
  endpoint: '',
  deployment: '',
  apiVersion: defaultApiVersion,
  auth: 'auto' satisfies AuthMode,
  tokenScope: defaultTokenScope,
  tenantId: '',
  trustedHosts: [],
  systemPrompt: defaultSystemPrompt,
  stallTimeoutSeconds: defaultStallTimeoutSeconds,
  cloud: 'AzureCloud',
  customCloud: {},
  prices: {},
  dailyBudget: {},
  currency: 'USD',
  offerModelsToOtherExtensions: true,
};

/**
 * Tools (issue 20). Read from user settings only (application scope in package.json): a cloned
 * repository cannot make the chat run tools without asking, nor raise its step limit.
 */
export const ToolSettingKey = {
  autoApproveReadOnly: 'tools.autoApproveReadOnly',
  maxSteps: 'tools.maxSteps',
  maxResultCharacters: 'tools.maxResultCharacters',
} as const;
export type ToolSettingKey = (typeof ToolSettingKey)[keyof typeof ToolSettingKey];

export const toolSettingDefaults: { readonly [K in ToolSettingKey]: boolean | number } = {
  'tools.autoApproveReadOnly': true,
  'tools.maxSteps': 20,
  'tools.maxResultCharacters': 32_000,
};
export const toolStepRange = { min: 1, max: 200 } as const;
export const toolResultRange = { min: 1_000, max: 1_000_000 } as const;
