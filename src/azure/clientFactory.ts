import { AzureOpenAI } from 'openai';
import type { ChatCredential } from '../auth/credential';
import type { ChatSettings } from '../config/connectionSettings';
import { constructWithoutSdkEnvironment, fetchRefusingRedirects, hardenedClientOptions } from './requestHardening';
import { fetchKeepingErrorBodies } from './responseBodies';

export interface ClientExtras {
  /** API Management subscription key, sent as Ocp-Apim-Subscription-Key. */
  readonly apimSubscriptionKey?: string;
  /** For tests and benchmarks: a fetch to wrap instead of the global one. */
  readonly fetch?: typeof fetch;
}

/** Builds the `openai` package's AzureOpenAI client for the settings and credential. */
export function createAzureOpenAIClient(settings: ChatSettings, credential: ChatCredential, extras: ClientExtras = {}): AzureOpenAI {
  const defaultHeaders: Record<string, string> = {};
  if (extras.apimSubscriptionKey) {
    defaultHeaders['Ocp-Apim-Subscription-Key'] = extras.apimSubscriptionKey;
  }
  return constructWithoutSdkEnvironment(
    () =>
      new AzureOpenAI({
        ...hardenedClientOptions(),
        endpoint: settings.endpoint,
        deployment: settings.deployment,
        apiVersion: settings.apiVersion,
        ...(credential.kind === 'apiKey' ? { apiKey: credential.apiKey } : { azureADTokenProvider: () => credential.getToken() }),
        defaultHeaders,
        // Retries happen in AzureAnswerSource, bounded and abortable (see retryPolicy.ts).
        maxRetries: 0,
        // The stall timer ends silent streams; this only bounds a request that never gets headers.
        timeout: 120_000,
        fetch: fetchKeepingErrorBodies(fetchRefusingRedirects(extras.fetch)),
      }),
  );
}
