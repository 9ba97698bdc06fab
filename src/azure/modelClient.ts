import type { Logger } from '../logging/logger';
import { LiveSecrets } from '../logging/redact';
import type { ChatCredential } from '../auth/credential';
import { AnswerError } from './answerError';
import type { ChatSettings } from '../config/connectionSettings';
import type { Connection, ConnectionResult } from '../connection/connectionManager';
import { chatCompletionsBody, streamChatCompletions, type WireOutcome } from './chatCompletionsWire';
import { type ClientExtras, createModelClient, type ModelClient } from './clientFactory';
import { explainChatError } from './errorExplainer';
import { failureKind } from './failureKind';
import { adaptationFor, contextWindowFrom } from './modelAdaptation';
import {
  type DeploymentMemory,
  deploymentKey,
  effectiveEffort,
  InMemoryDeploymentMemory,
  type LearnedProfile,
  type ModelHint,
  type ModelProfile,
  resolveProfile,
} from './modelProfiles';
import type { ModelEventSink, ModelRequest, ModelStreamEnd, ReasoningEffort, TokenUsage } from './modelRequest';
import { responsesBody, streamResponses } from './responsesWire';
import { defaultRetryPolicy, type RetryPolicy, retryDelayMs, waitUnlessAborted } from './retryPolicy';
import { guardStream } from './streamGuard';

/** Waits shorter than this pass unremarked: a note that flashes for half a second helps nobody. */
const noticeableWaitMs = 1000;

export interface AzureModelClientDeps {
  readonly connection: () => Promise<ConnectionResult>;
  readonly log: Logger;
  readonly clientExtras?: Omit<ClientExtras, 'apimSubscriptionKey'>;
  readonly retry?: RetryPolicy;
  /** Where learned model profiles and effort choices are kept; in memory by default. */
  readonly memory?: DeploymentMemory;
  /** The model behind a deployment, when something (discovery) knows it. */
  readonly modelHint?: ModelHint;
  /** Spend: every answer's token counts, with the deployment that answered (the usage ledger). */
  readonly onUsage?: (info: DeploymentInfo, usage: TokenUsage) => void;
}

/** What the chat shows about the deployment in use. */
export interface DeploymentInfo {
  readonly endpoint: string;
  readonly deployment: string;
  readonly profile: ModelProfile;
  /** The user's reasoning effort for this deployment, if they chose one the model takes. */
  readonly effort: ReasoningEffort | undefined;
}

/** Refusals adapted to in one request at most; each fixes one parameter. */
const maxAdaptations = 4;

/**
 * Streams answers from the configured Azure OpenAI deployment (see modelRequest.ts for the
 * contract). One instance serves every caller; it keeps one SDK client per connection.
 */
export class AzureModelClient {
  private wire: { readonly connection: Connection; readonly client: ModelClient; readonly secrets: LiveSecrets } | undefined;
  private readonly memory: DeploymentMemory;

  constructor(private readonly deps: AzureModelClientDeps) {
    this.memory = deps.memory ?? new InMemoryDeploymentMemory();
  }

  /** The profile and effort of the configured deployment, or undefined when not connected. */
  async deploymentInfo(): Promise<DeploymentInfo | undefined> {
    const result = await this.deps.connection();
    return result.ok ? this.infoFor(result.connection.settings) : undefined;
  }

  /** Remembers the user's reasoning effort for the configured deployment. */
  async setReasoningEffort(effort: ReasoningEffort | undefined): Promise<void> {
    const result = await this.deps.connection();
    if (result.ok) {
      const key = deploymentKey(result.connection.settings.endpoint, result.connection.settings.deployment);
      const { effort: _old, ...record } = this.memory.get(key) ?? {};
      this.memory.set(key, effort ? { ...record, effort } : record);
    }
  }

