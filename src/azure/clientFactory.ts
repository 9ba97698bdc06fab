import { AzureOpenAI, OpenAI } from 'openai';
import type { ChatCredential } from '../auth/credential';
import type { ChatSettings } from '../config/connectionSettings';
import { isV1ApiVersion } from '../config/connectionSettings';
import { createHardenedFetch } from '../net/hardenedFetch';
import { constructWithoutSdkEnvironment, hardenedClientOptions } from './requestHardening';
import { fetchKeepingErrorBodies } from './responseBodies';

export interface ClientExtras {
  /** API Management subscription key, sent as Ocp-Apim-Subscription-Key. */
  readonly apimSubscriptionKey?: string;
  /** For tests and benchmarks: the transport under the hardened fetch, instead of the platform's. */
  readonly fetch?: typeof fetch;
}

/**
 * The client for one connection. Both kinds are the `openai` package's OpenAI class and take the
 * deployment name as `model` in the body:
 * - `v1` (the default): `OpenAI` at `{endpoint}/openai/v1/`, no api-version. An Entra token comes
 *   from the async `apiKey` function (asked before every request, so a refreshed token is used);
 *   an API key is sent as Azure documents for v1 with the OpenAI client (`Authorization: Bearer`).
 * - `dated` (the user set a dated apiVersion): `AzureOpenAI` without a fixed deployment, so chat
 *   completions go to `/openai/deployments/{model}/...` and Responses to `/openai/responses`.
 */
export interface ModelClient {
  readonly flavor: 'v1' | 'dated';
  readonly client: OpenAI;
}

export function createModelClient(settings: ChatSettings, credential: ChatCredential, extras: ClientExtras = {}): ModelClient {
  const defaultHeaders: Record<string, string> = {};
  if (extras.apimSubscriptionKey) {
    defaultHeaders['Ocp-Apim-Subscription-Key'] = extras.apimSubscriptionKey;
  }
  const common = {
    // Nothing from OPENAI_* environment variables (organization, project, logging, base URL).
    ...hardenedClientOptions(),
    defaultHeaders,
    // Retries happen in AzureModelClient, bounded and abortable (see retryPolicy.ts).
    maxRetries: 0,
    // The stall timer ends silent streams; this only bounds a request that never gets headers.
    timeout: 120_000,
    // Bound to the endpoint's origin, the one the key was stored for and the token host policy
    // allowed: a redirect or any other origin is refused before a header leaves.
    fetch: fetchKeepingErrorBodies(
      createHardenedFetch({ origin: settings.endpoint, subscriptionKeyAllowed: extras.apimSubscriptionKey !== undefined, ...(extras.fetch ? { transport: extras.fetch } : {}) }),
    ),
  };
  if (isV1ApiVersion(settings.apiVersion)) {
    return {
      flavor: 'v1',
      client: constructWithoutSdkEnvironment(
        () =>
          new OpenAI({
            ...common,
            baseURL: `${settings.endpoint}/openai/v1/`,
            apiKey: credential.kind === 'apiKey' ? credential.apiKey : () => credential.getToken(),
          }),
      ),
    };
  }
  return {
    flavor: 'dated',
    client: constructWithoutSdkEnvironment(
      () =>
        new AzureOpenAI({
          ...common,
          endpoint: settings.endpoint,
          apiVersion: settings.apiVersion,
          ...(credential.kind === 'apiKey' ? { apiKey: credential.apiKey } : { azureADTokenProvider: () => credential.getToken() }),
        }),
    ),
  };
}
