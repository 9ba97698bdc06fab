/**
 * Entry point of dist/identity.js: the parts of @azure/identity the extension uses, built as a
 * separate bundle that is loaded only when the VS Code sign-in is not enough (see esbuild.mjs).
 */
export {
  ChainedTokenCredential,
  CredentialUnavailableError,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  getBearerTokenProvider,
} from '@azure/identity';
