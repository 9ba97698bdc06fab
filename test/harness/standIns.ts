// Everything a real VS Code under test talks to instead of Azure and Microsoft: the Azure OpenAI
// stand-in, the managed identity stand-in, the fake `az`, the stand-in Microsoft sign-in, and
// the control API that lets in-host tests script them. Started in the runner's process.
import { AzureOpenAIStandIn, type StandInOptions } from '../standin/azureOpenAIStandIn';
import { ManagedIdentityStandIn } from '../standin/managedIdentityStandIn';
import { isolatedAzureEnvironment } from '../standin/testEnvironment';
import { applyOverrides, hermeticEnv } from './env';
import { StandInControl } from './standInControl';

/** The api-key the stand-in accepts in tests (the same as `node out/test/standin/cli.js`). */
export const STANDIN_API_KEY = 'standin-key';

/**
 * The variables the extension host sees; tests read them through test/integration/standIn.ts.
 * Documented in docs/testing.md, keep the two in step.
 */
export const ENV = {
  endpoint: 'AOAI_STANDIN_ENDPOINT',
  deployment: 'AOAI_STANDIN_DEPLOYMENT',
  apiKey: 'AOAI_STANDIN_API_KEY',
  control: 'AOAI_STANDIN_CONTROL',
  managedIdentity: 'MI_STANDIN_ENDPOINT',
  msAuthMode: 'MS_AUTH_STANDIN_MODE',
} as const;

export interface StandIns {
  readonly aoai: AzureOpenAIStandIn;
  readonly managedIdentity: ManagedIdentityStandIn;
  readonly control: StandInControl;
  readonly deployment: string;
  /** The server's environment: hermetic, loopback-only identity, fake `az`, stand-in URLs. */
  env(overrides?: Record<string, string | undefined>): NodeJS.ProcessEnv;
  /** User settings that point the extension at the stand-in. */
  readonly settings: Readonly<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface StandInsOptions {
  /** Initial mode of the stand-in Microsoft sign-in (default signedOut). */
  readonly msAuthMode?: 'signedIn' | 'signedOut';
  /** More options for the Azure OpenAI stand-in (the bench times chunks with onChunkWritten). */
  readonly aoai?: Omit<StandInOptions, 'apiKey'>;
}

export async function startStandIns(options: StandInsOptions = {}): Promise<StandIns> {
  const aoai = await AzureOpenAIStandIn.start({ ...options.aoai, apiKey: STANDIN_API_KEY });
  const managedIdentity = await ManagedIdentityStandIn.start();
  const control = await StandInControl.start(aoai, managedIdentity);
  const deployment = aoai.deployments[0];
  const standInVariables: Record<string, string> = {
    [ENV.endpoint]: aoai.endpoint,
    [ENV.deployment]: deployment,
    [ENV.apiKey]: STANDIN_API_KEY,
    [ENV.control]: control.url,
    [ENV.managedIdentity]: managedIdentity.endpoint,
    [ENV.msAuthMode]: options.msAuthMode ?? 'signedOut',
    // The stand-in extension owns the `microsoft` provider id in place of the built-in one.
    VSCODE_SKIP_BUILTIN_EXTENSIONS: 'vscode.microsoft-authentication',
  };
  return {
    aoai,
    managedIdentity,
    control,
    deployment,
    env: (overrides = {}) => {
      const base = isolatedAzureEnvironment({ base: hermeticEnv(), managedIdentityHost: managedIdentity.endpoint });
      return applyOverrides(base, { ...standInVariables, ...overrides });
    },
    settings: {
      ...quietWorkbenchSettings(),
      'azureOpenAIChat.endpoint': aoai.endpoint,
      'azureOpenAIChat.deployment': deployment,
      'azureOpenAIChat.trustedHosts': ['127.0.0.1'],
    },
    close: async () => {
      await control.close();
      await managedIdentity.close();
      await aoai.close();
    },
  };
}

/** Settings that keep a test workbench from reaching for the network or covering the UI. */
export function quietWorkbenchSettings(): Record<string, unknown> {
  return {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    // The fixture workspaces live inside this repository.
    'git.openRepositoryInParentFolders': 'never',
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'never',
  };
}
