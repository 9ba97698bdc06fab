import type { ConnectionView, ProblemView } from '../common/protocol';
import type { ChatSettings } from '../config/connectionSettings';
import { SecretName } from '../config/settingKeys';
import type { Logger } from '../logging/logger';
import { AzureIdentityChain } from './azureIdentityChain';
import { type ChatCredential, describeSource, SignInRequiredError } from './credential';
import { checkKeyHost, checkTokenHost } from './hostPolicy';
import { acceptedScopesOnly, type ScopeConsent } from './scopePolicy';
import type { MicrosoftAuthProviderId } from '../config/cloud';

/** What the resolver needs from VS Code's Microsoft sign-in; implemented in vscodeMicrosoftSession.ts. */
export interface MicrosoftSessionProvider {
  /** Never shows UI. Undefined when there is no session the extension may use silently. */
  getSessionSilently(scopes: readonly string[], provider?: MicrosoftAuthProviderId): Promise<{ readonly accessToken: string; readonly account: string } | undefined>;
}

export interface SecretReader {
  get(name: SecretName): Promise<string | undefined>;
}

export type ResolvedCredential =
  | { readonly ok: true; readonly credential: ChatCredential }
  | { readonly ok: false; readonly state: ConnectionView['state']; readonly problem: ProblemView };

export interface CredentialResolverDeps {
  readonly microsoft: MicrosoftSessionProvider;
  readonly secrets: SecretReader;
  readonly log: Logger;
  readonly env: NodeJS.ProcessEnv;
  readonly managedIdentityTimeoutMs?: number;
  readonly createChain?: (settings: ChatSettings) => AzureIdentityChain;
  /** Decides about scopes that are not an Azure OpenAI / AI audience; default: refuse them. */
  readonly scopeConsent?: ScopeConsent;
}

/** Scopes for VS Code's Microsoft provider; the tenant travels as a pseudo-scope. */
export function microsoftScopes(settings: Pick<ChatSettings, 'tokenScope' | 'tenantId'>): string[] {
  return settings.tenantId ? [settings.tokenScope, `VSCODE_TENANT:${settings.tenantId}`] : [settings.tokenScope];
}

/**
 * Picks the credential for the configured sign-in method, in the documented order:
 * VS Code's Microsoft session, then the Azure identity chain, then a stored API key.
 * Entra tokens are never requested for a host the token policy refuses.
 */
export class CredentialResolver {
  private chain: { key: string; chain: AzureIdentityChain } | undefined;

  constructor(private readonly deps: CredentialResolverDeps) {}

  async resolve(settings: ChatSettings): Promise<ResolvedCredential> {
    const wantsEntra = settings.authMode !== 'apiKey';
    const hostVerdict = checkTokenHost(settings.endpoint, settings.trustedHosts, settings.cloud.hostSuffixes);
    if (wantsEntra && hostVerdict.allowed) {
      if (!(await (this.deps.scopeConsent ?? acceptedScopesOnly).allows(settings.tokenScope, settings.endpoint))) {
        return {
          ok: false,
          state: 'misconfigured',
          problem: {
            title: `Not requesting a Microsoft token for ${settings.tokenScope}.`,
            detail:
              'azureOpenAIChat.tokenScope names an audience other than Azure OpenAI (https://cognitiveservices.azure.com/.default), Azure AI (https://ai.azure.com/.default) or an api:// app, and you did not confirm it. ' +
              'A token for another service would let the endpoint act as you there. Change the setting, or reload the window to be asked again.',
            actions: ['openSettings'],
          },
        };
      }
      const entra = await this.resolveEntra(settings);
      if (entra) {
        return { ok: true, credential: entra };
      }
    }
    if (settings.authMode !== 'entra') {
      const apiKey = await this.deps.secrets.get(SecretName.apiKey);
      if (apiKey) {
        return this.useApiKey(settings, apiKey, wantsEntra && !hostVerdict.allowed ? hostVerdict.host : undefined);
      }
    }
    if (wantsEntra && !hostVerdict.allowed) {
      return {
        ok: false,
        state: 'misconfigured',
        problem: {
          title:
            hostVerdict.reason === 'notHttps'
              ? `Your Microsoft sign-in is only sent over https, and ${hostVerdict.host} uses http.`
              : `Your Microsoft sign-in is only sent to Azure OpenAI hosts, and ${hostVerdict.host} is not one.`,
          detail:
            hostVerdict.reason === 'notHttps'
              ? 'Change azureOpenAIChat.endpoint to an https:// address, or use an API key.'
              : `If you trust ${hostVerdict.host} (for example your own gateway), add it to azureOpenAIChat.trustedHosts in your user settings, or use an API key.`,
          actions: ['openSettings', 'setApiKey'],
        },
      };
    }
    if (settings.authMode === 'apiKey') {
      return {
        ok: false,
        state: 'signedOut',
        problem: {
          title: 'No API key is stored.',
          detail: 'Run "Azure OpenAI: Set API Key". The key is kept in VS Code\'s secret storage, never in settings.',
          actions: ['setApiKey'],
        },
      };
    }
    return {
      ok: false,
      state: 'signedOut',
      problem: {
        title: 'Sign in to chat with Azure OpenAI.',
        detail:
          settings.authMode === 'entra'
            ? 'Sign in with your Microsoft account in VS Code, or run `az login` in a terminal and try again.'
            : 'Sign in with your Microsoft account, run `az login` in a terminal, or use an API key.',
        actions: settings.authMode === 'entra' ? ['signIn'] : ['signIn', 'setApiKey'],
      },
    };
  }

