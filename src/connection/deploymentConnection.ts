import { checkTokenHost } from '../auth/hostPolicy';
import type { DeploymentTarget } from '../azure/chatModelCatalog';
import type { Connection, ConnectionResult } from './connectionManager';

/**
 * The configured connection, pointed at another deployment. Same resource: only the deployment
 * changes. Another resource (found by discovery): only an Entra token may go there, and only if
 * the token host policy allows that host; an API key or API Management key belongs to the
 * configured resource and is never sent elsewhere.
 */
export function connectionForTarget(base: Connection, target: DeploymentTarget): ConnectionResult {
  const { settings, credential } = base;
  if (sameResource(settings.endpoint, target.endpoint)) {
    return { ok: true, connection: { ...base, settings: { ...settings, deployment: target.deployment } } };
  }
  const host = safeHost(target.endpoint);
  if (credential.kind !== 'entra') {
    return refused(
      `Your API key is for ${safeHost(settings.endpoint)}, not ${host}.`,
      'Sign in with Microsoft to use deployments on other resources, or select this resource in settings and set its key.',
    );
  }
  let verdict: ReturnType<typeof checkTokenHost>;
  try {
    verdict = checkTokenHost(target.endpoint, settings.trustedHosts, settings.cloud.hostSuffixes);
  } catch {
    return refused(`"${target.endpoint}" is not a usable endpoint.`, 'Refresh the list of deployments.');
  }
  if (!verdict.allowed) {
    return refused(
      `Your Microsoft sign-in is only sent to Azure OpenAI hosts over https, and ${host} is not one.`,
      `If you trust ${host}, add it to azureOpenAIChat.trustedHosts in your user settings.`,
    );
  }
  return {
    ok: true,
    connection: { settings: { ...settings, endpoint: target.endpoint.replace(/\/+$/, ''), deployment: target.deployment }, credential, apimSubscriptionKey: undefined },
  };
}

function refused(title: string, detail: string): ConnectionResult {
  return { ok: false, state: 'misconfigured', problem: { title, detail, actions: ['openSettings'] } };
}

function sameResource(a: string, b: string): boolean {
  return a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();
}

function safeHost(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}
