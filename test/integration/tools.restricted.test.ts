// Restricted Mode (issue 20): no tool of ours writes or runs, whoever calls it; reading still works.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

suite('Tools in Restricted Mode', () => {
  suiteSetup(async () => {
    await vscode.extensions.getExtension('azure-openai-chat.azure-openai-chat')?.activate();
  });

  test('running a command and creating a file are refused before anything is asked or done', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    await assert.rejects(
      Promise.resolve(vscode.lm.invokeTool('aoaichat_run_command', { input: { command: 'echo hi' }, toolInvocationToken: undefined })),
      /Restricted Mode/,
    );
    await assert.rejects(
      Promise.resolve(vscode.lm.invokeTool('aoaichat_create_file', { input: { path: 'x.txt', content: 'x' }, toolInvocationToken: undefined })),
      /Restricted Mode/,
    );
  });

  test('reading still works', async () => {
    const result = await vscode.lm.invokeTool('aoaichat_find_files', { input: { pattern: '**/*' }, toolInvocationToken: undefined });
    assert.ok(result.content.length > 0);
  });
});
