import type { ConnectionView, ProblemView } from '../common/protocol';
import { Disposable } from '../common/dispose';
import { Emitter } from '../common/events';
import type { ChatCredential } from '../auth/credential';
import type { CredentialResolver, SecretReader } from '../auth/credentialResolver';
import { type ChatSettings, type RawSettings, validateSettings } from '../config/connectionSettings';
import { SecretName } from '../config/settingKeys';
import { checkSubscriptionKeyHost } from '../auth/hostPolicy';
import { type Logger, silentLogger } from '../logging/logger';

/** Everything a request needs to reach Azure OpenAI. A new object whenever any part changes. */
export interface Connection {
  readonly settings: ChatSettings;
  readonly credential: ChatCredential;
  readonly apimSubscriptionKey: string | undefined;
  /** A subscription key is stored, but the endpoint is not a gateway that may receive it. */
  readonly subscriptionKeyWithheld?: boolean;
}

export type ConnectionResult =
  | { readonly ok: true; readonly connection: Connection }
  | {
      readonly ok: false;
      readonly state: Exclude<ConnectionView['state'], 'ready' | 'checking'>;
      readonly problem: ProblemView;
      /** The configured deployment, when settings are valid and only the sign-in is missing. */
      readonly deployment?: string;
    };

export interface ConnectionManagerDeps {
  readonly readSettings: () => RawSettings;
  readonly resolver: CredentialResolver;
  readonly secrets: SecretReader;
  readonly log?: Logger;
  /** A tenant's display name for the header (from Select Tenant); the id when unknown. */
  readonly describeTenant?: (tenantId: string) => string | undefined;
}

/**
 * Turns settings, secrets and sign-in state into a usable Connection (or the problem that
 * stops one), once, and again only after something it depends on changed.
 */
export class ConnectionManager extends Disposable {
  private pending: Promise<ConnectionResult> | undefined;
  private lastFailed = false;
  /** The last view announced, so an unchanged failure is not announced again. */
  private lastAnnounced: string | undefined;
  private readonly changes = this._register(new Emitter<ConnectionView>());
  /** Fires with the new header state after each re-resolution. */
  readonly onDidChange = this.changes.event;

  constructor(private readonly deps: ConnectionManagerDeps) {
    super();
  }

  current(): Promise<ConnectionResult> {
    // A failure is not kept: the user may have run `az login` or fixed a setting since.
    if (!this.pending || this.lastFailed) {
      const pending = this.resolve();
      this.pending = pending;
      this.lastFailed = false;
      void pending.then((result) => {
        if (this.pending === pending) {
          this.lastFailed = !result.ok;
          const view = toConnectionView(result, this.deps.describeTenant);
          // A failure is re-checked on every use; announcing each identical re-check would let a
          // listener that uses the connection (model state, language models) re-check it again,
          // a loop of microtasks that starves the extension host. Only news is announced.
          const key = JSON.stringify(view);
          if (result.ok || key !== this.lastAnnounced) {
            this.lastAnnounced = key;
            this.changes.fire(view);
          }
        }
      });
    }
    return this.pending;
  }

  async view(): Promise<ConnectionView> {
    return toConnectionView(await this.current(), this.deps.describeTenant);
  }

  /** Settings, secrets or sign-in changed: resolve again and tell the views. */
  invalidate(): void {
    this.pending = undefined;
    void this.current();
  }

  private async resolve(): Promise<ConnectionResult> {
    const validated = validateSettings(this.deps.readSettings());
    if (!validated.ok) {
      return { ok: false, state: 'misconfigured', problem: validated.problem };
    }
    const { settings } = validated;
    const [resolved, storedSubscriptionKey] = await Promise.all([
      this.deps.resolver.resolve(settings),
      this.deps.secrets.get(SecretName.apimSubscriptionKey),
    ]);
    if (!resolved.ok) {
      return { ok: false, state: resolved.state === 'signedOut' ? 'signedOut' : 'misconfigured', problem: resolved.problem, deployment: settings.deployment };
    }
    // The subscription key opens every API of its subscription: gateways and trusted hosts only.
    const keyVerdict = checkSubscriptionKeyHost(settings.endpoint, settings.trustedHosts);
    const subscriptionKeyWithheld = storedSubscriptionKey !== undefined && !keyVerdict.allowed;
    if (subscriptionKeyWithheld) {
      (this.deps.log ?? silentLogger).info(
        `The API Management subscription key is not sent to ${keyVerdict.host}: it goes only to *.azure-api.net gateways and hosts in azureOpenAIChat.trustedHosts.`,
      );
    }
    const apimSubscriptionKey = subscriptionKeyWithheld ? undefined : storedSubscriptionKey;
    return { ok: true, connection: { settings, credential: resolved.credential, apimSubscriptionKey, subscriptionKeyWithheld } };
  }
}

export function toConnectionView(result: ConnectionResult, describeTenant?: (tenantId: string) => string | undefined): ConnectionView {
  if (result.ok) {
    const { credential, settings, apimSubscriptionKey } = result.connection;
    // A tenant is chosen only when it is not the home one (Select Tenant clears it for home).
    const tenant = settings.tenantId && credential.kind === 'entra' ? (describeTenant?.(settings.tenantId) ?? settings.tenantId) : undefined;
    return {
      state: 'ready',
      label: apimSubscriptionKey ? `${credential.label} + API Management key` : credential.label,
      deployment: settings.deployment,
      ...(tenant ? { tenant } : {}),
    };
  }
  // A deployment that is set is shown while signed out too: "Select deployment" there would send
  // a new user to pick one they already have.
  return { state: result.state, label: result.state === 'signedOut' ? 'Not signed in' : 'Not configured', deployment: result.deployment ?? '', problem: result.problem };
}
