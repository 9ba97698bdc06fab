import * as vscode from 'vscode';
import { AnswerError } from '../azure/answerError';
import type { IDisposable } from '../common/dispose';
import { canChat, type ChatModelDescription, type DeploymentTarget, describeChatModel, targetKey } from '../azure/chatModelCatalog';
import type { ModelProfile } from '../azure/modelProfiles';
import type { ModelEventSink, ModelRequest, ModelStreamEnd } from '../azure/modelRequest';
import type { ConnectionChange, ConnectionResult } from '../connection/connectionManager';
import { toLanguageModelError } from './languageModelErrors';
import { parseToolInput, toModelMessages, toToolDefinitions } from './requestMessages';

/** What the provider needs from the chat's Azure client: the same class serves both. */
export interface DeploymentModelClient {
  deploymentInfo(): Promise<{ readonly profile: ModelProfile } | undefined>;
  stream(request: ModelRequest, signal: AbortSignal, onEvent: ModelEventSink): Promise<ModelStreamEnd>;
}

export interface AzureChatModelProviderDeps {
  /**
   * The connection factory the chat uses: settings, credential (resolved silently, an API key
   * only for its own resource) and host policy, per target. Undefined target: the settings'.
   */
  readonly connection: {
    current(target?: DeploymentTarget): Promise<ConnectionResult>;
    readonly onDidChange: (listener: (change: ConnectionChange) => void) => IDisposable;
  };
  /** A model client over the given connection; the chat's AzureModelClient, so auth, retries and the stall timer are one code path. */
  readonly createModelClient: (connection: () => Promise<ConnectionResult>) => DeploymentModelClient;
  /** Tokens in `text` for the model family, with the tokenizer the chat uses. */
  readonly countTokens: (text: string, family: string) => number | Promise<number>;
  /** Deployments discovery found. Must never prompt; without it only the configured deployment is offered. */
  readonly listDeployments?: () => Promise<readonly DeploymentTarget[]>;
  readonly onDidChangeDeployments?: (listener: () => void) => IDisposable;
  /** Asks the user to sign in (only when VS Code says the user may be prompted). */
  readonly signIn: () => Promise<void>;
  /**
   * Spend (issue 21): whether the user offers the deployments to other extensions (a setting,
   * default on); off, no model is listed and any request is refused. Absent: always offered.
   */
  readonly offered?: () => boolean;
  readonly onDidChangeOffered?: (listener: () => void) => IDisposable;
  /** Spend: each request, as it arrives (VS Code does not say which extension sent it). */
  readonly onRequest?: (modelId: string) => void;
  readonly log: vscode.LogOutputChannel;
}

type AzureChatModel = vscode.LanguageModelChatInformation & ChatModelDescription;

/**
 * The user's Azure OpenAI deployments as VS Code language models. Requests go through the same
 * client as the chat panel; this class only translates between VS Code's parts and the
 * neutral ModelRequest/ModelEvent of src/azure/modelRequest.ts.
 */
