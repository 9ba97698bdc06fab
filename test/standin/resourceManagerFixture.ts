// The Resource Manager world most tests use: two tenants; in the home tenant two subscriptions,
// "Contoso Dev" (an OpenAI and an AIServices account, plus a Translator account that discovery
// skips) and "Contoso Finance" (403 AuthorizationFailed); in the guest tenant one subscription.
// Deployments point at `dataPlaneEndpoint` (the Azure OpenAI stand-in) so a picked deployment
// chats for real.
import type { ArmSubscription, ArmTenant } from './resourceManagerStandIn';
import { STANDIN_TENANT_ID } from './tokens';

export const GUEST_TENANT_ID = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
export const DEV_SUBSCRIPTION_ID = '11111111-1111-4111-8111-111111111111';
export const FORBIDDEN_SUBSCRIPTION_ID = '22222222-2222-4222-8222-222222222222';
export const GUEST_SUBSCRIPTION_ID = '33333333-3333-4333-8333-333333333333';

export const standInTenants: ArmTenant[] = [
  { tenantId: STANDIN_TENANT_ID, displayName: 'Contoso', defaultDomain: 'contoso.test', tenantCategory: 'Home' },
  { tenantId: GUEST_TENANT_ID, displayName: 'Fabrikam', defaultDomain: 'fabrikam.test', tenantCategory: 'ProjectedBy' },
];

export function standInSubscriptions(dataPlaneEndpoint: string): ArmSubscription[] {
  const endpoint = `${dataPlaneEndpoint.replace(/\/+$/, '')}/`;
  return [
    {
      subscriptionId: DEV_SUBSCRIPTION_ID,
      displayName: 'Contoso Dev',
      tenantId: STANDIN_TENANT_ID,
      accounts: [
        {
          name: 'contoso-openai',
          resourceGroup: 'rg-ai',
          kind: 'OpenAI',
          location: 'swedencentral',
          endpoint,
          deployments: [
            { name: 'gpt-4o-mini', model: 'gpt-4o-mini', version: '2024-07-18', sku: 'GlobalStandard', capacity: 50 },
            { name: 'chat-large', model: 'gpt-4o', version: '2024-11-20', sku: 'Standard', capacity: 10 },
            { name: 'embed', model: 'text-embedding-3-small', version: '1', sku: 'Standard', capacity: 120, capabilities: { embeddings: 'true' } },
          ],
        },
        { name: 'contoso-translate', resourceGroup: 'rg-ai', kind: 'TextTranslation', location: 'westeurope', deployments: [] },
        {
          name: 'contoso-foundry',
          resourceGroup: 'rg-foundry',
          kind: 'AIServices',
          location: 'eastus2',
          deployments: [{ name: 'o4-mini', model: 'o4-mini', version: '2025-04-16', sku: 'GlobalStandard', capacity: 100 }],
        },
      ],
    },
    { subscriptionId: FORBIDDEN_SUBSCRIPTION_ID, displayName: 'Contoso Finance', tenantId: STANDIN_TENANT_ID, forbidden: true, accounts: [] },
    {
      subscriptionId: GUEST_SUBSCRIPTION_ID,
      displayName: 'Fabrikam Shared',
      tenantId: GUEST_TENANT_ID,
      accounts: [
        {
          name: 'fabrikam-openai',
          resourceGroup: 'rg-shared',
          kind: 'OpenAI',
          location: 'francecentral',
          endpoint,
          deployments: [{ name: 'gpt-4o-mini', model: 'gpt-4o-mini', version: '2024-07-18', sku: 'Standard', capacity: 5 }],
        },
      ],
    },
  ];
}
