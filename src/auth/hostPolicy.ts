/**
 * Where a credential may be sent. Every credential goes over https only (plain http only when
 * the bytes never leave the machine).
 *
 * A Microsoft Entra token for the Cognitive Services audience is worth stealing, so it goes only to hosts that look like Azure OpenAI, AI Services or an API
 * Management gateway, or to hosts the user named in the (application-scoped) allow-list.
 */
import { publicCloud } from '../config/cloud';

/** The public cloud's suffixes; a sovereign cloud passes its own (src/config/cloud.ts). */
const azureHostSuffixes: readonly string[] = publicCloud.hostSuffixes;

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export type TokenHostVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly host: string; readonly reason: 'notAzure' | 'notHttps' | 'notGateway' };

function matchesTrustedHost(host: string, pattern: string): boolean {
  if (pattern.startsWith('*.')) {
    return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  }
  return host === pattern;
}

export function checkTokenHost(endpoint: string, trustedHosts: readonly string[], hostSuffixes: readonly string[] = azureHostSuffixes): TokenHostVerdict {
  return checkHost(endpoint, trustedHosts, hostSuffixes, 'notAzure');
}

/**
 * An API key works only on its own resource, whatever its domain (custom domains included), so
 * its rule is the transport one: https, or http on loopback.
 */
export function checkKeyHost(endpoint: string): TokenHostVerdict {
  const { host, isLoopback, isHttps } = parseEndpoint(endpoint);
  return isHttps || isLoopback ? { allowed: true } : { allowed: false, host, reason: 'notHttps' };
}

/**
 * An API Management subscription key opens every API of its subscription, so it goes only to
 * API Management gateways (`*.azure-api.net`) or a gateway's custom domain the user trusts.
 */
export function checkSubscriptionKeyHost(endpoint: string, trustedHosts: readonly string[]): TokenHostVerdict {
  return checkHost(endpoint, trustedHosts, apimHostSuffixes, 'notGateway');
}

const apimHostSuffixes = ['.azure-api.net'];

function checkHost(endpoint: string, trustedHosts: readonly string[], suffixes: readonly string[], refusal: 'notAzure' | 'notGateway'): TokenHostVerdict {
  const { host, isLoopback, isHttps } = parseEndpoint(endpoint);
  if (!isHttps && !isLoopback) {
    return { allowed: false, host, reason: 'notHttps' };
  }
  const isKnown = suffixes.some((suffix) => host.endsWith(suffix) && host.length > suffix.length);
  const isTrusted = trustedHosts.some((pattern) => matchesTrustedHost(host, pattern.toLowerCase()));
  return isKnown || isTrusted ? { allowed: true } : { allowed: false, host, reason: refusal };
}

function parseEndpoint(endpoint: string): { host: string; isLoopback: boolean; isHttps: boolean } {
  const url = new URL(endpoint);
  const host = url.hostname.toLowerCase();
  return { host, isLoopback: loopbackHosts.has(host), isHttps: url.protocol === 'https:' };
}

