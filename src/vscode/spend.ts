/**
 * Spend (issue 21), the VS Code side: the usage ledger kept in globalState, the spend settings
 * (application-scoped, read from user settings only), what each chat view shows (SpendBinding),
 * and the "Show Usage" command with the other extensions' requests. Thin: the sums, prices and
 * budget rules are src/chat/usageLedger.ts.
 */
import * as vscode from 'vscode';
import type { ChatSession } from '../chat/chatSession';
import {
  budgetFor,
  conversationTotals,
  estimateQuestionCost,
  type LedgerStore,
  parseBudgets,
  parsePriceTable,
  priceFor,
  type UsageLedger,
} from '../chat/usageLedger';
import type { AzureModelClient } from '../azure/modelClient';
import type { UsageTotalsView } from '../common/protocol';
import { settingsSection, SettingKey, settingDefaults } from '../config/settingKeys';
import type { ConnectionTarget } from '../config/connectionTarget';
import type { ConnectionResult } from '../connection/connectionManager';
import type { SpendBinding } from '../webviewHost/chatWebviewBinding';
import { CommandId } from '../common/commands';
import { Emitter } from '../common/events';
import { ProviderRequests } from '../languageModels/providerRequests';

const ledgerKey = 'azureOpenAIChat.usageLedger';

export function globalStateLedgerStore(state: vscode.Memento): LedgerStore {
  return { get: () => state.get(ledgerKey), set: (value) => state.update(ledgerKey, value) };
}

/** An application-scoped setting, from user settings or its default only. */
export function readUserSetting(key: SettingKey): unknown {
  const inspected = vscode.workspace.getConfiguration(settingsSection).inspect(key);
  return inspected?.globalValue ?? settingDefaults[key];
}

export function currency(): string {
  const value = readUserSetting(SettingKey.currency);
  return typeof value === 'string' && /^[A-Za-z]{1,8}$/.test(value.trim()) ? value.trim().toUpperCase() : 'USD';
}

export interface SpendDeps {
  readonly ledger: UsageLedger;
  readonly clientFor: (target: ConnectionTarget | undefined) => AzureModelClient;
  readonly connection: (target: ConnectionTarget | undefined) => Promise<ConnectionResult>;
  /** Only deployments discovery found may be switched to from a 429 card. */
  readonly isKnownDeployment: (target: ConnectionTarget) => boolean;
  /** Other extensions' requests through the language model provider (counted there, failed ones too). */
  readonly providerRequests: () => { readonly today: number; readonly last?: { readonly model: string; readonly at: number } };
}

export function createSpendBinding(deps: SpendDeps): SpendBinding {
  const resolve = async (session: ChatSession) => {
    const result = await deps.connection(session.deployment);
    if (!result.ok) {
      return undefined;
    }
    const { endpoint, deployment } = result.connection.settings;
    const info = await deps.clientFor(session.deployment).deploymentInfo();
    const price = priceFor(parsePriceTable(readUserSetting(SettingKey.prices)), info?.profile.model, deployment);
    const budget = budgetFor(parseBudgets(readUserSetting(SettingKey.dailyBudget)), deployment);
    return { endpoint, deployment, price, budget, systemPrompt: result.connection.settings.systemPrompt };
  };
  return {
    async view(session) {
      const target = await resolve(session);
      const others = deps.ledger.allToday('otherExtensions');
      return {
        type: 'spend',
        spend: {
          conversation: conversationTotals(session.messages),
          currency: currency(),
          ...(target ? { deployment: target.deployment, today: deps.ledger.deploymentToday(target.endpoint, target.deployment) } : {}),
          ...(target?.budget !== undefined && target.price ? { budget: target.budget } : {}),
          ...(others.answers > 0 ? { otherExtensionsToday: others } : {}),
          ...(session.quota ? { quota: session.quota } : {}),
        },
      };
    },
    async budgetWarning(session, text) {
      const target = await resolve(session);
      if (!target?.price || target.budget === undefined) {
        return undefined;
      }
      const spent = deps.ledger.deploymentToday(target.endpoint, target.deployment).cost ?? 0;
      const estimate = estimateQuestionCost(target.price, session.messages, text, target.systemPrompt);
      return spent + estimate > target.budget ? { type: 'budgetWarning', text, spent, budget: target.budget, estimate, currency: currency() } : undefined;
    },
    switchDeployment(session, target) {
      // The webview names the target: only one discovery found is taken.
      if (deps.isKnownDeployment(target)) {
        session.setDeployment({ endpoint: target.endpoint, deployment: target.deployment });
      }
    },
    onDidChange: (listener) => deps.ledger.onDidChange(listener),
  };
}

