// The chat's own tools as VS Code sees them (issue 20): registered in vscode.lm.tools for VS
// Code's chat and other extensions, and invoked through vscode.lm.invokeTool with the same
// workspace path checks the chat's loop uses. Only reading tools here: the fixture is shared.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { workspaceToolDefinitions } from '../../src/chat/workspaceToolDefinitions';
import { chatApi } from './chatExtension';

const text = (result: vscode.LanguageModelToolResult) => result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');

suite('Tools registered with VS Code', () => {
  suiteSetup(async () => {
    await chatApi();
  });

  test('every tool of ours is in vscode.lm.tools with its schema', () => {
    for (const tool of workspaceToolDefinitions) {
      const info = vscode.lm.tools.find((candidate) => candidate.name === tool.name);
      assert.ok(info, `${tool.name} is not registered`);
      assert.deepEqual(info.inputSchema, tool.parameters);
    }
  });

  test('read a file of the workspace through vscode.lm.invokeTool; a path outside is refused', async () => {
    const result = await vscode.lm.invokeTool('aoaichat_read_file', { input: { path: 'README.md', startLine: 1, endLine: 2 }, toolInvocationToken: undefined });
    assert.match(text(result), /^README\.md\n1: /);
    await assert.rejects(
      Promise.resolve(vscode.lm.invokeTool('aoaichat_read_file', { input: { path: '../../../../package.json' }, toolInvocationToken: undefined })),
      /outside the workspace folders/,
    );
  });

  test('find files and the Problems list answer as text', async () => {
    assert.match(text(await vscode.lm.invokeTool('aoaichat_find_files', { input: { pattern: '**/*.md' }, toolInvocationToken: undefined })), /README\.md/);
    assert.equal(typeof text(await vscode.lm.invokeTool('aoaichat_problems', { input: {}, toolInvocationToken: undefined })), 'string');
  });
});
