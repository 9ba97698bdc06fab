// What the in-host tests share: the extension's API, user settings changed and put back, an API
// key stored through the real command, the extension's log, and polling with a deadline.
//
// Two facts about VS Code these helpers rest on (measured in 1.139, see docs/testing.md):
// - `require('vscode')` returns one API object per extension, chosen by the folder of the file
//   that requires it. These test files live inside the extension's folder, so they get the very
//   object dist/extension.js uses, and replacing `vscode.window.showInputBox` on it answers the
//   extension's own prompt. (The real input box does open in tests, unlike dialogs, but nothing
//   in the extension host can type into it: the `type` command only reaches a code editor.)
// - A setting written with `update()` is visible through `inspect()` in the same extension-host
//   turn that fires onDidChangeConfiguration, so once a test sees its value, the extension has
//   already been told and its connection is being resolved again.
import * as assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import * as vscode from 'vscode';
import type { ChatMessageView, ConnectionView } from '../../src/common/protocol';
import { settingsSection, type SettingKey } from '../../src/config/settingKeys';
import type { AzureOpenAIChatApi } from '../../src/extension';

export const EXTENSION_ID = 'azure-openai-chat.azure-openai-chat';

/** The test API, which activate() returns only in ExtensionMode.Test (as the harness runs it). */
export async function chatApi(): Promise<AzureOpenAIChatApi> {
  const extension = vscode.extensions.getExtension<AzureOpenAIChatApi | undefined>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  const api = await extension.activate();
  assert.ok(api, 'activate() returned no test API: is the extension running in ExtensionMode.Test?');
  return api;
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something other than undefined; fails with `what` after the deadline. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await delay(everyMs);
  }
}

/** The connection once it satisfies `check` (the last one seen is in the error otherwise). */
export async function connectionWhere(api: AzureOpenAIChatApi, what: string, check: (view: ConnectionView) => boolean, timeoutMs = 8000): Promise<ConnectionView> {
  let last: ConnectionView | undefined;
  try {
    return await waitFor(what, async () => {
      last = await api.connection();
      return check(last) ? last : undefined;
    }, timeoutMs, 50);
  } catch (error) {
    throw new Error(`${(error as Error).message}; last connection: ${JSON.stringify(last)}`);
  }
}

export async function lastMessage(api: AzureOpenAIChatApi): Promise<ChatMessageView> {
  const messages = await api.messages();
  const last = messages.at(-1);
  assert.ok(last, 'the conversation is empty');
  return last;
}

function configuration(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(settingsSection);
}

/**
 * Changes the extension's settings at one target and puts back what was there before. User
 * (Global) settings by default: the harness wrote the stand-in's endpoint there.
 */
export class SettingsChanges {
  private readonly saved = new Map<SettingKey, unknown>();

  constructor(private readonly target: vscode.ConfigurationTarget = vscode.ConfigurationTarget.Global) {}

  async set(values: Partial<Record<SettingKey, unknown>>): Promise<void> {
    for (const [key, value] of Object.entries(values) as Array<[SettingKey, unknown]>) {
      if (!this.saved.has(key)) {
        this.saved.set(key, this.valueAtTarget(key));
      }
      await configuration().update(key, value, this.target);
    }
    await this.visible(values);
  }

  async restore(): Promise<void> {
    const values = Object.fromEntries(this.saved) as Partial<Record<SettingKey, unknown>>;
    this.saved.clear();
    for (const [key, value] of Object.entries(values)) {
      await configuration().update(key, value, this.target);
    }
    await this.visible(values);
  }

  private valueAtTarget(key: SettingKey): unknown {
    const inspected = configuration().inspect(key);
    switch (this.target) {
      case vscode.ConfigurationTarget.Global:
        return inspected?.globalValue;
      case vscode.ConfigurationTarget.Workspace:
        return inspected?.workspaceValue;
      case vscode.ConfigurationTarget.WorkspaceFolder:
        return inspected?.workspaceFolderValue;
    }
  }

  private async visible(values: Partial<Record<SettingKey, unknown>>): Promise<void> {
    await waitFor(`settings ${JSON.stringify(values)} to reach the extension host`, () =>
      Object.entries(values).every(([key, value]) => isDeepStrictEqual(this.valueAtTarget(key as SettingKey), value)) ? true : undefined,
    );
  }
}

/**
 * Runs "Azure OpenAI: Set API Key" with its input box answered by `key`, as a user pasting it
 * would; the extension stores it in its SecretStorage. Checks that the prompt is a password box.
 */
export async function storeApiKeyThroughCommand(key: string): Promise<void> {
  const window = vscode.window as { showInputBox: typeof vscode.window.showInputBox };
  const original = window.showInputBox;
  let prompted: vscode.InputBoxOptions | undefined;
  window.showInputBox = async (options?: vscode.InputBoxOptions) => {
    prompted = options;
    return (await options?.validateInput?.(key)) ? undefined : key;
  };
  try {
    const stored = await vscode.commands.executeCommand<boolean>('azureOpenAIChat.setApiKey');
    assert.ok(prompted, 'the command did not prompt through vscode.window.showInputBox');
    assert.equal(prompted.password, true, 'the API key prompt must hide what is typed');
    assert.equal(stored, true, 'the command did not store the key');
  } finally {
    window.showInputBox = original;
  }
}

/**
 * The extension's log channel as VS Code shows it: "Azure OpenAI: Show Log" opens it, and its
 * text is then a document with the `output` scheme that follows the channel.
 */
export async function extensionLog(): Promise<{ text(): string }> {
  await vscode.commands.executeCommand('azureOpenAIChat.showLog');
  const find = () => vscode.workspace.textDocuments.find((doc) => doc.uri.scheme === 'output' && doc.uri.path.includes(EXTENSION_ID));
  const document = await waitFor('the extension log channel to open', find, 5000, 50);
  return { text: () => (find() ?? document).getText() };
}

/** What the stand-in Microsoft sign-in (test/fixtures/ms-auth-standin) reports. */
export interface MsAuthStats {
  readonly mode: 'signedIn' | 'signedOut';
  readonly getSessions: number;
  readonly createSession: number;
  readonly sessionsIssued: number;
  readonly sessions: ReadonlyArray<{ readonly id: string; readonly scopes: readonly string[]; readonly account: string }>;
}

export async function msAuthStats(): Promise<MsAuthStats> {
  const stats = await vscode.commands.executeCommand<MsAuthStats | undefined>('msAuthStandIn.stats');
  assert.ok(stats, 'the stand-in Microsoft sign-in is not running');
  return stats;
}

/**
 * No Microsoft session was minted and no managed identity token asked for with anything of
 * `host` in its scope, tenant or resource. The stand-in provider mints a session for whatever
 * VS Code asks while it is signed in, so sign it in first for this to mean something.
 */
export function assertNoTokenFor(host: string, stats: MsAuthStats, managedIdentity: ReadonlyArray<{ readonly query: Record<string, string> }>): void {
  const scopes = stats.sessions.flatMap((s) => s.scopes);
  assert.ok(!scopes.some((s) => s.includes(host)), `a Microsoft session was minted for ${JSON.stringify(scopes)}`);
  const queries = managedIdentity.map((r) => JSON.stringify(r.query));
  assert.ok(!queries.some((q) => q.includes(host)), `managed identity was asked for ${queries.join(', ')}`);
}
