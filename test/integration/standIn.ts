// For tests running inside the extension host: where the stand-ins are, and a client of the
// runner's control API (test/harness/standInControl.ts) to script them and read what they saw.
// The runner (test/harness/runIntegration.ts or runElectron.ts) sets the variables.
import type { ManagedIdentityMode, ManagedIdentityRequest } from '../standin/managedIdentityStandIn';
import type { Scenario } from '../standin/scenario';
import type { SerializedRequest } from '../harness/standInControl';

export type { Scenario, SerializedRequest as StandInRequest };

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the suite through test/harness/runIntegration.js or runElectron.js`);
  }
  return value;
}

async function call<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${required('AOAI_STANDIN_CONTROL')}${route}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`stand-in control ${method} ${route}: ${response.status} ${text}`);
  }
  return JSON.parse(text) as T;
}

export const standIn = {
  /** The Azure OpenAI stand-in's resource URL (http://127.0.0.1:PORT); also in user settings. */
  get endpoint(): string {
    return required('AOAI_STANDIN_ENDPOINT');
  },
  /** The deployment that exists; also in user settings. */
  get deployment(): string {
    return required('AOAI_STANDIN_DEPLOYMENT');
  },
  /** The api-key the stand-in accepts. */
  get apiKey(): string {
    return required('AOAI_STANDIN_API_KEY');
  },
  /** The managed identity stand-in (also AZURE_POD_IDENTITY_AUTHORITY_HOST). */
  get managedIdentityEndpoint(): string {
    return required('MI_STANDIN_ENDPOINT');
  },

  /** Scripts the next chat completions, first in first out. */
  enqueue: (...scenarios: Scenario[]): Promise<unknown> => call('POST', '/aoai/enqueue', scenarios),
  /** The behaviour when nothing is queued. */
  setDefault: (scenario: Scenario): Promise<unknown> => call('POST', '/aoai/default', scenario),
  /** Changes auth or deployments of the running stand-in (apiKey, acceptAnyApiKey, audience, apim, deployments, ...). */
  configure: (changes: Record<string, unknown>): Promise<unknown> => call('POST', '/aoai/configure', changes),
  /**
   * The chat requests recorded since the last reset. With `count`, waits until at least that many
   * arrived and finished (so `closedEarly` is final), up to `timeoutMs` (default 5000).
   */
  requests: (wait: { count?: number; timeoutMs?: number } = {}): Promise<SerializedRequest[]> =>
    call('GET', `/aoai/requests?count=${wait.count ?? 0}&timeoutMs=${wait.timeoutMs ?? 5000}`),
  setManagedIdentityMode: (mode: ManagedIdentityMode): Promise<unknown> => call('POST', '/managed-identity/mode', { mode }),
  managedIdentityRequests: (): Promise<ManagedIdentityRequest[]> => call('GET', '/managed-identity/requests'),
  /** Forgets requests, queued scenarios and counters; managed identity answers again. */
  reset: (): Promise<unknown> => call('POST', '/reset'),
};
