/**
 * Removes anything that looks like a credential from text that is about to be logged or shown.
 * Defence in depth: callers never log tokens or keys on purpose, but error messages from SDKs
 * and servers can echo request headers back.
 */
const jwtPattern = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
const bearerPattern = /(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
const keyHeaderPattern = /((?:api-key|ocp-apim-subscription-key|authorization)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi;

export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let result = text.replace(jwtPattern, '[redacted token]').replace(bearerPattern, '$1[redacted]');
  result = result.replace(keyHeaderPattern, '$1[redacted]');
  for (const secret of knownSecrets) {
    // Short values would redact ordinary words; real keys are 32+ characters.
    if (secret.length >= 8) {
      result = result.split(secret).join('[redacted]');
    }
  }
  return result;
}
