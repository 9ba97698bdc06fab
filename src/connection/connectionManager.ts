import type { ConnectionView, ProblemView } from '../common/protocol';
import { Disposable } from '../common/dispose';
import { Emitter } from '../common/events';
import type { ChatCredential } from '../auth/credential';
import type { CredentialResolver, SecretReader } from '../auth/credentialResolver';
import { type ChatSettings, type RawSettings, validateSettings } from '../config/connectionSettings';
import { type ConnectionTarget, settingsForTarget, targetKey } from '../config/connectionTarget';
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
  /** Why the credentials tried before this one did not answer (Diagnose shows them). */
  readonly attempts?: readonly string[];
}

export type ConnectionResult =
  | { readonly ok: true; readonly connection: Connection }
  | {
      readonly ok: false;
      readonly state: Exclude<ConnectionView['state'], 'ready' | 'checking'>;
      readonly problem: ProblemView;
      /** The configured deployment, when settings are valid and only the sign-in is missing. */
      readonly deployment?: string;
      /** The settings, when they were valid and only the credential failed. */
      readonly settings?: ChatSettings;
      readonly attempts?: readonly string[];
    };

/** A target's header state changed; `key` is its targetKey ('' for the settings' own). */
export interface ConnectionChange {
  readonly key: string;
  readonly view: ConnectionView;
}

export interface ConnectionManagerDeps {
  readonly readSettings: () => RawSettings;
  readonly resolver: CredentialResolver;
  readonly secrets: SecretReader;
  readonly log?: Logger;
  /** A tenant's display name for the header (from Select Tenant); the id when unknown. */
  readonly describeTenant?: (tenantId: string) => string | undefined;
}

/** Targets whose connection is kept; the least recently used beyond this is forgotten. */
const maxTargets = 32;

interface TargetEntry {
  readonly target: ConnectionTarget | undefined;
  pending: Promise<ConnectionResult> | undefined;
  lastFailed: boolean;
  /** The last view announced, so an unchanged failure is not announced again. */
  lastAnnounced: string | undefined;
}

/**
 * The one factory from a target (a conversation's endpoint and deployment, or the settings'
 * own) to a Connection: settings validated for that target, the credential the resolver
 * finds for it (an API key only if one was stored for that resource), the subscription key
 * only where it may go. Resolved once per target and again only after something it depends
 * on changed. Each view asks for its own conversation's target; nothing here knows which
 * conversation is "open".
 */
export class ConnectionManager extends Disposable {
  private readonly entries = new Map<string, TargetEntry>();
  private readonly changes = this._register(new Emitter<ConnectionChange>());
  /** Fires with a target's new header state after each re-resolution that changed it. */
  readonly onDidChange = this.changes.event;

  constructor(private readonly deps: ConnectionManagerDeps) {
    super();
  }

  current(target?: ConnectionTarget): Promise<ConnectionResult> {
    const key = targetKey(target);
    let entry = this.entries.get(key);
    if (entry) {
      // Most recently used last, so eviction takes the oldest.
      this.entries.delete(key);
    } else {
      entry = { target, pending: undefined, lastFailed: false, lastAnnounced: undefined };
    }
    this.entries.set(key, entry);
    this.evictBeyondLimit();
    // A failure is not kept: the user may have run `az login` or fixed a setting since.
    if (!entry.pending || entry.lastFailed) {
      this.resolveEntry(key, entry);
    }
    return entry.pending as Promise<ConnectionResult>;
  }

  async view(target?: ConnectionTarget): Promise<ConnectionView> {
    return toConnectionView(await this.current(target), this.deps.describeTenant);
  }

  /** Settings, secrets or sign-in changed: resolve every known target again and tell the views. */
  invalidate(): void {
    for (const [key, entry] of this.entries) {
      this.resolveEntry(key, entry);
    }
    if (!this.entries.has('')) {
      void this.current();
    }
  }

  private resolveEntry(key: string, entry: TargetEntry): void {
    const pending = this.resolve(entry.target);
    entry.pending = pending;
    entry.lastFailed = false;
    void pending.then((result) => {
      if (entry.pending !== pending || this.isDisposed) {
        return;
      }
      entry.lastFailed = !result.ok;
      const view = toConnectionView(result, this.deps.describeTenant);
      // A failure is re-checked on every use; announcing each identical re-check would let a
      // listener that uses the connection (model state, language models) re-check it again,
      // a loop of microtasks that starves the extension host. Only news is announced.
      const announced = JSON.stringify(view);
      if (result.ok || announced !== entry.lastAnnounced) {
        entry.lastAnnounced = announced;
        this.changes.fire({ key, view });
      }
    });
  }

  private evictBeyondLimit(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= maxTargets) {
        return;
      }
      if (key !== '') {
        this.entries.delete(key);
      }
    }
  }

  private async resolve(target: ConnectionTarget | undefined): Promise<ConnectionResult> {
    const validated = validateSettings(settingsForTarget(this.deps.readSettings(), target));
    if (!validated.ok) {
      return { ok: false, state: 'misconfigured', problem: validated.problem };
    }
    const { settings } = validated;
    const [resolved, storedSubscriptionKey] = await Promise.all([
      this.deps.resolver.resolve(settings),
      this.deps.secrets.get(SecretName.apimSubscriptionKey),
    ]);
    if (!resolved.ok) {
      return {
        ok: false,
        state: resolved.state === 'signedOut' ? 'signedOut' : 'misconfigured',
        problem: resolved.problem,
        deployment: settings.deployment,
        settings,
        attempts: resolved.attempts,
      };
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
    return { ok: true, connection: { settings, credential: resolved.credential, apimSubscriptionKey, subscriptionKeyWithheld, attempts: resolved.attempts } };
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
