import * as vscode from 'vscode';
import type { ChatMessageView, ConnectionView } from './common/protocol';
import { toDisposable } from './common/dispose';
import { CredentialResolver } from './auth/credentialResolver';
import { SecretStore } from './auth/secretCommands';
import { VscodeMicrosoftSession } from './auth/vscodeMicrosoftSession';
import type { AnswerSource } from './chat/answerSource';
import { ChatSession } from './chat/chatSession';
import { ConversationJournal } from './chat/conversationJournal';
import { SecretName } from './config/settingKeys';
import { onDidChangeSettings, readRawSettings } from './config/vscodeSettings';
import { ConnectionManager } from './connection/connectionManager';
import { createFixRunner, signIn } from './connection/fixActions';
import { ChatPanelManager } from './webviewHost/chatPanel';
import { chatViewId, ChatViewProvider } from './webviewHost/chatViewProvider';
import { ChatWebviewBinding, type WebviewSurface } from './webviewHost/chatWebviewBinding';
import { confirmAndOpenLink } from './webviewHost/linkOpener';
import { createModelFeature } from './models/modelFeature';
import { countTokensWithChatTokenizer, registerLanguageModels } from './languageModels/registerLanguageModels';

/** What activate() returns: enough for tests and automation to drive and observe the chat. */
export interface AzureOpenAIChatApi {
  send(text: string): Promise<boolean>;
  stop(): Promise<void>;
  whenIdle(): Promise<void>;
  messages(): Promise<readonly ChatMessageView[]>;
  connection(): Promise<ConnectionView>;
}

export function activate(context: vscode.ExtensionContext): AzureOpenAIChatApi {
  const log = vscode.window.createOutputChannel('Azure OpenAI Chat', { log: true });
  context.subscriptions.push(log);

  const secrets = new SecretStore(context.secrets);
  const microsoft = new VscodeMicrosoftSession();
  const resolver = new CredentialResolver({ microsoft, secrets, log, env: process.env });
  const connection = new ConnectionManager({ readSettings: readRawSettings, resolver, secrets });
  context.subscriptions.push(
    connection,
    onDidChangeSettings(() => connection.invalidate()),
    secrets.onDidChange(() => connection.invalidate()),
    microsoft.onDidChangeSessions(() => connection.invalidate()),
  );

  const { source, models, createClient } = createModelFeature({ globalState: context.globalState, connection, log });
  // The saved conversation is read in the background so activation stays fast.
  const session = openSession(context, source, log);

  const fixDeps = { microsoft, secrets, connection, log };
  const runFix = createFixRunner(fixDeps);
  const bind = async (surface: WebviewSurface) =>
    new ChatWebviewBinding(surface, {
      session: await session,
      connection: () => connection.view(),
      onDidChangeConnection: (listener) => connection.onDidChange(listener),
      runFix: (action) => void runFix(action),
      openLink: (url) => void confirmAndOpenLink(url),
      models,
      log,
    });

  const panels = new ChatPanelManager(context.extensionUri, bind);
  context.subscriptions.push(
    panels,
    vscode.window.registerWebviewViewProvider(chatViewId, new ChatViewProvider(context.extensionUri, bind)),
    vscode.commands.registerCommand('azureOpenAIChat.openChat', () => panels.show()),
    vscode.commands.registerCommand('azureOpenAIChat.newChat', async () => (await session).clear()),
    vscode.commands.registerCommand('azureOpenAIChat.signIn', () => signIn(fixDeps)),
    vscode.commands.registerCommand('azureOpenAIChat.setApiKey', () => secrets.promptAndStore(SecretName.apiKey)),
    vscode.commands.registerCommand('azureOpenAIChat.clearApiKey', () => secrets.clear(SecretName.apiKey)),
    vscode.commands.registerCommand('azureOpenAIChat.setSubscriptionKey', () => secrets.promptAndStore(SecretName.apimSubscriptionKey)),
    vscode.commands.registerCommand('azureOpenAIChat.clearSubscriptionKey', () => secrets.clear(SecretName.apimSubscriptionKey)),
    vscode.commands.registerCommand('azureOpenAIChat.showLog', () => log.show()),
  );

  // The deployments as VS Code language models, on the chat's connection and model client.
  context.subscriptions.push(
    registerLanguageModels({ connection, createModelClient: createClient, countTokens: countTokensWithChatTokenizer, signIn: () => signIn(fixDeps), log }),
  );

  return {
    send: async (text) => (await session).send(text),
    stop: async () => (await session).stop(),
    whenIdle: async () => (await session).whenIdle(),
    messages: async () => (await session).snapshot(),
    connection: () => connection.view(),
  };
}

async function openSession(context: vscode.ExtensionContext, source: AnswerSource, log: vscode.LogOutputChannel): Promise<ChatSession> {
  const folder = context.storageUri ?? context.globalStorageUri;
  try {
    const { journal, messages } = await ConversationJournal.open(vscode.Uri.joinPath(folder, 'conversation.jsonl').fsPath, log);
    const session = new ChatSession(source, messages);
    session.onDidChange((event) => journal.record(event));
    context.subscriptions.push(session, toDisposable(() => void journal.close()));
    log.info(`Restored ${messages.length} chat messages`);
    return session;
  } catch (error) {
    // Chatting matters more than saving: go on without a journal and say so.
    log.error(`Conversations will not be saved: ${error instanceof Error ? error.message : String(error)}`);
    const session = new ChatSession(source);
    context.subscriptions.push(session);
    return session;
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