  /**
   * The stored key, if the endpoint may receive it. `entraRefusedFor` names the host the token
   * policy refused in `auto`: the user expects a Microsoft sign-in, so the header says why the
   * key is used instead.
   */
  private useApiKey(settings: ChatSettings, apiKey: string, entraRefusedFor: string | undefined): ResolvedCredential {
    const keyVerdict = checkKeyHost(settings.endpoint);
    if (!keyVerdict.allowed) {
      return {
        ok: false,
        state: 'misconfigured',
        problem: {
          title: `Your API key is only sent over https, and ${keyVerdict.host} uses http.`,
          detail: 'Change azureOpenAIChat.endpoint to an https:// address. Plain http is used only for addresses on this machine.',
          actions: ['openSettings'],
        },
      };
    }
    let label = describeSource('apiKey');
    if (entraRefusedFor) {
      label = `${label} (Microsoft sign-in is not sent to ${entraRefusedFor})`;
      this.deps.log.warn(
        `Microsoft sign-in is not sent to ${entraRefusedFor}, which is not an Azure OpenAI host; using the stored API key. ` +
          'To sign in there instead, add the host to azureOpenAIChat.trustedHosts in your user settings.',
      );
    }
    return { ok: true, credential: { kind: 'apiKey', source: 'apiKey', label, apiKey } };
  }

  private async resolveEntra(settings: ChatSettings): Promise<ChatCredential | undefined> {
    const scopes = microsoftScopes(settings);
    const provider = settings.cloud.authProvider;
    const session = await this.deps.microsoft.getSessionSilently(scopes, provider).catch((error: unknown) => {
      this.deps.log.warn(`VS Code Microsoft sign-in unavailable: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    if (session) {
      return {
        kind: 'entra',
        source: 'vscode',
        label: `Signed in as ${session.account} via VS Code`,
        getToken: async () => {
          // VS Code caches and refreshes the session; asking each time picks up a refresh.
          const current = await this.deps.microsoft.getSessionSilently(scopes, provider);
          if (!current) {
            throw new SignInRequiredError();
          }
          return current.accessToken;
        },
        forgetCachedToken: () => undefined,
      };
    }

    const chain = this.chainFor(settings);
    try {
      await chain.getToken();
    } catch (error) {
      this.deps.log.info(`Azure credential chain found no credential: ${firstLine(error)}`);
      return undefined;
    }
    const source = chain.source ?? 'azureDeveloper';
    return {
      kind: 'entra',
      source,
      label: describeSource(source),
      getToken: () => chain.getToken(),
      forgetCachedToken: () => chain.forgetCachedToken(),
    };
  }

  /** One chain per scope, tenant and identity, reused so its token cache is too. */
  private chainFor(settings: ChatSettings): AzureIdentityChain {
    const clientId = this.deps.env.AZURE_CLIENT_ID || undefined;
    const tenantId = settings.tenantId ?? (this.deps.env.AZURE_TENANT_ID || undefined);
    const authorityHost = settings.cloud.name === 'AzureCloud' ? undefined : settings.cloud.authorityHost;
    const key = JSON.stringify([settings.tokenScope, tenantId, clientId, authorityHost]);
    if (this.chain?.key !== key) {
      const chain =
        this.deps.createChain?.(settings) ??
        new AzureIdentityChain({
          scope: settings.tokenScope,
          tenantId,
          managedIdentityClientId: clientId,
          authorityHost,
          managedIdentityTimeoutMs: this.deps.managedIdentityTimeoutMs ?? 1500,
          log: this.deps.log,
        });
      this.chain = { key, chain };
    }
    return this.chain.chain;
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
