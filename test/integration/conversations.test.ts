// Conversations in a real VS Code (issue 12): New Chat keeps the old conversation, switching
// brings it back, and "Ask Azure OpenAI about Selection" sends the selection with its file name
// and language, which the stand-in records.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AzureOpenAIChatApi } from '../../src/extension';
import { chatApi, connectionWhere, waitFor } from './chatExtension';
import { standIn } from './standIn';

interface ChatRequestBody {
  messages?: Array<{ role: string; content: string }>;
}

suite('Conversations', () => {
  let api: AzureOpenAIChatApi;

  suiteSetup(async () => {
    api = await chatApi();
  });

  setup(async () => {
    await standIn.reset();
    await vscode.commands.executeCommand('azureOpenAIChat.newChat');
    await connectionWhere(api, 'a ready connection', (view) => view.state === 'ready');
  });

  teardown(async () => {
    await api.stop();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await standIn.reset();
  });

  test('New Chat keeps the old conversation; both are listed and each opens with its messages', async () => {
    const stamp = Date.now();
    assert.equal(await api.send(`Conversation one ${stamp}`), true);
    await api.whenIdle();
    await vscode.commands.executeCommand('azureOpenAIChat.newChat');
    assert.deepEqual(await api.messages(), [], 'New Chat shows an empty conversation');
    assert.equal(await api.send(`Conversation two ${stamp}`), true);
    await api.whenIdle();

    const listed = await waitFor('both conversations in the history', async () => {
      const all = await api.conversations();
      const one = all.find((c) => c.title === `Conversation one ${stamp}`);
      const two = all.find((c) => c.title === `Conversation two ${stamp}`);
      return one && two ? { one, two } : undefined;
    });
    assert.equal(await api.openConversation(listed.one.id), true);
    assert.deepEqual((await api.messages()).map((m) => m.role), ['user', 'assistant']);
    assert.equal((await api.messages())[0]?.text, `Conversation one ${stamp}`);
    assert.equal(await api.openConversation(listed.two.id), true);
    assert.equal((await api.messages())[0]?.text, `Conversation two ${stamp}`);
  });

  test('Ask about Selection sends the selected text with its file name and language', async function () {
    // The chat view's first load is slow on a busy machine.
    this.timeout(60_000);
    const document = await vscode.workspace.openTextDocument({ language: 'python', content: 'def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n' });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 0, 1, 16);
    await vscode.commands.executeCommand('azureOpenAIChat.askAboutSelection');
    // The chat view opens with the selection as a chip; the question goes with it.
    assert.equal(await api.send('What does this do?'), true);
    await api.whenIdle();
    const [request] = await standIn.requests({ count: 1 });
    assert.ok(request);
    const last = ((request.body as ChatRequestBody).messages ?? []).at(-1);
    assert.equal(last?.role, 'user');
    assert.match(last?.content ?? '', /^Selection from "Untitled-\d+:1-2" \(python\):\n```python\ndef add\(a, b\):\n    return a \+ b\n```\n\nWhat does this do\?$/);
    const question = (await api.messages())[0];
    assert.equal(question?.attachments?.[0]?.kind, 'selection');
    // An unsaved editor left open makes closing it ask to save (a dialog tests may not show),
    // and VS Code then holds later settings writes: throw the scratch text away instead.
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
