/**
 * A minimal Azure Resource Manager reader: GET with a bearer token, `{ value, nextLink }` paging,
 * ARM's `{ error: { code, message } }` errors, and 429 waits decided by the same retry policy
 * chat uses. A management token is valuable (it can read and change resources), so it is only
 * ever sent to the chosen cloud's Resource Manager origin: a nextLink elsewhere is refused.
 */
import { createHardenedFetch, refusedRedirect } from '../net/hardenedFetch';
import { defaultRetryPolicy, type RetryPolicy, retryDelayForStatus, waitUnlessAborted } from '../azure/retryPolicy';

export interface ArmClientOptions {
  /** Origin of Resource Manager, e.g. https://management.azure.com. */
  readonly resourceManager: string;
  readonly getToken: () => Promise<string>;
  /** For tests: the transport under the hardened fetch. */
  readonly fetch?: typeof fetch;
  readonly retry?: RetryPolicy;
  readonly signal?: AbortSignal;
  /** Told before each wait, e.g. to show "Resource Manager asked to wait 5 s". */
  readonly onWait?: (ms: number) => void;
}

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ArmError';
  }
}

/** How many pages a list may have before the client stops (a loop guard, not a real limit). */
const maxPages = 200;

export class ArmClient {
  private readonly origin: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ArmClientOptions) {
    this.origin = new URL(options.resourceManager).origin;
    // Bound to Resource Manager's origin: a redirect is refused, never followed with the token.
    this.fetch = createHardenedFetch({ origin: this.origin, ...(options.fetch ? { transport: options.fetch } : {}) });
  }

  /** Every item of a list, following nextLink. `path` includes its query (api-version). */
  async listAll<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = new URL(path, this.origin).toString();
    for (let page = 0; next && page < maxPages; page++) {
      const body = (await this.get(next)) as { value?: unknown; nextLink?: unknown };
      if (Array.isArray(body.value)) {
        items.push(...(body.value as T[]));
      }
      next = typeof body.nextLink === 'string' && body.nextLink ? body.nextLink : undefined;
    }
    return items;
  }

  private async get(address: string): Promise<unknown> {
    const url = new URL(address, this.origin);
    if (url.origin !== this.origin) {
      // Never hand the management token to a host the user did not choose, whatever ARM says.
      throw new ArmError(0, 'ForeignNextLink', `Resource Manager pointed to ${url.origin}, which is not ${this.origin}; stopped there.`);
    }
    const policy = this.options.retry ?? defaultRetryPolicy;
    for (let attempt = 1; ; attempt++) {
      const token = await this.options.getToken();
      let response: Response;
      try {
        response = await this.fetch(url, {
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          ...(this.options.signal ? { signal: this.options.signal } : {}),
        });
      } catch (error) {
        if (this.options.signal?.aborted) {
          throw new ArmError(0, 'Cancelled', 'Cancelled.');
        }
        const redirect = refusedRedirect(error);
        if (redirect) {
          // Another origin's JSON is not Resource Manager's answer, and the token must not follow.
          throw new ArmError(redirect.status, 'Redirected', `Resource Manager at ${url.host} answered ${redirect.status} redirecting to ${redirect.to ?? 'another address'}; redirects are not followed.`);
        }
        throw unreachable(url, error);
      }
      const text = await response.text();
      if (response.ok) {
        return text ? (JSON.parse(text) as unknown) : {};
      }
      const delay = response.status === 429 || response.status >= 500 ? retryDelayForStatus(response.status, response.headers, attempt, policy) : undefined;
      if (delay !== undefined) {
        this.options.onWait?.(delay);
        if (!(await waitUnlessAborted(delay, this.options.signal ?? new AbortController().signal))) {
          throw new ArmError(0, 'Cancelled', 'Cancelled.');
        }
        continue;
      }
      throw armErrorFrom(response.status, text);
    }
  }
}

/**
 * fetch's own "fetch failed" says nothing a user can act on; the cause (no such host, refused,
 * a certificate) and the host it was trying do.
 */
function unreachable(url: URL, error: unknown): ArmError {
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const reason = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error);
  return new ArmError(
    0,
    'Unreachable',
    `Could not reach Azure Resource Manager at ${url.host} (${reason}). Check the network or proxy and the azureOpenAIChat.cloud setting, or enter the endpoint and deployment by hand.`,
  );
}

function armErrorFrom(status: number, text: string): ArmError {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (body.error && typeof body.error.code === 'string') {
      return new ArmError(status, body.error.code, typeof body.error.message === 'string' ? body.error.message : body.error.code);
    }
  } catch {
    // Not JSON: a proxy's page, say.
  }
  return new ArmError(status, String(status), `Resource Manager answered ${status}.`);
}