  /**
   * Sends the request and hands every event to `onEvent` as it arrives. Resolves with how the
   * stream ended; rejects with AnswerError (already explained for the user). Retries (429, 5xx,
   * network, an expired token) and adaptations to the model happen only before anything was
   * handed to `onEvent`: a second answer would not continue the first.
   */
  async stream(request: ModelRequest, signal: AbortSignal, onEvent: ModelEventSink): Promise<ModelStreamEnd> {
    const result = await this.deps.connection();
    if (!result.ok) {
      throw new AnswerError(result.problem, result.state === 'signedOut' ? 'noAccess' : 'other');
    }
    const { connection } = result;
    const { settings, credential } = connection;
    const { client: wire, secrets } = this.clientFor(connection);
    let tokenRefreshed = false;
    let adaptations = 0;
    for (let attempt = 1; ; attempt++) {
      const { profile, effort } = this.infoFor(settings);
      const started = Date.now();
      let firstAt: number | undefined;
      let emitted = 0;
      const forward: ModelEventSink = (event) => {
        // Counts and annotations are not answer: a request may still be retried after them.
        if (event.type !== 'usage' && event.type !== 'quota' && event.type !== 'contentFilter') {
          firstAt ??= Date.now();
          emitted++;
        } else if (event.type === 'usage') {
          this.deps.onUsage?.(this.infoFor(settings), event.usage);
        }
        onEvent(event);
      };
      const via = `${profile.api === 'responses' ? 'Responses' : 'chat completions'}, ${wire.flavor === 'v1' ? 'v1' : settings.apiVersion}`;
      try {
        const outcome = await guardStream(signal, settings.stallTimeoutMs, (guard) =>
          profile.api === 'responses'
            ? streamResponses(wire.client, responsesBody(settings.deployment, request, profile, effort), guard, forward)
            : streamChatCompletions(wire.client, chatCompletionsBody(settings.deployment, request, profile, effort), guard, forward),
        );
        const end = toStreamEnd(outcome);
        if (outcome !== 'stopped') {
          this.learnReportedModel(settings, outcome.reportedModel);
        }
        this.deps.log.info(
          `POST ${settings.deployment} 200 ${end.kind} (${via}) in ${Date.now() - started} ms` +
            `${firstAt ? ` (first output after ${firstAt - started} ms)` : ''}, ${emitted} events, credential ${credential.source}`,
        );
        return end;
      } catch (error) {
        const explained = explainChatError(error, {
          endpoint: settings.endpoint,
          deployment: settings.deployment,
          apiVersion: settings.apiVersion,
          tokenScope: settings.tokenScope,
          credentialSource: credential.source,
          usedSubscriptionKey: connection.apimSubscriptionKey !== undefined,
          subscriptionKeyWithheld: connection.subscriptionKeyWithheld,
        });
        this.deps.log.warn(
          `POST ${settings.deployment} ${explained.status ?? 'failed'} (${via}) after ${Date.now() - started} ms, credential ${credential.source}: ` +
            secrets.redact(error instanceof Error ? error.message : String(error)),
        );
        if (emitted === 0 && !signal.aborted) {
          const adaptation = adaptationFor(error, profile, !profile.chatCompletions);
          if (adaptation && adaptations < maxAdaptations) {
            adaptations++;
            this.learn(settings, adaptation);
            this.deps.log.info(`Deployment ${settings.deployment} refused part of the request; from now on: ${JSON.stringify(adaptation)}`);
            attempt--;
            continue;
          }
          const window = contextWindowFrom(error);
          if (window) {
            this.learn(settings, { contextWindow: window });
          }
          // An expired or stale token gets one fresh try.
          if (explained.tokenRejected && credential.kind === 'entra' && !tokenRefreshed) {
            tokenRefreshed = true;
            credential.forgetCachedToken();
            continue;
          }
          const delay = retryDelayMs(error, attempt, this.deps.retry ?? defaultRetryPolicy);
          if (delay !== undefined) {
            this.deps.log.info(`Retrying ${settings.deployment} in ${Math.round(delay)} ms (retry ${attempt})`);
            // A wait the user would notice is explained in the answer, not only in the log.
            if (delay >= noticeableWaitMs) {
              onEvent({ type: 'waiting', ms: delay, reason: explained.status === 429 ? 'rateLimited' : 'serviceTrouble' });
            }
            if (!(await waitUnlessAborted(delay, signal))) {
              return { kind: 'stopped' };
            }
            continue;
          }
        }
        const { problem } = explained;
        throw new AnswerError({ ...problem, title: secrets.redact(problem.title), detail: secrets.redact(problem.detail) }, failureKind(error));
      }
    }
  }

  private infoFor(settings: ChatSettings): DeploymentInfo {
    const record = this.memory.get(deploymentKey(settings.endpoint, settings.deployment));
    const hint = this.deps.modelHint?.(settings.endpoint, settings.deployment);
    const profile = resolveProfile([record?.learned?.reportedModel, hint, settings.deployment], record?.learned);
    return { endpoint: settings.endpoint, deployment: settings.deployment, profile, effort: effectiveEffort(profile, record?.effort) };
  }

  private learn(settings: ChatSettings, change: LearnedProfile): void {
    const key = deploymentKey(settings.endpoint, settings.deployment);
    const record = this.memory.get(key) ?? {};
    this.memory.set(key, { ...record, learned: { ...record.learned, ...change } });
  }

  private learnReportedModel(settings: ChatSettings, model: string | undefined): void {
    const known = this.memory.get(deploymentKey(settings.endpoint, settings.deployment))?.learned?.reportedModel;
    if (model && model !== known) {
      this.learn(settings, { reportedModel: model });
    }
  }

  private clientFor(connection: Connection): { readonly client: ModelClient; readonly secrets: LiveSecrets } {
    if (this.wire?.connection !== connection) {
      // Every secret this client sends is known to redaction, so a server echoing one bare
      // cannot get it into the log or onto the screen.
      const { credential, apimSubscriptionKey } = connection;
      const secrets = new LiveSecrets([credential.kind === 'apiKey' ? credential.apiKey : undefined, apimSubscriptionKey]);
      const sent: ChatCredential =
        credential.kind === 'entra'
          ? {
              ...credential,
              getToken: async () => {
                const token = await credential.getToken();
                secrets.addToken(token);
                return token;
              },
            }
          : credential;
      this.wire = {
        connection,
        secrets,
        client: createModelClient(connection.settings, sent, {
          ...this.deps.clientExtras,
          ...(apimSubscriptionKey ? { apimSubscriptionKey } : {}),
        }),
      };
    }
    return this.wire;
  }
}

function toStreamEnd(outcome: WireOutcome | 'stopped'): ModelStreamEnd {
  if (outcome === 'stopped') {
    return { kind: 'stopped' };
  }
  if (outcome.finishReason === 'content_filter') {
    return { kind: 'contentFiltered' };
  }
  return outcome.finishReason ? { kind: 'finished', finishReason: outcome.finishReason } : { kind: 'truncated' };
}