export class AzureChatModelProvider implements vscode.LanguageModelChatProvider<AzureChatModel>, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changes.event;
  private readonly clients = new Map<string, DeploymentModelClient>();
  private readonly subscriptions: IDisposable[] = [];
  private readonly lastViews = new Map<string, string>();
  private lastRefusal: string | undefined;

  constructor(private readonly deps: AzureChatModelProviderDeps) {
    this.subscriptions.push(
      // Only a change VS Code can see (state, account, deployment): the manager also reports
      // every re-check of a failed connection, and each report makes VS Code ask for models again.
      deps.connection.onDidChange(({ key: target, view }) => {
        const key = JSON.stringify([view.state, view.label, view.deployment]);
        if (key !== this.lastViews.get(target)) {
          this.lastViews.set(target, key);
          this.clients.clear();
          this.changes.fire();
        }
      }),
    );
    if (deps.onDidChangeDeployments) {
      this.subscriptions.push(deps.onDidChangeDeployments(() => this.changes.fire()));
    }
    if (deps.onDidChangeOffered) {
      this.subscriptions.push(deps.onDidChangeOffered(() => this.changes.fire()));
    }
  }

  async provideLanguageModelChatInformation(options: vscode.PrepareLanguageModelChatModelOptions, _token: vscode.CancellationToken): Promise<AzureChatModel[]> {
    if (this.deps.offered?.() === false) {
      this.deps.log.debug('Language models: none offered (azureOpenAIChat.offerModelsToOtherExtensions is off)');
      return [];
    }
    let result = await this.deps.connection.current();
    if (!result.ok && result.state === 'signedOut' && !options.silent) {
      await this.deps.signIn();
      result = await this.deps.connection.current();
    }
    if (!result.ok) {
      // VS Code asks often; say why once per reason.
      if (result.problem.title !== this.lastRefusal) {
        this.lastRefusal = result.problem.title;
        this.deps.log.info(`Language models: none offered (${result.problem.title})`);
      }
      return [];
    }
    this.lastRefusal = undefined;
    const { settings } = result.connection;
    const targets = new Map<string, DeploymentTarget>([[targetKey(settings), { endpoint: settings.endpoint, deployment: settings.deployment }]]);
    for (const found of await this.discovered()) {
      const key = targetKey(found);
      // Discovery knows the model behind the configured deployment too.
      targets.set(key, { ...targets.get(key), ...found });
    }
    const models: AzureChatModel[] = [];
    for (const target of targets.values()) {
      if (!canChat(target)) {
        continue;
      }
      const info = await this.clientFor(target).deploymentInfo();
      if (info) {
        models.push(describeChatModel(target, info.profile, true));
      }
    }
    this.deps.log.debug(`Language models offered (${options.silent ? 'silent' : 'may prompt'}): ${models.map((m) => `${m.id} [${m.family}]`).join(', ') || 'none'}`);
    return models;
  }

  async provideLanguageModelChatResponse(
    model: AzureChatModel,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    // Counted whatever happens next: the user sees that something used their deployment.
    this.deps.onRequest?.(model.id);
    if (this.deps.offered?.() === false) {
      throw vscode.LanguageModelError.NoPermissions('The user does not offer their Azure OpenAI deployments to other extensions (azureOpenAIChat.offerModelsToOtherExtensions).');
    }
    const tools = toToolDefinitions(options.tools);
    const request: ModelRequest = {
      messages: toModelMessages(messages),
      ...(tools ? { tools, toolChoice: options.toolMode === vscode.LanguageModelChatToolMode.Required ? 'required' : 'auto' } : {}),
      ...numberOption(options.modelOptions, 'temperature', 'temperature'),
      ...numberOption(options.modelOptions, 'maxOutputTokens', 'maxOutputTokens'),
      ...numberOption(options.modelOptions, 'max_tokens', 'maxOutputTokens'),
    };
    // Cancelling aborts the HTTP request (the model client closes it and ends with `stopped`).
    const controller = new AbortController();
    const cancellation = token.onCancellationRequested(() => controller.abort());
    if (token.isCancellationRequested) {
      controller.abort();
    }
    let end: ModelStreamEnd;
    try {
      end = await this.clientFor(model.target).stream(request, controller.signal, (event) => {
        switch (event.type) {
          case 'text':
            progress.report(new vscode.LanguageModelTextPart(event.text));
            break;
          case 'toolCallEnd':
            // VS Code takes a call whole, so its argument pieces are assembled by the client first.
            progress.report(new vscode.LanguageModelToolCallPart(event.call.callId, event.call.name, toolInput(event.call.name, event.call.arguments)));
            break;
          default:
          // Reasoning summaries are not answer text; usage and the call's pieces are reported whole above;
          // a wait before a retry has no place in the language model API (the caller sees only time pass).
        }
      });
    } catch (error) {
      throw toLanguageModelError(error);
    } finally {
      cancellation.dispose();
    }
    switch (end.kind) {
      case 'contentFiltered':
        throw toLanguageModelError(
          new AnswerError({ title: "Azure's content filter withheld the rest of the answer.", detail: 'What arrived is kept. Rephrase the request and send it again.', actions: [] }, 'blocked'),
        );
      case 'truncated':
        throw new Error('The connection closed in the middle of the answer. What arrived is kept; send the request again.');
      case 'stopped':
      case 'finished':
        return;
    }
  }

  async provideTokenCount(model: AzureChatModel, text: string | vscode.LanguageModelChatRequestMessage, _token: vscode.CancellationToken): Promise<number> {
    if (typeof text === 'string') {
      return this.deps.countTokens(text, model.family);
    }
    let total = 0;
    for (const message of toModelMessages([text])) {
      const calls = message.role === 'assistant' ? (message.toolCalls ?? []).map((call) => `${call.name}${call.arguments}`).join('') : '';
      const images = message.role === 'user' ? (message.images?.length ?? 0) : 0;
      total += messageOverheadTokens + images * imageTokens + (await this.deps.countTokens(`${message.content}${calls}`, model.family));
    }
    return total;
  }

  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) {
      subscription.dispose();
    }
    this.changes.dispose();
  }

  /**
   * One client per deployment, so learned model profiles persist. Each target is resolved on its
   * own, named explicitly (the configured one or a discovered one), never "whichever
   * conversation is open": its own key if one was stored for that resource, a token only where
   * the token host policy allows.
   */
  private clientFor(target: DeploymentTarget): DeploymentModelClient {
    const key = targetKey(target);
    let client = this.clients.get(key);
    if (!client) {
      const connectionTarget = { endpoint: target.endpoint, deployment: target.deployment };
      client = this.deps.createModelClient(() => this.deps.connection.current(connectionTarget));
      this.clients.set(key, client);
    }
    return client;
  }

  private async discovered(): Promise<readonly DeploymentTarget[]> {
    if (!this.deps.listDeployments) {
      return [];
    }
    try {
      return await this.deps.listDeployments();
    } catch (error) {
      this.deps.log.warn(`Language models: discovered deployments unavailable: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }
}

/** Every chat message costs a few tokens of framing besides its text (3 for the gpt-4o family). */
const messageOverheadTokens = 3;
/** What a 1024 x 1024 image costs a gpt-4o-family model at detail "auto" (85 + 4 tiles x 170). */
const imageTokens = 765;

function toolInput(name: string, argumentsText: string): object {
  try {
    return parseToolInput(argumentsText);
  } catch {
    throw new Error(`The model called the tool "${name}" with arguments that are not JSON; ask again.`);
  }
}

function numberOption<K extends 'temperature' | 'maxOutputTokens'>(
  options: { readonly [name: string]: unknown } | undefined,
  name: string,
  key: K,
): Partial<Record<K, number>> {
  const value = options?.[name];
  return typeof value === 'number' && Number.isFinite(value) ? ({ [key]: value } as Partial<Record<K, number>>) : {};
}
