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
];

/**
 * Settings VS Code ignores in an untrusted workspace (package.json restrictedConfigurations):
 * the credential routing ones, and those an untrusted repository could use to steer the model
 * (the system prompt) or the bill (the deployment).
 */
export const restrictedInUntrustedWorkspaces: readonly SettingKey[] = [...credentialRoutingSettings, SettingKey.deployment, SettingKey.systemPrompt];

export const defaultTokenScope = 'https://cognitiveservices.azure.com/.default';
export const defaultApiVersion = 'v1';
export const defaultSystemPrompt = 'You are a helpful assistant.';
export const defaultStallTimeoutSeconds = 60;

export const SecretName = {
  apiKey: 'azureOpenAIChat.apiKey',
  apimSubscriptionKey: 'azureOpenAIChat.apimSubscriptionKey',
} as const;

export type SecretName = (typeof SecretName)[keyof typeof SecretName];

export type AuthMode = 'auto' | 'entra' | 'apiKey';