/** "Show Usage": today's totals per deployment and what is known of other extensions' requests. */
export async function showUsage(deps: SpendDeps, deployments: readonly ConnectionTarget[]): Promise<void> {
  const money = currency();
  const describe = (totals: UsageTotalsView) =>
    `${totals.answers} answers · ${totals.inputTokens.toLocaleString('en-US')} in (${totals.cachedInputTokens.toLocaleString('en-US')} cached) · ${totals.outputTokens.toLocaleString('en-US')} out${
      totals.cost !== undefined ? ` · ≈ ${money} ${totals.cost.toFixed(4)}` : ''
    }`;
  const items: vscode.QuickPickItem[] = [];
  for (const target of deployments) {
    const chat = deps.ledger.deploymentToday(target.endpoint, target.deployment, 'chat');
    const others = deps.ledger.deploymentToday(target.endpoint, target.deployment, 'otherExtensions');
    if (chat.answers + others.answers === 0) {
      continue;
    }
    items.push({ label: target.deployment, description: vscode.l10n.t('today'), detail: vscode.l10n.t('This chat: {0}. Other extensions: {1}.', describe(chat), describe(others)) });
  }
  const requests = deps.providerRequests();
  const offered = readUserSetting(SettingKey.offerModelsToOtherExtensions) !== false;
  items.push({
    label: offered ? vscode.l10n.t('$(unlock) Deployments offered to other extensions') : vscode.l10n.t('$(lock) Deployments not offered to other extensions'),
    description: vscode.l10n.t('{0} requests today', requests.today),
    detail: requests.last
      ? vscode.l10n.t(
          'Last: {0} at {1}. VS Code does not say which extension sent a request; any installed extension can use the language model API.',
          requests.last.model,
          new Date(requests.last.at).toLocaleTimeString(),
        )
      : vscode.l10n.t('VS Code does not say which extension sends a request; any installed extension can use the language model API.'),
  });
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Azure OpenAI usage today'), placeHolder: vscode.l10n.t('Pick the last line to turn offering to other extensions on or off') });
  if (picked === items.at(-1)) {
    await toggleOfferModels();
  }
}

export async function toggleOfferModels(): Promise<void> {
  const offered = readUserSetting(SettingKey.offerModelsToOtherExtensions) !== false;
  await vscode.workspace.getConfiguration(settingsSection).update(SettingKey.offerModelsToOtherExtensions, !offered, vscode.ConfigurationTarget.Global);
  void vscode.window.showInformationMessage(
    offered
      ? vscode.l10n.t('Your Azure OpenAI deployments are no longer offered to other extensions.')
      : vscode.l10n.t('Your Azure OpenAI deployments are offered to other extensions again; any installed extension can send requests with your sign-in or key.'),
  );
}

export interface RegisterSpendDeps extends Omit<SpendDeps, 'providerRequests'> {
  readonly log: vscode.LogOutputChannel;
  /** The deployments "Show Usage" lists: the settings' and every discovered one. */
  readonly deployments: () => readonly ConnectionTarget[];
}

/**
 * Registers the spend commands and the status bar item that says whether the deployments are
 * offered to other extensions and how many requests they sent today. Returns the chat views'
 * SpendBinding and what the language model provider needs.
 */
export function registerSpend(context: vscode.ExtensionContext, deps: RegisterSpendDeps) {
  const requests = new ProviderRequests();
  const spendDeps: SpendDeps = { ...deps, providerRequests: () => requests.snapshot() };
  const offered = () => readUserSetting(SettingKey.offerModelsToOtherExtensions) !== false;
  const status = vscode.window.createStatusBarItem('azureOpenAIChat.offeredModels', vscode.StatusBarAlignment.Right, 90);
  status.name = vscode.l10n.t('Azure OpenAI: deployments offered to other extensions');
  status.command = CommandId.showUsage;
  const update = () => {
    const { today } = requests.snapshot();
    status.text = offered() ? `$(unlock) Azure OpenAI ${today}` : '$(lock) Azure OpenAI';
    status.tooltip = offered()
      ? vscode.l10n.t('Your Azure OpenAI deployments are offered to other extensions: {0} requests today (VS Code does not say which extension sent them). Click for usage and to turn this off.', today)
      : vscode.l10n.t('Your Azure OpenAI deployments are not offered to other extensions. Click for usage and to turn this on.');
    status.show();
  };
  update();
  const offeredChanged = new Emitter<void>();
  // Prices or budgets changed: every view's spend line is shown again.
  const viewsChanged = new Emitter<void>();
  context.subscriptions.push(
    requests,
    status,
    offeredChanged,
    viewsChanged,
    requests.onDidChange(update),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${settingsSection}.${SettingKey.offerModelsToOtherExtensions}`)) {
        update();
        offeredChanged.fire();
        deps.log.info(`Deployments ${offered() ? 'are' : 'are no longer'} offered to other extensions`);
      }
      if (event.affectsConfiguration(`${settingsSection}.${SettingKey.prices}`) || event.affectsConfiguration(`${settingsSection}.${SettingKey.dailyBudget}`)) {
        const prices = Object.keys(parsePriceTable(readUserSetting(SettingKey.prices))).length;
        const budgets = Object.keys(parseBudgets(readUserSetting(SettingKey.dailyBudget))).length;
        deps.log.info(`Spend settings changed: prices for ${prices} model(s), daily budgets for ${budgets} deployment(s)`);
        viewsChanged.fire();
      }
    }),
    vscode.commands.registerCommand(CommandId.showUsage, () => showUsage(spendDeps, deps.deployments())),
    vscode.commands.registerCommand(CommandId.toggleOfferModels, () => toggleOfferModels()),
  );
  return {
    binding: { ...createSpendBinding(spendDeps), onDidChange: (listener: () => void) => combine(deps.ledger.onDidChange(listener), viewsChanged.event(listener)) },
    languageModels: {
      offered,
      onDidChangeOffered: offeredChanged.event,
      onRequest: (modelId: string) => requests.record(modelId),
    },
  };
}

function combine(...disposables: vscode.Disposable[]): vscode.Disposable {
  return { dispose: () => disposables.forEach((disposable) => disposable.dispose()) };
}
