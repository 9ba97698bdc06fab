/**
 * Which token scopes the extension requests without asking. A token is only as harmless as its
 * audience: one for Azure Resource Manager, Microsoft Graph or Storage would let whoever runs
 * the endpoint act as the user there. So the Azure OpenAI / Azure AI audiences and API
 * Management app scopes (api://…) are requested as configured; any other scope needs the
 * user's explicit yes, remembered per scope.
 */
const acceptedAudiences = [
  'https://cognitiveservices.azure.com',
  'https://ai.azure.com',
  // Azure Government and Azure operated by 21Vianet.
  'https://cognitiveservices.azure.us',
  'https://cognitiveservices.azure.cn',
];

/** An app's own scope, as API Management's validate-jwt expects: api://<app id or URI>[/path]/.default */
const appScopePattern = /^api:\/\/[^\s/]+(\/\S*)?\/\.default$/i;

export function isAcceptedTokenScope(scope: string): boolean {
  const lower = scope.toLowerCase();
  return acceptedAudiences.some((audience) => lower === `${audience}/.default`) || appScopePattern.test(scope);
}

export interface ScopeConsent {
  /** True when a token may be requested for `scope` (to be sent to `endpoint`). */
  allows(scope: string, endpoint: string): Promise<boolean>;
}

export interface ScopeConsentDeps {
  /** The user said yes to this scope before (kept across sessions). */
  isRemembered(scope: string): boolean;
  remember(scope: string): Promise<void>;
  /** Asks the user, modally; true only on an explicit yes. */
  ask(scope: string, endpoint: string): Promise<boolean>;
}

/**
 * Asks once per scope: a yes is remembered for good, a no for this session (the connection is
 * resolved again on every question after a failure, and must not ask each time).
 */
export function createScopeConsent(deps: ScopeConsentDeps): ScopeConsent {
  const declined = new Set<string>();
  const asking = new Map<string, Promise<boolean>>();
  return {
    async allows(scope, endpoint) {
      if (isAcceptedTokenScope(scope) || deps.isRemembered(scope)) {
        return true;
      }
      if (declined.has(scope)) {
        return false;
      }
      let answer = asking.get(scope);
      if (!answer) {
        answer = (async () => {
          const yes = await deps.ask(scope, endpoint).catch(() => false);
          if (yes) {
            await deps.remember(scope);
          } else {
            declined.add(scope);
          }
          return yes;
        })().finally(() => asking.delete(scope));
        asking.set(scope, answer);
      }
      return answer;
    },
  };
}

/** Without a way to ask, only the accepted scopes are used. */
export const acceptedScopesOnly: ScopeConsent = { allows: async (scope) => isAcceptedTokenScope(scope) };
