/**
 * Reads claims from an access token without verifying it: only to label where the token came
 * from. Nothing here is used for an authorization decision.
 */
export function readJwtClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (!payload) {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Well-known first-party client IDs that developer tools sign in with. */
const azureCliAppId = '04b07795-8ddb-461a-9bee-02f9e1bf7b46';

export function isAzureCliToken(token: string): boolean {
  const claims = readJwtClaims(token);
  return claims?.appid === azureCliAppId || claims?.azp === azureCliAppId;
}
