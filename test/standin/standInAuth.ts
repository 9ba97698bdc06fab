// Who may call the stand-in, decided as Azure OpenAI (or an APIM gateway in front of it) decides.

import {
  apimInvalidJwt,
  apimInvalidSubscriptionKey,
  apimMissingRole,
  apimMissingSubscriptionKey,
  invalidApiKey,
  invalidBearerToken,
  type JsonErrorReply,
} from './azureResponses';
import { type StandInJwtPayload, tryDecodeJwtPayload } from './tokens';

export interface ApimOptions {
  /** The subscription key the gateway accepts. */
  subscriptionKey: string;
  /**
   * Header carrying the subscription key (default `ocp-apim-subscription-key`). Gateways for
   * Azure OpenAI are often set to `api-key` so that OpenAI SDKs work unchanged. The query
   * parameter `subscription-key` is accepted too, as APIM does.
   */
  subscriptionKeyHeader?: string;
  /** A validate-jwt policy: the bearer token's `aud` must match, and `roles` must hold requiredRole. */
  validateJwt?: { audience: string; requiredRole?: string };
}

export interface AuthOptions {
  /** The accepted `api-key`; undefined refuses every api-key. */
  apiKey?: string;
  /** Accept any non-empty `api-key` (for `npm start` and humans). */
  acceptAnyApiKey: boolean;
  /** The audience bearer tokens must carry (with or without a trailing slash). */
  audience: string;
  apim?: ApimOptions;
}

export type AuthResult =
  | { ok: true; kind: 'apiKey' | 'bearer' | 'apim'; token?: StandInJwtPayload }
  | { ok: false; reply: JsonErrorReply };

type Headers = Record<string, string | undefined>;

export function authenticate(options: AuthOptions, headers: Headers, query: Record<string, string>, v1 = false): AuthResult {
  return options.apim ? authenticateApim(options.apim, headers, query) : authenticateResource(options, headers, v1);
}

/**
 * Azure OpenAI itself: an api-key, else an Entra ID bearer token for its audience. On the v1 API
 * the key may also come as `Authorization: Bearer <key>`, which is how the OpenAI client sends
 * the key Azure's v1 documentation gives it.
 */
function authenticateResource(options: AuthOptions, headers: Headers, v1: boolean): AuthResult {
  const keyAsBearer = v1 ? bearerToken(headers) : undefined;
  const apiKey = headers['api-key'] ?? (keyAsBearer !== undefined && !tryDecodeJwtPayload(keyAsBearer) ? keyAsBearer : undefined);
  if (apiKey !== undefined) {
    const accepted = options.acceptAnyApiKey ? apiKey.length > 0 : options.apiKey !== undefined && apiKey === options.apiKey;
    return accepted ? { ok: true, kind: 'apiKey' } : { ok: false, reply: invalidApiKey() };
  }
  const bearer = bearerToken(headers);
  if (bearer === undefined) {return { ok: false, reply: invalidApiKey() };}
  const token = validToken(bearer, options.audience);
  return token ? { ok: true, kind: 'bearer', token } : { ok: false, reply: invalidBearerToken(options.audience) };
}

/**
 * APIM checks the subscription key before any policy runs, then its validate-jwt policies. The
 * gateway calls the resource with its own managed identity, so the backend's checks do not apply.
 */
function authenticateApim(apim: ApimOptions, headers: Headers, query: Record<string, string>): AuthResult {
  const header = (apim.subscriptionKeyHeader ?? 'ocp-apim-subscription-key').toLowerCase();
  const key = headers[header] ?? query['subscription-key'];
  if (key === undefined || key === '') {return { ok: false, reply: withKeyChallenge(apimMissingSubscriptionKey(), header) };}
  if (key !== apim.subscriptionKey) {return { ok: false, reply: withKeyChallenge(apimInvalidSubscriptionKey(), header) };}
  if (!apim.validateJwt) {return { ok: true, kind: 'apim' };}
  const bearer = bearerToken(headers);
  const token = bearer === undefined ? undefined : validToken(bearer, apim.validateJwt.audience);
  if (!token) {return { ok: false, reply: apimInvalidJwt() };}
  const role = apim.validateJwt.requiredRole;
  if (role !== undefined && !(Array.isArray(token.roles) && token.roles.includes(role))) {
    return { ok: false, reply: apimMissingRole(role) };
  }
  return { ok: true, kind: 'apim', token };
}

function bearerToken(headers: Headers): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

/** What Entra ID's token validation checks, short of the signature. */
function validToken(token: string, audience: string): StandInJwtPayload | undefined {
  const payload = tryDecodeJwtPayload(token);
  if (!payload) {return undefined;}
  const trimmed = audience.replace(/\/+$/, '');
  if (payload.aud !== trimmed && payload.aud !== `${trimmed}/`) {return undefined;}
  const now = Date.now() / 1000;
  if (payload.exp <= now) {return undefined;}
  if (typeof payload.nbf === 'number' && payload.nbf > now + 300) {return undefined;}
  if (typeof payload.iss !== 'string' || !/^https:\/\/(sts\.windows\.net|login\.microsoftonline\.com)\//.test(payload.iss)) {return undefined;}
  return payload;
}

function withKeyChallenge(reply: JsonErrorReply, header: string): JsonErrorReply {
  // APIM names the header it wanted, so a client can tell which key was missing.
  return { ...reply, headers: { ...reply.headers, 'www-authenticate': `AzureApiManagementKey realm="stand-in",name="${header}",type="header"` } };
}
