/**
 * Select Deployment, Refresh Deployments and Select Tenant: the VS Code side of discovery
 * (quick picks, progress, sign-in prompts, writing user settings). Everything that talks to
 * Resource Manager is in the pure modules beside this one.
 */
import * as vscode from 'vscode';
import { describeCapacity, describeSku } from '../discovery/deploymentOffers';
import type { TokenSource } from '../auth/tokenSource';
import type { VscodeMicrosoftSession } from './microsoftSession';
import type { DeploymentChoice } from '../chat/deploymentChoice';
import { normalizeEndpoint } from '../config/connectionSettings';
import { settingsSection, SettingKey } from '../config/settingKeys';
import { readRawSettings } from './settings';
import { ArmClient, ArmError } from '../discovery/armClient';
import { DiscoveryCache, type ModelHint } from '../discovery/discoveryCache';
import { type DiscoveredDeployment, type DiscoveryResult, discoverDeployments, listTenants } from '../discovery/deploymentDiscovery';
import { findManagementToken, managementScopes, type ManagementTarget, managementTargetFrom, type ManagementToken } from '../discovery/managementCredential';
import { CommandId } from '../common/commands';

export interface DeploymentDiscoveryDeps {
  readonly context: vscode.ExtensionContext;
  readonly microsoft: VscodeMicrosoftSession;
  /** The one token source (the chat's): a Resource Manager token is found the same way. */
  readonly tokens: TokenSource;
  readonly log: vscode.LogOutputChannel;
  /** The conversation the header picker switches (today's single ChatSession). */
  readonly conversation: () => Promise<SwitchableConversation>;
}

export interface SwitchableConversation {
  readonly deployment: DeploymentChoice | undefined;
  setDeployment(choice: DeploymentChoice | undefined): void;
}

export interface DeploymentDiscovery {
  readonly cache: DiscoveryCache;
  /** The model name of a discovered deployment, for model-aware requests. */
  readonly modelHint: ModelHint;
  /** The header's picker: switches the conversation of the view it was clicked in (else the current one). */
  pickForConversation(conversation?: SwitchableConversation): Promise<void>;
  /** The display name of a tenant chosen with Select Tenant, for the header. */
  describeTenant(tenantId: string): string | undefined;
}

const tenantNamesKey = 'azureOpenAIChat.tenantNames';

type DeploymentItem = vscode.QuickPickItem & { readonly deployment?: DiscoveredDeployment; readonly manual?: true };

