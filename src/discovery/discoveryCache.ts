/**
 * Discovered deployments, kept for the VS Code session (per cloud and tenant) so the picker opens
 * instantly the second time; Refresh reads Resource Manager again. Also answers "which model is
 * this deployment?" for model-aware requests, from whatever was discovered so far.
 */
import type { DiscoveredDeployment, DiscoveryResult } from './deploymentDiscovery';
import type { ManagementTarget } from './managementCredential';

/** The shape the models feature takes as a dependency. */
export type ModelHint = (endpoint: string, deployment: string) => string | undefined;

export function sameEndpoint(a: string, b: string): boolean {
  const normalize = (value: string) => {
    try {
      const url = new URL(value);
      return `${url.origin}${url.pathname.replace(/\/+$/, '')}`.toLowerCase();
    } catch {
      return value.trim().replace(/\/+$/, '').toLowerCase();
    }
  };
  return normalize(a) === normalize(b);
}

function keyOf(target: ManagementTarget): string {
  return JSON.stringify([target.cloud.resourceManager, target.tenantId ?? '']);
}

export class DiscoveryCache {
  private readonly entries = new Map<string, Promise<DiscoveryResult>>();
  private readonly settled = new Map<string, DiscoveryResult>();

  constructor(private readonly load: (target: ManagementTarget) => Promise<DiscoveryResult>) {}

  /** The cached list for this cloud and tenant, or a fresh one (always fresh with refresh). */
  get(target: ManagementTarget, options: { refresh?: boolean } = {}): Promise<DiscoveryResult> {
    const key = keyOf(target);
    let entry = this.entries.get(key);
    if (!entry || options.refresh) {
      entry = this.load(target);
      this.entries.set(key, entry);
      entry.then(
        (result) => this.settled.set(key, result),
        () => {
          // A failure is not kept: the next open asks again (after a sign-in, say).
          if (this.entries.get(key) === entry) {
            this.entries.delete(key);
          }
        },
      );
    }
    return entry;
  }

  /** Every deployment discovered so far, in any cloud or tenant. */
  known(): DiscoveredDeployment[] {
    return [...this.settled.values()].flatMap((result) => result.deployments);
  }

  find(endpoint: string, deployment: string): DiscoveredDeployment | undefined {
    return this.known().find((entry) => entry.deployment === deployment && sameEndpoint(entry.endpoint, endpoint));
  }

  /** The account behind an endpoint, for `az role assignment create --scope`. */
  accountFor(endpoint: string): DiscoveredDeployment | undefined {
    return this.known().find((entry) => sameEndpoint(entry.endpoint, endpoint));
  }

  /** The model name of a discovered deployment (e.g. "gpt-4o-mini"), for model-aware requests. */
  readonly modelHint: ModelHint = (endpoint, deployment) => this.find(endpoint, deployment)?.model || undefined;
}
