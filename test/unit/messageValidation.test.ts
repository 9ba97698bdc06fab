import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseWebviewMessage } from '../../src/webviewHost/messageValidation';

describe('messages from the webview', () => {
  test('well-formed messages of every type are accepted as they are', () => {
    const valid = [
      { type: 'ready' },
      { type: 'ping' },
      { type: 'send', text: 'hello' },
      { type: 'stop' },
      { type: 'retry', messageId: '0f8fad5b-d9cb-469f-a165-70867728950e' },
      { type: 'newChat' },
      { type: 'fix', action: 'openSettings' },
      { type: 'openLink', url: 'https://learn.microsoft.com/azure' },
    ];
    for (const message of valid) {
      assert.deepEqual(parseWebviewMessage(message), message);
    }
  });

  test('unknown types, extra fields, wrong types and oversized input are dropped', () => {
    const invalid: unknown[] = [
      null,
      'send',
      [],
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'fix', action: 'workbench.action.openSettings' },
      { type: 'send', text: 42 },
      { type: 'send', text: '   ' },
      { type: 'send', text: 'x'.repeat(100_001) },
      { type: 'send', text: 'hi', command: 'extra' },
      { type: 'retry', messageId: '../../etc/passwd' },
      { type: 'ready', __proto__: { polluted: true }, extra: 1 },
    ];
    for (const message of invalid) {
      assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message));
    }
  });

  test('only http and https links can be asked to open', () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'command:workbench.action.terminal.new', 'vscode://ms-vscode.x', 'data:text/html,x', 'https://user:pw@example.com']) {
      assert.equal(parseWebviewMessage({ type: 'openLink', url }), undefined, url);
    }
  });

  test('deployment discovery: the header picker and the Select Deployment and Diagnose fixes', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'pickDeployment' }), { type: 'pickDeployment' });
    assert.deepEqual(parseWebviewMessage({ type: 'fix', action: 'diagnose' }), { type: 'fix', action: 'diagnose' });
    assert.deepEqual(parseWebviewMessage({ type: 'fix', action: 'selectDeployment' }), { type: 'fix', action: 'selectDeployment' });
    assert.equal(parseWebviewMessage({ type: 'pickDeployment', endpoint: 'https://attacker.example' }), undefined);
  });
});
