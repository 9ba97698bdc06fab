// The chat's webviews load in a real VS Code: the sidebar (a webview view in the activity bar's
// "Azure OpenAI" container) and the panel ("Chat with Azure OpenAI" opening its tab is checked
// in activation.test.ts; here, that its webview comes up).
//
// The extension host has no API to look into a webview, so the signal is the test API's count
// of webviews that said `ready` (activate() returns it in ExtensionMode.Test only): it grows
// when the webview's script has loaded and sent its `ready` handshake, which takes VS Code
// calling our provider or serializer, the HTML and its CSP being accepted, and dist/webview.js
// running. What the webview then renders is the E2E test's job.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AzureOpenAIChatApi } from '../../src/extension';
import { chatApi, waitFor } from './chatExtension';

suite('Chat webviews', () => {
  let api: AzureOpenAIChatApi;

  suiteSetup(async () => {
    api = await chatApi();
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

    const before = api.readyWebviews();
    // Both at once: each webview takes seconds to load here, and they load side by side.
    await vscode.commands.executeCommand('azureOpenAIChat.openChat');
    await vscode.commands.executeCommand('azureOpenAIChat.chatView.focus');
    await waitFor(
      'the chat sidebar and the chat panel to say ready',
      () => {
        const now = api.readyWebviews();
        // The panel is new (setup closed every editor); the side bar view may have been resolved
        // by an earlier suite (Ask about Selection opens it) and kept, so it said ready then.
        return now.sidebar > 0 && now.panel > before.panel ? true : undefined;
      },
      15_000,
      100,
    );
  });
});
