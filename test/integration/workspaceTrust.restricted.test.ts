// Runs only in the `restricted` suite: the harness opened test/fixtures/workspaces/untrusted with
// workspace trust on, so the window is in Restricted Mode and the extension still loads (it
// declares limited support).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

suite('Restricted Mode (untrusted workspace)', () => {
  test('the window is in Restricted Mode', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  test('the extension activates in Restricted Mode', async () => {
    const extension = vscode.extensions.getExtension('azure-openai-chat.azure-openai-chat');
    assert.ok(extension, 'the extension is not loaded in Restricted Mode');
    await extension.activate();
    assert.equal(extension.isActive, true);
  });
});
