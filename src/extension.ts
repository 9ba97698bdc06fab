import * as vscode from 'vscode';
import { VscodeMicrosoftSession } from './vscode/microsoftSession';
import { createChatCore } from './chatCore';
import { CommandId } from './common/commands';
import { onUnexpectedListenerError } from './common/events';
import { onDidChangeSettings, readRawSettings } from './vscode/settings';
import { SecretStore } from './vscode/secretStore';
import { registerConnectionCommands } from './vscode/connectionCommands';
import { createVscodeScopeConsent } from './vscode/scopeConsentPrompt';
import { registerConversations } from './conversations/registerConversations';
import { registerDiagnostics } from './vscode/diagnostics';
import { registerDeploymentDiscovery } from './vscode/discovery';
import { countTokensWithChatTokenizer, registerLanguageModels } from './languageModels/registerLanguageModels';
import { globalStateMemory } from './vscode/deploymentMemory';
import { type AzureOpenAIChatApi, createTestApi, WebviewReadiness } from './testApi';
import { ChatPanelManager } from './webviewHost/chatPanel';
import { chatViewId, ChatViewProvider } from './webviewHost/chatViewProvider';
import type { WebviewSurface } from './webviewHost/chatWebviewBinding';
import { confirmAndOpenLink } from './webviewHost/linkOpener';
import { WalkthroughContext } from './vscode/walkthroughContext';
import { globalStateLedgerStore, readUserSetting, registerSpend } from './vscode/spend';
import { SettingKey } from './config/settingKeys';
import { sameModelOffers } from './discovery/deploymentOffers';
import { sameEndpoint } from './discovery/discoveryCache';
import { registerTools } from './tools/registerTools';

export type { AzureOpenAIChatApi } from './testApi';

/** Composes the features and registers them; each feature's logic lives in its own module. */
export function activate(context: vscode.ExtensionContext): AzureOpenAIChatApi | undefined {
  const log = vscode.window.createOutputChannel('Azure OpenAI Chat', { log: true });
  // A listener that throws is logged; the others still run.
  context.subscriptions.push(onUnexpectedListenerError((error) => log.error(`A listener failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)));
  const secrets = new SecretStore(context.secrets);
  const microsoft = new VscodeMicrosoftSession();
  // Late-bound: discovery needs the core's token source, the core asks discovery about models.
  const late: { discovery?: ReturnType<typeof registerDeploymentDiscovery> } = {};
  const core = createChatCore({
    microsoft,
    secrets,
    readSettings: readRawSettings,
    log,
    env: process.env,
    scopeConsent: createVscodeScopeConsent(context.globalState),
    memory: globalStateMemory(context.globalState),
    modelHint: (endpoint, deployment) => late.discovery?.modelHint(endpoint, deployment),
    describeTenant: (tenantId) => late.discovery?.describeTenant(tenantId),
    // Spend (issue 21): the usage ledger across reloads, the user's prices, same-model offers after a 429.
    usageStore: globalStateLedgerStore(context.globalState),
    readPrices: () => readUserSetting(SettingKey.prices),
    alternatives: (endpoint, deployment, model) => sameModelOffers(late.discovery?.cache.known() ?? [], endpoint, deployment, model),
  });
  const { connections } = core;
  // Tools (issue 20): our own tools, VS Code's registered ones picked per conversation, approvals.
  const tools = registerTools(context, async () => (await conversations.active()).session);
  const conversations = registerConversations(context, { source: core.source, log, showPanel: () => panels.show(), tools: tools.host });
  const activeTarget = async () => (await conversations.active()).session.deployment;
  const discovery = (late.discovery = registerDeploymentDiscovery({ context, microsoft, tokens: core.tokens, log, conversation: async () => (await conversations.active()).session }));
  const knownDeployments = () => discovery.cache.known();
  const spend = registerSpend(context, {
    log,
    ledger: core.spend.ledger,
    clientFor: core.clientFor,
    connection: (target) => connections.current(target),
    isKnownDeployment: (target) => knownDeployments().some((found) => found.deployment === target.deployment && sameEndpoint(found.endpoint, target.endpoint)),
    deployments: () => {
      const settings = readRawSettings();
      const configured = typeof settings.endpoint === 'string' && typeof settings.deployment === 'string' ? [{ endpoint: settings.endpoint, deployment: settings.deployment }] : [];
      return [...configured, ...knownDeployments().map((found) => ({ endpoint: found.endpoint, deployment: found.deployment }))];
    },
  });
  registerDiagnostics({ context, secrets, log, readSettings: readRawSettings, connection: (target) => connections.current(target), activeTarget, discovered: knownDeployments });
  const fixes = registerConnectionCommands(context, { microsoft, secrets, connection: connections, log, activeTarget });
  context.subscriptions.push(
    log,
    connections,
    onDidChangeSettings(() => {
      void core.settingsChanged();
      connections.invalidate();
    }),
    secrets.onDidChange(() => connections.invalidate()),
    microsoft.onDidChangeSessions(() => connections.invalidate()),
  );

  // The walkthrough's steps tick as the user does them (package.json, contributes.walkthroughs).
  const walkthrough = new WalkthroughContext((command, key, value) => vscode.commands.executeCommand(command, key, value));
  context.subscriptions.push(connections.onDidChange(({ view }) => view.state === 'ready' && walkthrough.set('signedIn')));

  const readiness = new WebviewReadiness();
  const bind = (surface: WebviewSurface) =>
    conversations.bind(surface, {
      onDidStartFixElsewhere: fixes.onDidStartFixElsewhere,
      connection: (target) => connections.view(target),
      onDidChangeConnection: connections.onDidChange,
      runFix: fixes.runFix,
      openLink: (url) => void confirmAndOpenLink(url),
      onDidBecomeReady: (kind) => readiness.ready(kind),
      onDidAsk: () => walkthrough.set('asked'),
      models: core.models,
      log,
      pickDeployment: (session) => void discovery.pickForConversation(session),
      spend: spend.binding,
    });
  const panels = new ChatPanelManager(context.extensionUri, bind);
  context.subscriptions.push(
    panels,
    vscode.window.registerWebviewViewProvider(chatViewId, new ChatViewProvider(context.extensionUri, bind)),
    vscode.commands.registerCommand(CommandId.openChat, () => panels.show()),
    // The deployments as VS Code language models: each named target on its own connection.
    registerLanguageModels({
      connection: connections,
      createModelClient: core.createClient,
      countTokens: countTokensWithChatTokenizer,
      listDeployments: async () => knownDeployments(),
      signIn: async () => void (await vscode.commands.executeCommand(CommandId.signIn)),
      log,
      ...spend.languageModels,
      onRequest: (modelId: string) => {
        spend.languageModels.onRequest(modelId);
        walkthrough.set('languageModelUsed');
      },
    }),
  );

  return createTestApi(
    context,
    {
      send: (text) => conversations.send(text),
      stop: async () => (await conversations.active()).session.stop(),
      whenIdle: async () => (await conversations.active()).session.whenIdle(),
      messages: () => conversations.messages(),
      connection: async () => connections.view(await activeTarget()),
      conversations: () => conversations.list(),
      openConversation: (id) => conversations.open(id),
    },
    readiness,
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
