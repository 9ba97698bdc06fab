/**
 * Builds the extension's real chat stack (settings validation, credential resolver, connection,
 * AzureAnswerSource with the real `openai` client, chat session) for plain-node tests, with
 * only VS Code's Microsoft sign-in and SecretStorage replaced by in-memory stand-ins.
 */
import type { MicrosoftSessionProvider, SecretReader } from '../../src/auth/credentialResolver';
import type { InMemoryDeploymentMemory, ModelHint } from '../../src/azure/modelProfiles';
import { ChatSession } from '../../src/chat/chatSession';
import { createChatCore } from '../../src/chatCore';
import { apiKeySecretName } from '../../src/config/apiKeys';
import type { RawSettings } from '../../src/config/connectionSettings';
import type { Logger } from '../../src/logging/logger';
import type { ScopeConsent } from '../../src/auth/scopePolicy';
import { makeStandInJwt, VSCODE_APP_ID } from '../standin/tokens';

export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  trace = (message: string) => void this.lines.push(`trace ${message}`);
  debug = (message: string) => void this.lines.push(`debug ${message}`);
  info = (message: string) => void this.lines.push(`info ${message}`);
  warn = (message: string) => void this.lines.push(`warn ${message}`);
  error = (message: string) => void this.lines.push(`error ${message}`);
}

/** Stands in for VS Code's Microsoft authentication provider: a signed-in account or none. */
export class StandInMicrosoftSessions implements MicrosoftSessionProvider {
  readonly requestedScopes: string[][] = [];
  /** The provider id asked for with each request (`microsoft` or `microsoft-sovereign-cloud`). */
  readonly requestedProviders: string[] = [];
  tokensMinted = 0;
  /** One token per scope list, as VS Code keeps one session per scope list. */
  private readonly tokens = new Map<string, string>();

  constructor(
    public signedIn: boolean,
    private readonly account = 'ada@contoso.test',
    private readonly lifetimeSeconds = 3600,
  ) {}

  async getSessionSilently(scopes: readonly string[], provider = 'microsoft'): Promise<{ accessToken: string; account: string } | undefined> {
    this.requestedScopes.push([...scopes]);
    this.requestedProviders.push(provider);
    if (!this.signedIn) {
      return undefined;
    }
    // Like VS Code: one token per session, reused until it expires.
    const key = scopes.join(' ');
    let token = this.tokens.get(key);
    if (!token) {
      const resource = (scopes[0] ?? '').replace(/\/\.default$/, '');
      const tenant = scopes.find((scope) => scope.startsWith('VSCODE_TENANT:'))?.slice('VSCODE_TENANT:'.length);
      token = makeStandInJwt({ aud: resource, expiresInSeconds: this.lifetimeSeconds, appid: VSCODE_APP_ID, upn: this.account, ...(tenant ? { tid: tenant } : {}) });
      this.tokens.set(key, token);
      this.tokensMinted++;
    }
    return { accessToken: token, account: this.account };
  }

  /** Makes the next silent request mint a new token (VS Code refreshing the session). */
  expire(): void {
    this.tokens.clear();
  }
}

export class MemorySecrets implements SecretReader {
  readonly values = new Map<string, string>();
  async get(name: string): Promise<string | undefined> {
    return this.values.get(name);
  }
  async store(name: string, value: string): Promise<void> {
    this.values.set(name, value);
  }
  async delete(name: string): Promise<void> {
    this.values.delete(name);
  }
  /** Stores an API key for `endpoint`'s resource, as "Set API Key" does. */
  setApiKey(endpoint: string, key: string): void {
    this.values.set(apiKeySecretName(endpoint) as string, key);
  }
}

export interface ChatStackOptions {
  readonly settings: RawSettings;
  readonly microsoft?: StandInMicrosoftSessions;
  readonly secrets?: MemorySecrets;
  readonly env?: NodeJS.ProcessEnv;
  readonly managedIdentityTimeoutMs?: number;
  readonly maxRetries?: number;
  /** Asks about token scopes that are not an Azure OpenAI / AI audience (none: refused). */
  readonly scopeConsent?: ScopeConsent;
  /** Applied to the settings on every read (the conversation's own deployment, say). */
  readonly overlay?: (raw: RawSettings) => RawSettings;
  readonly memory?: InMemoryDeploymentMemory;
  readonly modelHint?: ModelHint;
}

export function createChatStack(options: ChatStackOptions) {
  const log = new RecordingLogger();
  const microsoft = options.microsoft ?? new StandInMicrosoftSessions(false);
  const secrets = options.secrets ?? new MemorySecrets();
  let settings = options.settings;
  // The extension's own composition root, with the stand-ins for VS Code's sign-in and secrets.
  const core = createChatCore({
    microsoft,
    secrets,
    readSettings: () => (options.overlay ? options.overlay(settings) : settings),
    log,
    env: options.env ?? process.env,
    managedIdentityTimeoutMs: options.managedIdentityTimeoutMs ?? 1500,
    retry: { maxRetries: options.maxRetries ?? 2, maxWaitMs: 20_000 },
    ...(options.scopeConsent ? { scopeConsent: options.scopeConsent } : {}),
    ...(options.memory ? { memory: options.memory } : {}),
    ...(options.modelHint ? { modelHint: options.modelHint } : {}),
  });
  const connection = core.connections;
  const client = core.clientFor(undefined);
  const memory = core.memory as InMemoryDeploymentMemory;
  const source = core.source;
  const session = new ChatSession(source);
  return {
    log,
    microsoft,
    secrets,
    connection,
    client,
    memory,
    source,
    session,
    core,
    /** Changes settings the way a settings.json edit does. */
    updateSettings(next: RawSettings) {
      settings = next;
      // As extension.ts does on a settings change.
      void core.settingsChanged();
      connection.invalidate();
    },
    /** Sends a question and waits for the answer to end. */
    async ask(text: string) {
      session.send(text);
      await session.whenIdle();
      return session.messages.at(-1);
    },
  };
}
