// Smoke test in a real VS Code: the extension activates, its commands exist, and the chat opens.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'azure-openai-chat.azure-openai-chat';
const CHAT_PANEL_VIEW_TYPE = 'azureOpenAIChat.chatPanel';

suite('Activation', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the extension activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  test('every command in package.json is registered', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    const contributed = (extension.packageJSON as { contributes: { commands: Array<{ command: string }> } })
      .contributes.commands.map((c) => c.command);
    assert.ok(contributed.includes('azureOpenAIChat.openChat'));
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), []);
  });

  test('"Chat with Azure OpenAI" opens the chat panel', async () => {
    await vscode.commands.executeCommand('azureOpenAIChat.openChat');
    const tab = await until(findChatTab, vscode.window.tabGroups.onDidChangeTabs, 10_000);
    assert.ok(tab.input instanceof vscode.TabInputWebview);
    assert.ok(tab.input.viewType.endsWith(CHAT_PANEL_VIEW_TYPE), tab.input.viewType);
  });
});

function findChatTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .find((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(CHAT_PANEL_VIEW_TYPE));
}

/** Resolves with check()'s first defined value, re-checking whenever `event` fires. */
function until<T, E>(check: () => T | undefined, event: vscode.Event<E>, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const settle = (): boolean => {
      const value = check();
      if (value === undefined) {
        return false;
      }
      clearTimeout(timer);
      listener.dispose();
      resolve(value);
      return true;
    };
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`not there after ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = event(() => settle());
    settle();
  });
}
