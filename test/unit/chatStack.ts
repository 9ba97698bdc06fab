/**
 * Builds the extension's real chat stack (settings validation, credential resolver, connection,
 * AzureAnswerSource with the real `openai` client, chat session) for plain-node tests, with
 * only VS Code's Microsoft sign-in and SecretStorage replaced by in-memory stand-ins.
 */
import type { MicrosoftSessionProvider, SecretReader } from '../../src/auth/credentialResolver';
import { CredentialResolver } from '../../src/auth/credentialResolver';
import { AzureAnswerSource } from '../../src/azure/azureAnswerSource';
import { AzureModelClient } from '../../src/azure/modelClient';
import { InMemoryDeploymentMemory, type ModelHint } from '../../src/azure/modelProfiles';
import { ChatSession } from '../../src/chat/chatSession';
import type { RawSettings } from '../../src/config/connectionSettings';
import type { SecretName } from '../../src/config/settingKeys';
import { ConnectionManager } from '../../src/connection/connectionManager';
import type { Logger } from '../../src/logging/logger';
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
  tokensMinted = 0;
  private token: string | undefined;

  constructor(
    public signedIn: boolean,
    private readonly account = 'ada@contoso.test',
    private readonly lifetimeSeconds = 3600,
  ) {}

  async getSessionSilently(scopes: readonly string[]): Promise<{ accessToken: string; account: string } | undefined> {
    this.requestedScopes.push([...scopes]);
    if (!this.signedIn) {
      return undefined;
    }
    // Like VS Code: one token per session, reused until it expires.
    if (!this.token) {
      const resource = (scopes[0] ?? '').replace(/\/\.default$/, '');
      this.token = makeStandInJwt({ aud: resource, expiresInSeconds: this.lifetimeSeconds, appid: VSCODE_APP_ID, upn: this.account });
      this.tokensMinted++;
    }
    return { accessToken: this.token, account: this.account };
  }

  /** Makes the next silent request mint a new token (VS Code refreshing the session). */
  expire(): void {
    this.token = undefined;
  }
}

export class MemorySecrets implements SecretReader {
  readonly values = new Map<string, string>();
  async get(name: SecretName): Promise<string | undefined> {
    return this.values.get(name);
  }
}

export interface ChatStackOptions {
  readonly settings: RawSettings;
  readonly microsoft?: StandInMicrosoftSessions;
  readonly secrets?: MemorySecrets;
  readonly env?: NodeJS.ProcessEnv;
  readonly managedIdentityTimeoutMs?: number;
  readonly maxRetries?: number;
  readonly memory?: InMemoryDeploymentMemory;
  readonly modelHint?: ModelHint;
}

export function createChatStack(options: ChatStackOptions) {
  const log = new RecordingLogger();
  const microsoft = options.microsoft ?? new StandInMicrosoftSessions(false);
  const secrets = options.secrets ?? new MemorySecrets();
  const resolver = new CredentialResolver({
    microsoft,
    secrets,
    log,
    env: options.env ?? process.env,
    managedIdentityTimeoutMs: options.managedIdentityTimeoutMs ?? 1500,
  });
  let settings = options.settings;
  const connection = new ConnectionManager({ readSettings: () => settings, resolver, secrets });
  const memory = options.memory ?? new InMemoryDeploymentMemory();
  const client = new AzureModelClient({
    connection: () => connection.current(),
    log,
    retry: { maxRetries: options.maxRetries ?? 2, maxWaitMs: 20_000 },
    memory,
    ...(options.modelHint ? { modelHint: options.modelHint } : {}),
  });
  const source = new AzureAnswerSource({ client, connection: () => connection.current() });
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
    /** Changes settings the way a settings.json edit does. */
    updateSettings(next: RawSettings) {
      settings = next;
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
