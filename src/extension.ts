import * as vscode from 'vscode';
import { CredentialResolver } from './auth/credentialResolver';
import { SecretStore } from './config/vscodeSecrets';
import { VscodeMicrosoftSession } from './auth/vscodeMicrosoftSession';
import { SecretName } from './config/settingKeys';
import { onDidChangeSettings, readRawSettings } from './config/vscodeSettings';
import { ConnectionManager } from './connection/connectionManager';
import { registerConversations } from './conversations/registerConversations';
import { createFixRunner, signIn } from './connection/fixActions';
import { createVscodeScopeConsent } from './connection/scopeConsentPrompt';
import { ChatPanelManager } from './webviewHost/chatPanel';
import { chatViewId, ChatViewProvider } from './webviewHost/chatViewProvider';
import type { WebviewSurface } from './webviewHost/chatWebviewBinding';
import { confirmAndOpenLink } from './webviewHost/linkOpener';
import { type AzureOpenAIChatApi, createTestApi, WebviewReadiness } from './testApi';
import { ConversationDeployment } from './chat/deploymentChoice';
import { registerDeploymentDiscovery } from './discovery/vscodeDiscovery';
import { registerDiagnostics } from './diagnostics/vscodeDiagnostics';
import { createModelFeature } from './models/modelFeature';
import { countTokensWithChatTokenizer, registerLanguageModels } from './languageModels/registerLanguageModels';
import type { FixAction } from './common/protocol';

export type { AzureOpenAIChatApi } from './testApi';

export function activate(context: vscode.ExtensionContext): AzureOpenAIChatApi | undefined {
  const log = vscode.window.createOutputChannel('Azure OpenAI Chat', { log: true });
  context.subscriptions.push(log);

  const secrets = new SecretStore(context.secrets);
  const microsoft = new VscodeMicrosoftSession();
  const resolver = new CredentialResolver({ microsoft, secrets, log, env: process.env, scopeConsent: createVscodeScopeConsent(context.globalState) });
  // Deployment discovery (issue 11): the deployment of the conversation in use overlays the settings.
  const conversationDeployment = new ConversationDeployment();
  const readSettings = () => conversationDeployment.apply(readRawSettings());
  const discovery = registerDeploymentDiscovery({ context, microsoft, log, conversation: async () => (await conversations.active()).session });
  const connection = new ConnectionManager({ readSettings, resolver, secrets, log, describeTenant: (id) => discovery.describeTenant(id) });
  registerDiagnostics({ context, microsoft, secrets, log, readSettings, discovered: () => discovery.cache.known() });
  context.subscriptions.push(
    connection,
    onDidChangeSettings(() => connection.invalidate()),
    secrets.onDidChange(() => connection.invalidate()),
    microsoft.onDidChangeSessions(() => connection.invalidate()),
  );

  const { source, models, createClient } = createModelFeature({ globalState: context.globalState, connection, log, modelHint: discovery.modelHint });
  const readiness = new WebviewReadiness();
  const fixDeps = { microsoft, secrets, connection, log };
  const runFix = createFixRunner(fixDeps);
  // Saved conversations are read in the background so activation stays fast.
  const conversations = registerConversations(context, { source, log, showPanel: () => panels.show() });
  // The connection follows the deployment of the conversation in use, and re-resolves when it changes.
  let following = conversationDeployment.follow({ deployment: undefined, onDidChange: () => ({ dispose: () => undefined }) }, () => undefined);
  const followActive = async () => {
    const { session } = await conversations.active();
    following.dispose();
    const before = conversationDeployment.current;
    following = conversationDeployment.follow(session, () => connection.invalidate());
    if (before && !conversationDeployment.current) {
      connection.invalidate();
    }
  };
  context.subscriptions.push(conversations.onDidChangeActive(() => void followActive()), { dispose: () => following.dispose() });
  void followActive();
  // Sign in, Set API Key and Set Subscription Key run from the palette: a waiting question whose
  // card asked for that fix is answered once it works, as with the card's button.
  const fixesFromPalette = new vscode.EventEmitter<FixAction>();
  context.subscriptions.push(fixesFromPalette);
  // Announced first, then run as before: the key commands resolve to whether a key was stored.
  const fromPalette =
    <T>(action: 'signIn' | 'setApiKey' | 'setSubscriptionKey', run: () => T) =>
    (): T => {
      fixesFromPalette.fire(action);
      return run();
    };
  const bind = (surface: WebviewSurface) =>
    conversations.bind(surface, {
      onDidStartFixElsewhere: (listener) => fixesFromPalette.event(listener),
      connection: () => connection.view(),
      onDidChangeConnection: (listener) => connection.onDidChange(listener),
      runFix: (action) => void runFix(action),
      openLink: (url) => void confirmAndOpenLink(url),
      onDidBecomeReady: (kind) => readiness.ready(kind),
      models,
      log,
      pickDeployment: (session) => void discovery.pickForConversation(session),
    });

  const panels = new ChatPanelManager(context.extensionUri, bind);
  context.subscriptions.push(
    panels,
    vscode.window.registerWebviewViewProvider(chatViewId, new ChatViewProvider(context.extensionUri, bind)),
    vscode.commands.registerCommand('azureOpenAIChat.openChat', () => panels.show()),
    vscode.commands.registerCommand('azureOpenAIChat.signIn', fromPalette('signIn', () => signIn(fixDeps))),
    vscode.commands.registerCommand('azureOpenAIChat.setApiKey', fromPalette('setApiKey', () => secrets.promptAndStore(SecretName.apiKey))),
    vscode.commands.registerCommand('azureOpenAIChat.clearApiKey', () => secrets.clear(SecretName.apiKey)),
    vscode.commands.registerCommand('azureOpenAIChat.setSubscriptionKey', fromPalette('setSubscriptionKey', () => secrets.promptAndStore(SecretName.apimSubscriptionKey))),
    vscode.commands.registerCommand('azureOpenAIChat.clearSubscriptionKey', () => secrets.clear(SecretName.apimSubscriptionKey)),
    vscode.commands.registerCommand('azureOpenAIChat.showLog', () => log.show()),
  );

  // The deployments as VS Code language models, on the chat's connection and model client.
  context.subscriptions.push(
    registerLanguageModels({
      connection,
      createModelClient: createClient,
      countTokens: countTokensWithChatTokenizer,
      listDeployments: async () => discovery.cache.known(),
      signIn: () => signIn(fixDeps),
      log,
    }),
  );

  return createTestApi(context, {
    send: (text) => conversations.send(text),
    stop: async () => (await conversations.active()).session.stop(),
    whenIdle: async () => (await conversations.active()).session.whenIdle(),
    messages: () => conversations.messages(),
    connection: () => connection.view(),
    conversations: () => conversations.list(),
    openConversation: (id) => conversations.open(id),
  }, readiness);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
