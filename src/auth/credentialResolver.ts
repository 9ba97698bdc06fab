import type { ConnectionView, ProblemView } from '../common/protocol';
import { keyHost, readApiKey } from '../config/apiKeys';
import type { ChatSettings } from '../config/connectionSettings';
import type { Logger } from '../logging/logger';
import { type ChatCredential, describeSource } from './credential';
import { checkKeyHost, checkTokenHost } from './hostPolicy';
import type { TokenSource } from './tokenSource';

export { microsoftScopes, type MicrosoftSessionProvider } from './tokenSource';

/** SecretStorage, read-only, by secret name (VS Code's in the extension, a map in tests). */
export interface SecretReader {
  get(name: string): Promise<string | undefined>;
}

export type ResolvedCredential =
  | { readonly ok: true; readonly credential: ChatCredential; readonly attempts: readonly string[] }
  | { readonly ok: false; readonly state: ConnectionView['state']; readonly problem: ProblemView; readonly attempts: readonly string[] };

export interface CredentialResolverDeps {
  readonly tokens: TokenSource;
  readonly secrets: SecretReader;
  readonly log: Logger;
}

/**
 * Picks the credential for the configured sign-in method, in the documented order:
 * VS Code's Microsoft session, then the Azure identity chain, then a stored API key.
 * Entra tokens are never requested for a host the token policy refuses.
 */
export class CredentialResolver {
  constructor(private readonly deps: CredentialResolverDeps) {}

  async resolve(settings: ChatSettings): Promise<ResolvedCredential> {
    const wantsEntra = settings.authMode !== 'apiKey';
    const hostVerdict = checkTokenHost(settings.endpoint, settings.trustedHosts, settings.cloud.hostSuffixes);
    const attempts: string[] = [];
    if (wantsEntra && !hostVerdict.allowed) {
      attempts.push('Microsoft Entra sign-in: not tried, because the token host policy refuses this endpoint.');
    }
    if (wantsEntra && hostVerdict.allowed) {
      const lookup = await this.deps.tokens.find({ purpose: 'dataPlane', scope: settings.tokenScope, tenantId: settings.tenantId, cloud: settings.cloud, endpoint: settings.endpoint });
      attempts.push(...lookup.attempts);
      if (lookup.found) {
        const token = lookup.found;
        return {
          ok: true,
          credential: {
            kind: 'entra',
            source: token.source,
            label: token.label,
            ...(token.account ? { account: token.account } : {}),
            getToken: () => token.getToken(),
            forgetCachedToken: () => token.forgetCachedToken(),
          },
          attempts,
        };
      }
      if (lookup.refused) {
        return {
          ok: false,
          attempts,
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
    }
    const host = keyHost(settings.endpoint);
    if (settings.authMode !== 'entra') {
      // Only the key stored for this endpoint's resource; a key for another resource stays there.
      const apiKey = await readApiKey(this.deps.secrets, settings.endpoint);
      if (apiKey) {
        return this.useApiKey(settings, apiKey, wantsEntra && !hostVerdict.allowed ? hostVerdict.host : undefined, attempts);
      }
      attempts.push(`API key: none stored for ${host}.`);
    }
    if (wantsEntra && !hostVerdict.allowed) {
      return {
        ok: false,
        attempts,
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
        attempts,
        state: 'signedOut',
        problem: {
          title: `No API key is stored for ${host}.`,
          detail: `Run "Azure OpenAI: Set API Key" to set the key of ${host}. Each key is kept in VS Code's secret storage for its own resource, never in settings, and sent nowhere else.`,
          actions: ['setApiKey'],
        },
      };
    }
    return {
      ok: false,
      attempts,
      state: 'signedOut',
      problem: {
        title: 'Sign in to chat with Azure OpenAI.',
        detail:
          settings.authMode === 'entra'
            ? 'Sign in with your Microsoft account in VS Code, or run `az login` in a terminal and try again.'
            : `Sign in with your Microsoft account, run \`az login\` in a terminal, or set the API key of ${host} (a key stored for another resource is never sent here).`,
        actions: settings.authMode === 'entra' ? ['signIn'] : ['signIn', 'setApiKey'],
      },
    };
  }

  /**
   * The stored key, if the endpoint may receive it. `entraRefusedFor` names the host the token
   * policy refused in `auto`: the user expects a Microsoft sign-in, so the header says why the
   * key is used instead.
   */
  private useApiKey(settings: ChatSettings, apiKey: string, entraRefusedFor: string | undefined, attempts: readonly string[]): ResolvedCredential {
    const keyVerdict = checkKeyHost(settings.endpoint);
    if (!keyVerdict.allowed) {
      return {
        ok: false,
        attempts,
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
    return { ok: true, credential: { kind: 'apiKey', source: 'apiKey', label, apiKey }, attempts };
  }
}
