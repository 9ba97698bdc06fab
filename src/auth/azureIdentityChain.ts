import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type * as IdentityBundle from './identityBundle';
import type { Logger } from '../logging/logger';
import type { CredentialSource } from './credential';
import { isAzureCliToken } from './jwtClaims';

type IdentityModule = typeof IdentityBundle;

/** The credentials this chain can answer with. */
export type ChainSource = Extract<CredentialSource, 'managedIdentity' | 'azureCli' | 'azureDeveloper'>;

export interface AzureIdentityChainOptions {
  readonly scope: string;
  readonly tenantId: string | undefined;
  /** AZURE_CLIENT_ID: picks a user-assigned managed identity. */
  readonly managedIdentityClientId: string | undefined;
  /** Entra ID authority of a sovereign cloud; undefined for the public cloud. */
  readonly authorityHost?: string | undefined;
  /**
   * How long the managed-identity endpoint may take before the chain moves on. On a laptop the
   * IMDS address does not answer at all, and the SDK's own retries would take many seconds.
   */
  readonly managedIdentityTimeoutMs: number;
  readonly log: Logger;
  /** Loads @azure/identity; the default imports it lazily (it is a separate bundle). */
  readonly loadIdentity?: () => Promise<IdentityModule>;
}

/**
 * A plain `require` inside a function: Node loads the module only on first use, and esbuild
 * points it at the separate dist/identity.js bundle instead of inlining it into extension.js.
 */
const loadIdentityLazily = async (): Promise<IdentityModule> =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@azure/identity') as IdentityModule;

/**
 * `ChainedTokenCredential(ManagedIdentityCredential, DefaultAzureCredential)` behind
 * `getBearerTokenProvider`, created once so tokens are cached between requests, and able to
 * say which credential produced the token (for the chat header and the log).
 */
export class AzureIdentityChain {
  private provider: Promise<() => Promise<string>> | undefined;
  private lastSource: ChainSource | undefined;

  constructor(private readonly options: AzureIdentityChainOptions) {}

  /** The credential that produced the most recent token, once one was produced. */
  get source(): ChainSource | undefined {
    return this.lastSource;
  }

  async getToken(): Promise<string> {
    this.provider ??= this.createProvider();
    try {
      return await (await this.provider)();
    } catch (error) {
      // A failed chain must be asked again next time (e.g. after `az login`), not cached.
      this.provider = undefined;
      throw error;
    }
  }

  forgetCachedToken(): void {
    this.provider = undefined;
  }

  private async createProvider(): Promise<() => Promise<string>> {
    const started = Date.now();
    const identity = await (this.options.loadIdentity ?? loadIdentityLazily)();
    this.options.log.debug(`Loaded @azure/identity in ${Date.now() - started} ms`);
    const { scope, tenantId, managedIdentityClientId, managedIdentityTimeoutMs } = this.options;

    const managedIdentity = new identity.ManagedIdentityCredential(
      managedIdentityClientId ? { clientId: managedIdentityClientId } : {},
    );
    const developerOptions = { ...(tenantId ? { tenantId } : {}), ...(this.options.authorityHost ? { authorityHost: this.options.authorityHost } : {}) };
    const developer = withoutSecondManagedIdentity(() => new identity.DefaultAzureCredential(developerOptions));
    const chain = new identity.ChainedTokenCredential(
      new RecordingCredential(
        new TimeBoundCredential(managedIdentity, managedIdentityTimeoutMs, (message) => new identity.CredentialUnavailableError(message)),
        () => this.recordSource('managedIdentity'),
      ),
      new RecordingCredential(developer, (token) => this.recordSource(isAzureCliToken(token) ? 'azureCli' : 'azureDeveloper')),
    );
    return identity.getBearerTokenProvider(chain, scope);
  }

  private recordSource(source: ChainSource): void {
    if (this.lastSource !== source) {
      this.options.log.info(`Azure credential chain: token from ${source}`);
    }
    this.lastSource = source;
  }
}

/**
 * DefaultAzureCredential would try managed identity again, after ours already tried it within
 * its deadline. Its own attempt has no deadline when AZURE_POD_IDENTITY_AUTHORITY_HOST or
 * IDENTITY_ENDPOINT point at an endpoint that never answers (measured: still waiting after
 * 100 s), so it is built with its developer credentials only (VS Code, Azure CLI, Azure
 * PowerShell, Azure Developer CLI, broker), the documented AZURE_TOKEN_CREDENTIALS=dev
 * selection. The variable is read only by the constructor, so it is set just around it, and a
 * value the user chose is left alone.
 */
function withoutSecondManagedIdentity<T>(construct: () => T): T {
  if (process.env.AZURE_TOKEN_CREDENTIALS !== undefined) {
    return construct();
  }
  process.env.AZURE_TOKEN_CREDENTIALS = 'dev';
  try {
    return construct();
  } finally {
    delete process.env.AZURE_TOKEN_CREDENTIALS;
  }
}

/** Notes which credential of the chain answered, without changing what it answers. */
class RecordingCredential implements TokenCredential {
  constructor(
    private readonly inner: TokenCredential,
    private readonly onToken: (token: string) => void,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const token = await this.inner.getToken(scopes, options);
    if (token) {
      this.onToken(token.token);
    }
    return token;
  }
}

/**
 * Gives up on a credential after a deadline by throwing CredentialUnavailableError, which is
 * what makes ChainedTokenCredential try the next one, and aborts the abandoned request.
 */
class TimeBoundCredential implements TokenCredential {
  constructor(
    private readonly inner: TokenCredential,
    private readonly timeoutMs: number,
    private readonly unavailable: (message: string) => Error,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const controller = new AbortController();
    const onOuterAbort = () => controller.abort();
    options?.abortSignal?.addEventListener('abort', onOuterAbort);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(this.unavailable(`Managed identity endpoint did not answer within ${this.timeoutMs} ms.`));
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([this.inner.getToken(scopes, { ...options, abortSignal: controller.signal }), deadline]);
    } finally {
      clearTimeout(timer);
      options?.abortSignal?.removeEventListener('abort', onOuterAbort);
    }
  }
}