export function registerDeploymentDiscovery(deps: DeploymentDiscoveryDeps): DeploymentDiscovery {
  const { context, microsoft, log } = deps;
  const credential = { find: (target: ManagementTarget) => findManagementToken(deps.tokens, target) };
  let reportProgress: (message: string) => void = () => undefined;

  const cache = new DiscoveryCache(async (target) => {
    const token = await credential.find(target);
    if (!token) {
      throw new ArmError(401, 'SignInRequired', vscode.l10n.t('Sign in with Microsoft to list your deployments.'));
    }
    const started = Date.now();
    const result = await discoverDeployments(armClientFor(target, token, (ms) => reportProgress(vscode.l10n.t('Resource Manager asked to wait {0} s…', Math.ceil(ms / 1000)))), {
      onProgress: (message) => reportProgress(message),
    });
    const refused = result.subscriptions.filter((entry) => entry.status !== 'listed');
    log.info(
      `Discovered ${result.deployments.length} deployments in ${result.subscriptions.length} subscriptions (${refused.length} not readable) in ${Date.now() - started} ms, credential ${token.source}`,
    );
    for (const entry of refused) {
      log.warn(`Subscription ${entry.name} (${entry.subscriptionId}): ${'message' in entry ? entry.message : ''}`);
    }
    return result;
  });

  /** A token for Resource Manager, asking the user to sign in when neither VS Code nor the chain has one. */
  async function signedIn(target: ManagementTarget): Promise<ManagementToken | undefined> {
    const found = await credential.find(target);
    if (found) {
      return found;
    }
    const signIn = vscode.l10n.t('Sign in with Microsoft');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('Sign in to list the Azure OpenAI deployments your account can use.'),
      { detail: vscode.l10n.t('VS Code\'s Microsoft account is tried first, then Azure CLI and other Azure sign-ins on this machine.') },
      signIn,
    );
    if (choice !== signIn) {
      return undefined;
    }
    try {
      await microsoft.signIn(managementScopes(target), target.cloud.authProvider);
    } catch (error) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Microsoft sign-in did not complete: {0}', error instanceof Error ? error.message : String(error)));
      return undefined;
    }
    return credential.find(target);
  }

  function currentTarget(): ManagementTarget | undefined {
    const target = managementTargetFrom(readRawSettings());
    if (!target.ok) {
      void vscode.window.showErrorMessage(target.error);
      return undefined;
    }
    return target.target;
  }

  async function choose(options: { refresh?: boolean }): Promise<DiscoveredDeployment | 'manual' | undefined> {
    const target = currentTarget();
    if (!target || !(await signedIn(target))) {
      return undefined;
    }
    let refresh = options.refresh ?? false;
    for (;;) {
      const picked = await showDeploymentPick(target, refresh);
      if (picked !== 'refresh') {
        return picked;
      }
      refresh = true;
    }
  }

  async function showDeploymentPick(target: ManagementTarget, refresh: boolean): Promise<DiscoveredDeployment | 'manual' | 'refresh' | undefined> {
    const pick = vscode.window.createQuickPick<DeploymentItem>();
    const refreshButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('refresh'), tooltip: vscode.l10n.t('Refresh') };
    pick.title = vscode.l10n.t('Select Deployment');
    pick.placeholder = vscode.l10n.t('Listing your Azure OpenAI deployments…');
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    pick.buttons = [refreshButton];
    pick.busy = true;
    pick.items = [manualItem()];
    reportProgress = (message) => {
      pick.placeholder = message;
    };
    const answer = new Promise<DiscoveredDeployment | 'manual' | 'refresh' | undefined>((resolve) => {
      pick.onDidTriggerButton(() => {
        resolve('refresh');
        pick.hide();
      });
      pick.onDidAccept(() => {
        const item = pick.selectedItems[0];
        if (item?.deployment || item?.manual) {
          resolve(item.deployment ?? 'manual');
          pick.hide();
        }
      });
      pick.onDidHide(() => resolve(undefined));
    });
    pick.show();
    try {
      const result = await cache.get(target, { refresh });
      pick.items = deploymentItems(result);
      pick.placeholder = result.deployments.length
        ? vscode.l10n.t('Pick the deployment to chat with (type to filter by name, model or resource)')
        : vscode.l10n.t('No deployments were found; you can still enter the names by hand');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.warn(`Deployment discovery failed: ${message}`);
      pick.items = [{ label: `$(error) ${vscode.l10n.t('Could not list deployments')}`, detail: message, alwaysShow: true }, manualItem()];
      pick.placeholder = vscode.l10n.t('Listing failed; refresh to try again or enter the names by hand');
    } finally {
      pick.busy = false;
      reportProgress = () => undefined;
    }
    const result = await answer;
    pick.dispose();
    return result;
  }

  async function enterByHand(): Promise<DeploymentChoice | undefined> {
    const configuration = vscode.workspace.getConfiguration(settingsSection);
    const endpoint = await vscode.window.showInputBox({
      title: vscode.l10n.t('Azure OpenAI endpoint'),
      prompt: vscode.l10n.t('The resource URL from "Keys and Endpoint" in the Azure portal.'),
      value: configuration.get<string>(SettingKey.endpoint) ?? '',
      placeHolder: 'https://my-resource.openai.azure.com',
      ignoreFocusOut: true,
      validateInput: (text) => {
        const normalized = normalizeEndpoint(text.trim());
        return 'error' in normalized ? normalized.error : undefined;
      },
    });
    if (!endpoint) {
      return undefined;
    }
    const deployment = await vscode.window.showInputBox({
      title: vscode.l10n.t('Deployment name'),
      prompt: vscode.l10n.t('The name under "Deployments" of that resource, for example gpt-4o.'),
      value: configuration.get<string>(SettingKey.deployment) ?? '',
      ignoreFocusOut: true,
      validateInput: (text) => (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(text.trim()) ? undefined : vscode.l10n.t('Letters, digits, ".", "_" and "-" only.')),
    });
    if (!deployment) {
      return undefined;
    }
    const normalized = normalizeEndpoint(endpoint.trim());
    return 'endpoint' in normalized ? { endpoint: normalized.endpoint, deployment: deployment.trim() } : undefined;
  }

  async function resolveChoice(options: { refresh?: boolean }): Promise<DeploymentChoice | undefined> {
    const picked = await choose(options);
    if (picked === 'manual') {
      return enterByHand();
    }
    return picked ? { endpoint: picked.endpoint, deployment: picked.deployment } : undefined;
  }

  async function writeUserSettings(choice: DeploymentChoice): Promise<void> {
    const configuration = vscode.workspace.getConfiguration(settingsSection);
    await configuration.update(SettingKey.endpoint, choice.endpoint, vscode.ConfigurationTarget.Global);
    await configuration.update(SettingKey.deployment, choice.deployment, vscode.ConfigurationTarget.Global);
    log.info(`Selected deployment ${choice.deployment} on ${choice.endpoint}`);
  }

  /** Palette: the choice becomes the default (user settings), and the current conversation follows it. */
  async function selectDeployment(options: { refresh?: boolean } = {}): Promise<void> {
    const choice = await resolveChoice(options);
    if (!choice) {
      return;
    }
    await writeUserSettings(choice);
    const conversation = await deps.conversation();
    if (conversation.deployment) {
      conversation.setDeployment(undefined);
    }
  }

  /** Header: only this conversation switches; the default changes only when there was none. */
  async function pickForConversation(conversation?: SwitchableConversation): Promise<void> {
    const choice = await resolveChoice({});
    if (!choice) {
      return;
    }
    const configured = vscode.workspace.getConfiguration(settingsSection).inspect<string>(SettingKey.endpoint)?.globalValue;
    if (!configured) {
      await writeUserSettings(choice);
    }
    (conversation ?? (await deps.conversation())).setDeployment(choice);
    log.info(`This conversation now uses ${choice.deployment} on ${choice.endpoint}`);
  }

  async function selectTenant(): Promise<void> {
    const target = currentTarget();
    const token = target && (await signedIn(target));
    if (!target || !token) {
      return;
    }
    let tenants;
    try {
      tenants = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Listing your tenants…') },
        () => listTenants(armClientFor(target, token)),
      );
    } catch (error) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not list your tenants: {0}', error instanceof Error ? error.message : String(error)));
      return;
    }
    const items = tenants.map((tenant) => ({
      label: tenant.displayName,
      description: [tenant.defaultDomain, tenant.isHome ? vscode.l10n.t('home tenant') : ''].filter(Boolean).join(' · '),
      detail: tenant.tenantId,
      picked: tenant.tenantId === target.tenantId,
      tenant,
    }));
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Select Tenant'), placeHolder: vscode.l10n.t('Sign in to which tenant?') });
    if (!picked) {
      return;
    }
    const names = { ...context.globalState.get<Record<string, string>>(tenantNamesKey, {}), [picked.tenant.tenantId]: picked.tenant.displayName };
    await context.globalState.update(tenantNamesKey, names);
    // The home tenant is the default: clearing the setting keeps the header quiet about it.
    const tenantId = picked.tenant.isHome ? undefined : picked.tenant.tenantId;
    await vscode.workspace.getConfiguration(settingsSection).update(SettingKey.tenantId, tenantId, vscode.ConfigurationTarget.Global);
    log.info(`Tenant set to ${picked.tenant.displayName} (${picked.tenant.tenantId})`);
    await signedIn({ cloud: target.cloud, tenantId });
  }

  context.subscriptions.push(
    vscode.commands.registerCommand(CommandId.selectDeployment, () => selectDeployment()),
    vscode.commands.registerCommand(CommandId.refreshDeployments, () => selectDeployment({ refresh: true })),
    vscode.commands.registerCommand(CommandId.selectTenant, () => selectTenant()),
  );

  return {
    cache,
    modelHint: cache.modelHint,
    pickForConversation,
    describeTenant: (tenantId) => context.globalState.get<Record<string, string>>(tenantNamesKey, {})[tenantId],
  };
}

