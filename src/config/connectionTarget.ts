/**
 * Where one conversation's questions go: an endpoint and a deployment, or (undefined) the ones
 * in settings. Everything else (sign-in method, cloud, scope, trusted hosts) comes from settings
 * and applies to every target alike, so switching a conversation's deployment never loosens a
 * policy.
 */
import type { RawSettings } from './connectionSettings';

export interface ConnectionTarget {
  readonly endpoint: string;
  readonly deployment: string;
}

export function isConnectionTarget(value: unknown): value is ConnectionTarget {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const { endpoint, deployment } = value as Record<string, unknown>;
  return typeof endpoint === 'string' && endpoint !== '' && typeof deployment === 'string' && deployment !== '';
}

/** One key per target, for caches: the settings' target is ''. */
export function targetKey(target: ConnectionTarget | undefined): string {
  return target ? JSON.stringify([target.endpoint.replace(/\/+$/, '').toLowerCase(), target.deployment]) : '';
}

/** The settings as a connection to `target` reads them. */
export function settingsForTarget(raw: RawSettings, target: ConnectionTarget | undefined): RawSettings {
  return target ? { ...raw, endpoint: target.endpoint, deployment: target.deployment } : raw;
}
