/**
 * The one way this extension sends an HTTP request (model client, Resource Manager, Diagnose
 * probes). ESLint forbids the global `fetch` everywhere else, and `test/unit/layering.test.ts`
 * proves the rule fires, so a new feature cannot grow a second, softer path.
 *
 * Every request is bound to one origin chosen by the caller (the resource a key was stored
 * for, the cloud's Resource Manager): it goes there over https (plain http only on this
 * machine), a redirect is reported and never followed, and a request for another origin is
 * refused before it leaves, whatever a server's `nextLink` or `Location` said.
 */

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

/** A request this fetch will not send: another origin than the one it is bound to, or plain http. */
export class RequestRefusedError extends Error {
  constructor(
    readonly reason: 'foreignOrigin' | 'notHttps' | 'subscriptionKeyNotAllowed',
    /** The origin the request was for (never its path or query: they may carry anything). */
    readonly target: string,
    message: string,
  ) {
    super(message);
    this.name = 'RequestRefusedError';
  }
}

export interface FetchBinding {
  /** The only origin this fetch sends to, e.g. https://contoso.openai.azure.com. */
  readonly origin: string;
  /**
   * Whether an `Ocp-Apim-Subscription-Key` may go to that origin (an API Management gateway or
   * a host the user trusts). Default: no; a request carrying one is refused.
   */
  readonly subscriptionKeyAllowed?: boolean;
  /** For tests and benchmarks: the transport under the policy. */
  readonly transport?: typeof fetch;
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return loopbackHosts.has(hostname.toLowerCase());
}

/** The origin of an endpoint, lower-cased, or undefined for something that is not a URL. */
export function originOf(address: string | URL, base?: string): string | undefined {
  try {
    return new URL(address, base).origin.toLowerCase();
  } catch {
    return undefined;
  }
}

export function createHardenedFetch(binding: FetchBinding): typeof fetch {
  const bound = originOf(binding.origin);
  if (!bound || bound === 'null') {
    throw new RequestRefusedError('foreignOrigin', String(binding.origin), `"${binding.origin}" is not an origin requests can be bound to.`);
  }
  // The platform's fetch, looked up at call time so a test's transport can stand in for it.
  const transport = binding.transport ?? ((input, init) => globalThis.fetch(input, init));
  return async (input, init) => {
    const url = new URL(requestUrl(input));
    const origin = url.origin.toLowerCase();
    if (origin !== bound) {
      throw new RequestRefusedError('foreignOrigin', origin, `A request for ${origin} was stopped: this connection sends only to ${bound}.`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
      throw new RequestRefusedError('notHttps', origin, `A request for ${origin} was stopped: credentials go over https only (plain http only on this machine).`);
    }
    if (!binding.subscriptionKeyAllowed && carriesSubscriptionKey(input, init)) {
      throw new RequestRefusedError(
        'subscriptionKeyNotAllowed',
        origin,
        `The API Management subscription key is not sent to ${origin}: it goes only to *.azure-api.net gateways and hosts in azureOpenAIChat.trustedHosts.`,
      );
    }
    const response = await transport(input, { ...init, redirect: 'manual' });
    // 304 answers a conditional request (never sent here); every other 3xx is a redirect.
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400 && response.status !== 304)) {
      await response.body?.cancel().catch(() => undefined);
      throw new RedirectRefusedError(response.status, origin, originOf(response.headers.get('location') ?? '', url.href));
    }
    return response;
  };
}

/** The redirect behind an error the SDK wrapped (it reports fetch failures as APIConnectionError). */
export function refusedRedirect(error: unknown): RedirectRefusedError | undefined {
  return causeOfType(error, RedirectRefusedError);
}

/** The refusal behind an error the SDK wrapped. */
export function refusedRequest(error: unknown): RequestRefusedError | undefined {
  return causeOfType(error, RequestRefusedError);
}

function causeOfType<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    if (current instanceof type) {
      return current;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function carriesSubscriptionKey(input: Parameters<typeof fetch>[0], init: RequestInit | undefined): boolean {
  const name = 'ocp-apim-subscription-key';
  if (init?.headers && new Headers(init.headers).has(name)) {
    return true;
  }
  return typeof input === 'object' && !(input instanceof URL) && input.headers.has(name);
}

function requestUrl(input: Parameters<typeof fetch>[0]): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}
