import type { AzureOpenAI } from 'openai';
import type { ChatCredential } from '../auth/credential';
import type { Logger } from '../logging/logger';
import { LiveSecrets } from '../logging/redact';
import { AnswerError, type AnswerSource } from '../chat/answerSource';
import type { Connection, ConnectionResult } from '../connection/connectionManager';
import { type ChatTurn, type StreamEnd, streamChatCompletion } from './chatStream';
import { createAzureOpenAIClient, type ClientExtras } from './clientFactory';
import { explainChatError } from './errorExplainer';
import { defaultRetryPolicy, type RetryPolicy, retryDelayMs, waitUnlessAborted } from './retryPolicy';

export interface AzureAnswerSourceDeps {
  readonly connection: () => Promise<ConnectionResult>;
  readonly log: Logger;
  readonly clientExtras?: Omit<ClientExtras, 'apimSubscriptionKey'>;
  readonly retry?: RetryPolicy;
}

/** Answers from an Azure OpenAI deployment, streamed, with one client per connection. */
export class AzureAnswerSource implements AnswerSource {
  private client: { readonly connection: Connection; readonly client: AzureOpenAI; readonly secrets: LiveSecrets } | undefined;

  constructor(private readonly deps: AzureAnswerSourceDeps) {}

  async streamAnswer(turns: readonly ChatTurn[], signal: AbortSignal, onText: (text: string) => void): Promise<StreamEnd> {
    const result = await this.deps.connection();
    if (!result.ok) {
      throw new AnswerError(result.problem);
    }
    const { connection } = result;
    const { settings, credential } = connection;
    const { client, secrets } = this.clientFor(connection);
    const messages: ChatTurn[] = settings.systemPrompt ? [{ role: 'system', content: settings.systemPrompt }, ...turns] : [...turns];

    let tokenRefreshed = false;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      let firstTextAt: number | undefined;
      let received = 0;
      try {
        const end = await streamChatCompletion(client, settings.deployment, messages, {
          signal,
          stallTimeoutMs: settings.stallTimeoutMs,
          onText: (text) => {
            firstTextAt ??= Date.now();
            received += text.length;
            onText(text);
          },
        });
        this.deps.log.info(
          `POST ${settings.deployment} 200 ${end.kind} in ${Date.now() - started} ms` +
            `${firstTextAt ? ` (first text after ${firstTextAt - started} ms)` : ''}, ${received} chars, credential ${credential.source}`,
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
          `POST ${settings.deployment} ${explained.status ?? 'failed'} after ${Date.now() - started} ms, credential ${credential.source}: ` +
            secrets.redact(error instanceof Error ? error.message : String(error)),
        );
        // Nothing is retried once text was shown: a second answer would not continue the first.
        if (received === 0 && !signal.aborted) {
          // An expired or stale token gets one fresh try.
          if (explained.tokenRejected && credential.kind === 'entra' && !tokenRefreshed) {
            tokenRefreshed = true;
            credential.forgetCachedToken();
            continue;
          }
          const delay = retryDelayMs(error, attempt, this.deps.retry ?? defaultRetryPolicy);
          if (delay !== undefined) {
            this.deps.log.info(`Retrying ${settings.deployment} in ${Math.round(delay)} ms (retry ${attempt})`);
            if (!(await waitUnlessAborted(delay, signal))) {
              return { kind: 'stopped' };
            }
            continue;
          }
        }
        const { problem } = explained;
        throw new AnswerError({ ...problem, title: secrets.redact(problem.title), detail: secrets.redact(problem.detail) });
      }
    }
  }

  private clientFor(connection: Connection): { readonly client: AzureOpenAI; readonly secrets: LiveSecrets } {
    if (this.client?.connection !== connection) {
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
      this.client = {
        connection,
        secrets,
        client: createAzureOpenAIClient(connection.settings, sent, {
          ...this.deps.clientExtras,
          ...(apimSubscriptionKey ? { apimSubscriptionKey } : {}),
        }),
      };
    }
    return this.client;
  }
}
