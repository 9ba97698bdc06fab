/**
 * API keys, one per resource. An Azure OpenAI key opens exactly one resource, so it is stored
 * under that resource's origin and looked up by the origin a request goes to: a conversation
 * pointed at another endpoint (a gateway, a discovered resource, a typo) finds no key there and
 * asks for its own, instead of carrying this one along.
 */
import { SecretName } from './settingKeys';

/** SecretStorage as the pure core sees it (VS Code's, or a map in tests). */
export interface SecretBackend {
  get(name: string): Promise<string | undefined>;
  store(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

const perResourcePrefix = `${SecretName.apiKey}@`;

/** The origin a key belongs to, lower-cased; undefined for something that is not an http(s) URL. */
export function keyOrigin(endpoint: string): string | undefined {
  try {
    const url = new URL(endpoint);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** The secret name of the key for `endpoint`'s resource. */
export function apiKeySecretName(endpoint: string): string | undefined {
  const origin = keyOrigin(endpoint);
  return origin ? `${perResourcePrefix}${origin}` : undefined;
}

export function isApiKeySecretName(name: string): boolean {
  return name === SecretName.apiKey || name.startsWith(perResourcePrefix);
}

/** The host a key is for, as people read it in prompts ("Set API Key for team-gateway.example.net"). */
export function keyHost(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}

export async function readApiKey(secrets: Pick<SecretBackend, 'get'>, endpoint: string): Promise<string | undefined> {
  const name = apiKeySecretName(endpoint);
  return name ? secrets.get(name) : undefined;
}

/**
 * Earlier versions kept one key for whatever endpoint was configured. It moves to the endpoint
 * that is configured now, the one it was being used with; without one it waits (and is used
 * nowhere) until an endpoint is set. Never overwrites a per-resource key the user set since.
 */
export async function migrateLegacyApiKey(secrets: SecretBackend, configuredEndpoint: string | undefined): Promise<'moved' | 'kept' | 'none'> {
  const legacy = await secrets.get(SecretName.apiKey);
  if (!legacy) {
    return 'none';
  }
  const name = configuredEndpoint ? apiKeySecretName(configuredEndpoint) : undefined;
  if (!name) {
    return 'kept';
  }
  if (!(await secrets.get(name))) {
    await secrets.store(name, legacy);
  }
  await secrets.delete(SecretName.apiKey);
  return 'moved';
}
