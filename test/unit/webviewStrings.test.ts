/**
 * The host's translatable table of webview strings (src/webviewHost/webviewStrings.ts) says, for
 * every key, exactly the English the webview shows by default (src/common/webviewStrings.ts): a
 * translator translates what the user would have seen. Read from the source, as the l10n export
 * tool reads it, since the module itself needs vscode.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { englishWebviewStrings } from '../../src/common/webviewStrings';
import { repoRoot } from '../harness/paths';

test('every webview string is passed to vscode.l10n.t with its English text, once', () => {
  const source = readFileSync(path.join(repoRoot, 'src', 'webviewHost', 'webviewStrings.ts'), 'utf8');
  const entries = [...source.matchAll(/^\s*(\w+): vscode\.l10n\.t\(('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\),$/gm)].map(
    ([, key, literal]) => [key, (literal ?? '').slice(1, -1).replace(/\\(.)/g, '$1')] as const,
  );
  assert.deepEqual(Object.fromEntries(entries), englishWebviewStrings);
  assert.equal(entries.length, Object.keys(englishWebviewStrings).length, 'a key is listed twice');
});
