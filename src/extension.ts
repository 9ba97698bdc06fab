import * as vscode from 'vscode';
import type { ChatMessageView, ConnectionView } from './common/protocol';
import { CredentialResolver } from './auth/credentialResolver';
import { SecretStore } from './auth/secretCommands';
import { VscodeMicrosoftSession } from './auth/vscodeMicrosoftSession';
import { AzureAnswerSource } from './azure/azureAnswerSource';
import { SecretName } from './config/settingKeys';
import { onDidChangeSettings, readRawSettings } from './config/vscodeSettings';
import { ConnectionManager } from './connection/connectionManager';
import { registerConversations } from './conversations/registerConversations';
import { createFixRunner, signIn } from './connection/fixActions';
import { ChatPanelManager } from './webviewHost/chatPanel';
import { chatViewId, ChatViewProvider } from './webviewHost/chatViewProvider';
import type { WebviewSurface } from './webviewHost/chatWebviewBinding';
import { confirmAndOpenLink } from './webviewHost/linkOpener';

/** What activate() returns: enough for tests and automation to drive and observe the chat. */
export interface AzureOpenAIChatApi {
  send(text: string): Promise<boolean>;
  stop(): Promise<void>;
  whenIdle(): Promise<void>;
  messages(): Promise<readonly ChatMessageView[]>;
  connection(): Promise<ConnectionView>;
  /** Conversations feature: the saved history, and switching the chat used last to one. */
  conversations(): Promise<readonly { readonly id: string; readonly title: string }[]>;
  openConversation(id: string): Promise<boolean>;
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

  const source = new AzureAnswerSource({ connection: () => connection.current(), log });
  const fixDeps = { microsoft, secrets, connection, log };
  const runFix = createFixRunner(fixDeps);
  // Saved conversations are read in the background so activation stays fast.
  const conversations = registerConversations(context, { source, log, showPanel: () => panels.show() });
  const bind = (surface: WebviewSurface) =>
    conversations.bind(surface, {
      connection: () => connection.view(),
      onDidChangeConnection: (listener) => connection.onDidChange(listener),
      runFix: (action) => void runFix(action),
      openLink: (url) => void confirmAndOpenLink(url),
      log,
    });

  const panels = new ChatPanelManager(context.extensionUri, bind);
  context.subscriptions.push(
    panels,
    vscode.window.registerWebviewViewProvider(chatViewId, new ChatViewProvider(context.extensionUri, bind)),
    vscode.commands.registerCommand('azureOpenAIChat.openChat', () => panels.show()),
    vscode.commands.registerCommand('azureOpenAIChat.signIn', () => signIn(fixDeps)),
    vscode.commands.registerCommand('azureOpenAIChat.setApiKey', () => secrets.promptAndStore(SecretName.apiKey)),
    vscode.commands.registerCommand('azureOpenAIChat.clearApiKey', () => secrets.clear(SecretName.apiKey)),
    vscode.commands.registerCommand('azureOpenAIChat.setSubscriptionKey', () => secrets.promptAndStore(SecretName.apimSubscriptionKey)),
    vscode.commands.registerCommand('azureOpenAIChat.clearSubscriptionKey', () => secrets.clear(SecretName.apimSubscriptionKey)),
    vscode.commands.registerCommand('azureOpenAIChat.showLog', () => log.show()),
  );

  return {
    send: (text) => conversations.send(text),
    stop: async () => (await conversations.active()).session.stop(),
    whenIdle: async () => (await conversations.active()).session.whenIdle(),
    messages: () => conversations.messages(),
    connection: () => connection.view(),
    conversations: () => conversations.list(),
    openConversation: (id) => conversations.open(id),
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
