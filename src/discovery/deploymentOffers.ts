/**
 * After a 429, other deployments of the same model that discovery found: they have quota of
 * their own (a deployment's TPM is its own, and a Global or Data Zone deployment draws on
 * another pool than a regional one), so switching can answer now. What Resource Manager says of
 * each (SKU and capacity) is all that is known; their live headroom is not.
 */
import type { DeploymentOfferView } from '../common/protocol';
import type { DiscoveredDeployment } from './deploymentDiscovery';
import { sameEndpoint } from './discoveryCache';

const maxOffers = 3;

/** Resource Manager's SKU names in words (Standard, Global Standard, Data Zone Standard, Provisioned...). */
export function describeSku(sku: string): string {
  const known: Record<string, string> = {
    standard: 'Standard',
    globalstandard: 'Global Standard',
    datazonestandard: 'Data Zone Standard',
    provisionedmanaged: 'Provisioned',
    globalprovisionedmanaged: 'Global Provisioned',
    datazoneprovisionedmanaged: 'Data Zone Provisioned',
    globalbatch: 'Global Batch',
    datazonebatch: 'Data Zone Batch',
    developertier: 'Developer',
  };
  return known[sku.toLowerCase()] ?? sku;
}

/** What a capacity means for the SKU: thousands of tokens per minute, or provisioned throughput units. */
export function describeCapacity(sku: string, capacity: number | undefined): string {
  if (capacity === undefined) {
    return '';
  }
  return /provisioned/i.test(sku) ? `${capacity} PTU` : `${capacity}K TPM`;
}

/**
 * Deployments of `model` other than the one that was refused, chat-capable, with capacity left
 * in Resource Manager's terms, largest capacity first.
 */
export function sameModelOffers(known: readonly DiscoveredDeployment[], endpoint: string, deployment: string, model: string | undefined): DeploymentOfferView[] {
  const refused = known.find((entry) => entry.deployment === deployment && sameEndpoint(entry.endpoint, endpoint));
  const wanted = (refused?.model || model)?.toLowerCase();
  if (!wanted) {
    return [];
  }
  const seen = new Set<string>();
  return known
    .filter((entry) => entry.model.toLowerCase() === wanted || wanted.startsWith(`${entry.model.toLowerCase()}-`))
    .filter((entry) => !(entry.deployment === deployment && sameEndpoint(entry.endpoint, endpoint)))
    .filter((entry) => entry.capacity === undefined || entry.capacity > 0)
    .filter((entry) => entry.capabilities.chatCompletion !== 'false')
    .filter((entry) => {
      const key = `${entry.endpoint.toLowerCase()} ${entry.deployment}`;
      return seen.has(key) ? false : (seen.add(key), true);
    })
    .sort((a, b) => (b.capacity ?? 0) - (a.capacity ?? 0))
    .slice(0, maxOffers)
    .map((entry) => ({ endpoint: entry.endpoint, deployment: entry.deployment, sku: describeSku(entry.sku), ...(entry.capacity !== undefined ? { capacity: entry.capacity } : {}) }));
}
