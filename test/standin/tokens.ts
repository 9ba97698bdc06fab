// Stand-in Entra ID access tokens.
//
// The stand-ins cannot check a real signature (there is no Entra ID here), so these tokens are
// shaped like v1.0 Entra access tokens (header, claims, a signature-sized third part) and the
// stand-ins check what Azure checks besides the signature: audience, expiry, not-before.
// test/standin/fake-az/az repeats the few lines that build a token, in plain JavaScript, so that
// it runs without the compiled TypeScript; keep the two in step.

import { randomBytes, randomUUID } from 'node:crypto';

/** The Azure CLI's public client id (the `appid` of tokens `az account get-access-token` returns). */
export const AZURE_CLI_APP_ID = '04b07795-8ddb-461a-9bee-02f9e1bf7b46';
/** VS Code's public client id (the `appid` of tokens from VS Code's Microsoft sign-in). */
export const VSCODE_APP_ID = 'aebc6443-996d-45c2-90f0-388ff96faa56';

/** The tenant every stand-in token comes from unless told otherwise. */
export const STANDIN_TENANT_ID = '5f0c2c5e-7d1a-4c1b-9a52-0d6c1f1e57a1';
/** The signed-in user of the stand-ins (VS Code session, `az`). */
export const STANDIN_USER_OID = '3e1b8c9a-2f4d-4e6b-8a1c-7d9e0f1a2b3c';
export const STANDIN_USER_UPN = 'dev@standin.example';
/** The system-assigned managed identity of the managed-identity stand-in. */
export const STANDIN_MANAGED_IDENTITY_CLIENT_ID = '9d2c7e4b-1a3f-4b5c-8d6e-2f1a0b9c8d7e';
export const STANDIN_MANAGED_IDENTITY_OID = 'c4a1e2f3-5b6d-4e7f-9a0b-1c2d3e4f5a6b';

export interface StandInJwtOptions {
  /** The `aud` claim, e.g. `https://cognitiveservices.azure.com`. */
  aud: string;
  /** Seconds from now until `exp`; negative makes an already expired token. */
  expiresInSeconds: number;
  appid?: string;
  /** Present for user tokens; managed identities and service principals have none. */
  upn?: string;
  oid?: string;
  tid?: string;
  /** App roles, as APIM's validate-jwt sees them in the `roles` claim. */
  roles?: string[];
  /** Delegated scopes (`scp`), space separated, for user tokens. */
  scp?: string;
}

export interface StandInJwtPayload {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  appid?: string;
  appidacr?: string;
  idtyp?: string;
  oid?: string;
  tid: string;
  upn?: string;
  roles?: string[];
  scp?: string;
  ver: string;
  [claim: string]: unknown;
}

export function makeStandInJwt(options: StandInJwtOptions): string {
  const now = Math.floor(Date.now() / 1000);
  const tid = options.tid ?? STANDIN_TENANT_ID;
  const payload: StandInJwtPayload = {
    aud: options.aud,
    iss: `https://sts.windows.net/${tid}/`,
    // Entra backdates iat/nbf by 5 minutes to absorb clock skew; expired tokens must still have
    // nbf before exp, so never put nbf after exp.
    iat: Math.min(now - 300, now + options.expiresInSeconds - 1),
    nbf: Math.min(now - 300, now + options.expiresInSeconds - 1),
    exp: now + options.expiresInSeconds,
    appid: options.appid ?? AZURE_CLI_APP_ID,
    appidacr: '0',
    idtyp: options.upn ? 'user' : 'app',
    oid: options.oid ?? (options.upn ? STANDIN_USER_OID : randomUUID()),
    tid,
    ver: '1.0',
  };
  if (options.upn) {payload.upn = options.upn;}
  if (options.roles) {payload.roles = options.roles;}
  if (options.scp) {payload.scp = options.scp;}
  const header = { typ: 'JWT', alg: 'RS256', kid: 'standin', x5t: 'standin' };
  // 256 bytes, the size of an RS256 signature, so tokens are as long as real ones.
  return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}.${randomBytes(256).toString('base64url')}`;
}

/** Decodes the claims of a JWT without checking it; throws when the token is not JWT-shaped. */
export function decodeJwtPayload(token: string): StandInJwtPayload {
  const payload = tryDecodeJwtPayload(token);
  if (!payload) {throw new Error('Not a JWT: expected three base64url parts with a JSON payload');}
  return payload;
}

export function tryDecodeJwtPayload(token: string): StandInJwtPayload | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) {return undefined;}
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (!isRecord(header) || typeof header.alg !== 'string') {return undefined;}
    if (!isRecord(payload) || typeof payload.aud !== 'string' || typeof payload.exp !== 'number') {return undefined;}
    return payload as StandInJwtPayload;
  } catch {
    return undefined;
  }
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