function armClientFor(target: ManagementTarget, token: ManagementToken, onWait?: (ms: number) => void): ArmClient {
  return new ArmClient({ resourceManager: target.cloud.resourceManager, getToken: () => token.getToken(), ...(onWait ? { onWait } : {}) });
}

function manualItem(): DeploymentItem {
  return {
    label: `$(edit) ${vscode.l10n.t('Enter endpoint and deployment name…')}`,
    detail: vscode.l10n.t('For a deployment that is not listed, or one you reach through API Management.'),
    alwaysShow: true,
    manual: true,
  };
}

function deploymentItems(result: DiscoveryResult): DeploymentItem[] {
  const items: DeploymentItem[] = [];
  const bySubscription = new Map<string, DiscoveredDeployment[]>();
  for (const deployment of result.deployments) {
    bySubscription.set(deployment.subscriptionId, [...(bySubscription.get(deployment.subscriptionId) ?? []), deployment]);
  }
  for (const subscription of result.subscriptions) {
    items.push({ label: subscription.name, kind: vscode.QuickPickItemKind.Separator });
    if (subscription.status !== 'listed') {
      items.push({
        label: `$(warning) ${subscription.status === 'forbidden' ? vscode.l10n.t('No permission to list this subscription (403 AuthorizationFailed)') : vscode.l10n.t('Could not list this subscription')}`,
        detail: subscription.message,
        alwaysShow: true,
      });
      continue;
    }
    for (const deployment of bySubscription.get(subscription.subscriptionId) ?? []) {
      // Resource Manager says what a deployment is for; an embeddings model cannot chat.
      const uses = Object.entries(deployment.capabilities).filter(([, value]) => value === 'true').map(([name]) => name);
      const notChat = uses.length > 0 && !uses.includes('chatCompletion') ? ` (${vscode.l10n.t('{0}, not chat', uses.join(', '))})` : '';
      items.push({
        label: deployment.deployment,
        description: [deployment.model, deployment.modelVersion].filter(Boolean).join(' ') + notChat,
        detail: [
          deployment.accountName,
          describeSku(deployment.sku),
          deployment.capacity !== undefined ? vscode.l10n.t('capacity {0}', describeCapacity(deployment.sku, deployment.capacity)) : '',
          deployment.location,
        ]
          .filter(Boolean)
          .join(' · '),
        deployment,
      });
    }
  }
  if (result.deployments.length === 0) {
    items.push({
      label: `$(info) ${vscode.l10n.t('No Azure OpenAI deployments are visible to this account')}`,
      detail: vscode.l10n.t(
        'Listing needs a Resource Manager read role (for example Reader, or Cognitive Services OpenAI User on the resource or its subscription). A role granted only for the data plane lets you chat but not list: enter the endpoint and deployment name below.',
      ),
      alwaysShow: true,
    });
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, manualItem());
  return items;
}
