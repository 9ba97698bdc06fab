/**
 * Where a Microsoft Entra token may be sent. A token for the Cognitive Services audience is
 * worth stealing, so it goes only to hosts that look like Azure OpenAI, AI Services or an API
 * Management gateway, or to hosts the user named in the (application-scoped) allow-list.
 */
import { publicCloud } from '../config/cloud';

/** The public cloud's suffixes; a sovereign cloud passes its own (src/config/cloud.ts). */
const azureHostSuffixes: readonly string[] = publicCloud.hostSuffixes;

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export type TokenHostVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly host: string; readonly reason: 'notAzure' | 'notHttps' };

function matchesTrustedHost(host: string, pattern: string): boolean {
  if (pattern.startsWith('*.')) {
    return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  }
  return host === pattern;
}

export function checkTokenHost(endpoint: string, trustedHosts: readonly string[], hostSuffixes: readonly string[] = azureHostSuffixes): TokenHostVerdict {
  const url = new URL(endpoint);
  const host = url.hostname.toLowerCase();
  const isLoopback = loopbackHosts.has(host);
  // Plain http is only acceptable when the bytes never leave the machine.
  if (url.protocol !== 'https:' && !isLoopback) {
    return { allowed: false, host, reason: 'notHttps' };
  }
  const isAzure = hostSuffixes.some((suffix) => host.endsWith(suffix) && host.length > suffix.length);
  const isTrusted = trustedHosts.some((pattern) => matchesTrustedHost(host, pattern.toLowerCase()));
  return isAzure || isTrusted ? { allowed: true } : { allowed: false, host, reason: 'notAzure' };
}
