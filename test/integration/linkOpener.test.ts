// A link from an answer opens exactly the address the user confirmed. vscode.Uri.parse decodes
// percent-escapes and toString() encodes again, so a Uri can name a different resource than the
// string in the dialog (`a%2Fb` becomes `a/b`). VS Code's openExternal keeps a string as it is
// when it round-trips (MainThreadWindow.$openUri), so the string itself must be handed over.
//
// The extension's own module is loaded here: its `require('vscode')` is the extension's API
// object, whose showWarningMessage and openExternal this test answers and records.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { confirmAndOpenLink } from '../../src/webviewHost/linkOpener';

suite('Opening links from answers', () => {
  const window = vscode.window as { showWarningMessage: (...args: unknown[]) => Thenable<unknown> };
  const env = vscode.env as { openExternal: (target: unknown) => Thenable<boolean> };
  const originals = { showWarningMessage: window.showWarningMessage, openExternal: env.openExternal };
  let shown: string[] = [];
  let opened: unknown[] = [];

  setup(() => {
    shown = [];
    opened = [];
    window.showWarningMessage = async (_message: unknown, options: unknown, ...items: unknown[]) => {
      shown.push(String((options as { detail?: unknown }).detail));
      return items[0];
    };
    env.openExternal = async (target: unknown) => {
      opened.push(target);
      return true;
    };
  });

  teardown(() => {
    window.showWarningMessage = originals.showWarningMessage;
    env.openExternal = originals.openExternal;
  });

  for (const url of [
    'https://example.com/docs/a%2Fb?q=%41%42&next=%2F%2Fevil.example#part%20two',
    'https://example.com/search?q=[1]&x=a+b',
    'https://example.com/%E2%80%AEgnp.exe',
  ]) {
    test(`opens exactly the confirmed ${url}`, async () => {
      await confirmAndOpenLink(url);
      assert.deepEqual(shown, [url], 'the dialog did not show the full address');
      assert.equal(opened.length, 1);
      assert.equal(String(opened[0]), url, 'what is opened differs from what the user confirmed');
    });
  }

  test('refused schemes are neither shown nor opened', async () => {
    for (const url of ['javascript:alert(1)', 'command:workbench.action.openSettings', 'https://user:pw@example.com/']) {
      await confirmAndOpenLink(url);
    }
    assert.deepEqual([shown, opened], [[], []]);
  });
});
