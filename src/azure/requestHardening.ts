/**
 * What every client built in clientFactory.ts gets, whichever `openai` client class it is: no
 * redirect is followed, and nothing from the process environment changes what is sent or
 * logged. Kept apart from the factory so a new client type picks both up in two lines.
 */
import type { ClientOptions } from 'openai';

/** A 3xx answer, refused: following it would send the credentials and the conversation on. */
export class RedirectRefusedError extends Error {
  constructor(
    readonly status: number,
    /** The origin the request went to. */
    readonly from: string,
    /** The origin the server pointed at, when it named a usable one. */
    readonly to: string | undefined,
  ) {
    super(`${from} answered ${status} redirecting to ${to ?? 'an unnamed location'}; redirects are not followed`);
    this.name = 'RedirectRefusedError';
  }
}

/**
 * A fetch that never follows redirects. fetch's default (`redirect: 'follow'`) resends the
 * request with the api-key, Ocp-Apim-Subscription-Key and Authorization headers and, for 307
 * and 308, the whole conversation, to any origin the server names, https → http included.
 * Azure OpenAI does not redirect chat completions, so a 3xx is reported, never followed.
 */
export function fetchRefusingRedirects(inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, { ...init, redirect: 'manual' });
    // 304 answers a conditional request (never sent here); every other 3xx is a redirect.
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400 && response.status !== 304)) {
      await response.body?.cancel().catch(() => undefined);
      const url = requestUrl(input);
      throw new RedirectRefusedError(response.status, originOf(url) ?? 'the endpoint', originOf(response.headers.get('location'), url));
    }
    return response;
  };
}

/** The redirect behind an error the SDK wrapped (it reports fetch failures as APIConnectionError). */
export function refusedRedirect(error: unknown): RedirectRefusedError | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    if (current instanceof RedirectRefusedError) {
      return current;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Options that pin down everything the `openai` package would otherwise take from the
 * environment (OPENAI_ORG_ID, OPENAI_PROJECT_ID, OPENAI_ADMIN_KEY, OPENAI_WEBHOOK_SECRET,
 * OPENAI_LOG) or print to the console. Its logger is off: at `debug` it prints requests,
 * and the extension logs through its own redacting channel.
 */
export function hardenedClientOptions(): Pick<ClientOptions, 'organization' | 'project' | 'adminAPIKey' | 'webhookSecret' | 'logLevel' | 'logger'> {
  return {
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    logLevel: 'off',
    logger: silentSdkLogger,
  };
}

const silentSdkLogger: NonNullable<ClientOptions['logger']> = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

/**
 * Builds a client with the SDK's environment variables hidden. Some have no option that turns
 * them off: OPENAI_CUSTOM_HEADERS is merged into every request (it can even replace api-key or
 * Authorization), AZURE_OPENAI_API_KEY is added beside a token provider, OPENAI_BASE_URL
 * conflicts with `endpoint`. The SDK reads them only in its constructor, which is synchronous,
 * so no other code can observe process.env while they are set aside.
 */
export function constructWithoutSdkEnvironment<T>(build: () => T): T {
  const hidden: Array<[string, string]> = [];
  for (const name of Object.keys(process.env)) {
    if (sdkVariable.test(name)) {
      hidden.push([name, process.env[name] ?? '']);
      delete process.env[name];
    }
  }
  try {
    return build();
  } finally {
    for (const [name, value] of hidden) {
      process.env[name] = value;
    }
  }
}

const sdkVariable = /^(OPENAI_|AZURE_OPENAI_)/i;

function requestUrl(input: Parameters<typeof fetch>[0]): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

function originOf(location: string | null, base?: string): string | undefined {
  if (!location) {
    return undefined;
  }
  try {
    // The origin only: a Location's path or query may carry anything, a token included.
    return new URL(location, base).origin;
  } catch {
    return undefined;
  }
}
