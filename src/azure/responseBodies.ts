/**
 * The openai SDK keeps only `body.error` of a failed response, but API Management answers with
 * `{ "statusCode": 401, "message": "..." }`, which it drops. This fetch wrapper keeps the body
 * of every failed response, keyed by its Headers object (which the SDK's APIError carries), so
 * the error explainer can still tell the user what the gateway said.
 */
const failedBodies = new WeakMap<Headers, string>();
const maxKeptBody = 16 * 1024;

export function fetchKeepingErrorBodies(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (response.status >= 400) {
      try {
        failedBodies.set(response.headers, (await response.clone().text()).slice(0, maxKeptBody));
      } catch {
        // A body that cannot be read (connection dropped) leaves the SDK's own message.
      }
    }
    return response;
  };
}

export function failedResponseBody(headers: Headers | undefined): string | undefined {
  return headers ? failedBodies.get(headers) : undefined;
}
