/**
 * Removes anything that looks like a credential from text that is about to be logged or shown.
 * Defence in depth: callers never log tokens or keys on purpose, but error messages from SDKs
 * and servers can echo request headers back.
 */
const jwtPattern = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
const bearerPattern = /(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
const keyHeaderPattern = /((?:api-key|ocp-apim-subscription-key|authorization)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi;
/** Credentials inside a URL: a proxy's `http://alice:pw@proxy:3128`, a token as the user name. */
const urlUserInfoPattern = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;

export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let result = text.replace(jwtPattern, '[redacted token]').replace(bearerPattern, '$1[redacted]');
  result = result.replace(keyHeaderPattern, '$1[redacted]').replace(urlUserInfoPattern, '$1[redacted]@');
  for (const secret of knownSecrets) {
    // Short values would redact ordinary words; real keys are 32+ characters.
    if (secret.length >= 8) {
      result = result.split(secret).join('[redacted]');
    }
  }
  return result;
}

/**
 * The secret values in use right now (the API key, the subscription key, the tokens of this
 * connection), so that text echoing one bare, with no header name or "Bearer" before it, is
 * redacted too. Patterns alone cannot recognise an opaque key.
 */
export class LiveSecrets {
  private readonly keys: string[];
  private readonly tokens: string[] = [];

  constructor(keys: ReadonlyArray<string | undefined>) {
    this.keys = keys.filter((key): key is string => !!key);
  }

  /** Remembers a token; the most recent few are kept (they are refreshed about hourly). */
  addToken(token: string): void {
    if (!this.tokens.includes(token)) {
      this.tokens.push(token);
      if (this.tokens.length > maxTokens) {
        this.tokens.shift();
      }
    }
  }

  redact(text: string): string {
    return redactSecrets(text, [...this.keys, ...this.tokens]);
  }
}

const maxTokens = 8;
