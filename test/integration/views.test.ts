// The chat's webviews load in a real VS Code: the sidebar (a webview view in the activity bar's
// "Azure OpenAI" container) and the panel ("Chat with Azure OpenAI" opening its tab is checked
// in activation.test.ts; here, that its webview comes up).
//
// The extension host has no API to look into a webview, so the signal is the extension's log:
// the chat binding writes "Chat sidebar ready" / "Chat panel ready" when the webview's script
// has loaded and sent its `ready` handshake, which takes VS Code calling our provider or
// serializer, the HTML and its CSP being accepted, and dist/webview.js running. What the
// webview then renders is the E2E test's job.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { chatApi, extensionLog, waitFor } from './chatExtension';

const readyLines = (log: string, surface: 'sidebar' | 'panel'): number => log.split('\n').filter((line) => line.endsWith(`[info] Chat ${surface} ready`)).length;

suite('Chat webviews', () => {
  suiteSetup(async () => {
    await chatApi();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the sidebar view and the chat panel resolve their webviews, and each says ready', async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    assert.ok(commands.has('azureOpenAIChat.chatView.focus'), 'VS Code did not register the view azureOpenAIChat.chatView');
    assert.ok(commands.has('workbench.view.extension.azureOpenAIChat'), 'VS Code did not register the view container azureOpenAIChat');

    const log = await extensionLog();
    const before = { sidebar: readyLines(log.text(), 'sidebar'), panel: readyLines(log.text(), 'panel') };
    // Both at once: each webview takes seconds to load here, and they load side by side.
    await vscode.commands.executeCommand('azureOpenAIChat.openChat');
    await vscode.commands.executeCommand('azureOpenAIChat.chatView.focus');
    // The log channel reaches its document in batches: allow for that on top of the webview load.
    await waitFor(
      '"Chat sidebar ready" and "Chat panel ready" in the extension log',
      () => (readyLines(log.text(), 'sidebar') > before.sidebar && readyLines(log.text(), 'panel') > before.panel ? true : undefined),
      15_000,
      100,
    );
  });
});
