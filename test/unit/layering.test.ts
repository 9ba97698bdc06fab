import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';

/**
 * The layering rules of DEVELOPERS.md, enforced by ESLint so they cannot quietly be broken
 * again: pure folders never import `vscode`, the webview imports only src/common, and src never
 * imports tests or the benchmark. Each rule is proven to fire on a file that breaks it.
 */
const root = path.join(__dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

async function layeringErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((message) => /no-restricted-imports/.test(message.ruleId ?? '')).map((message) => message.message);
}

describe('layering is enforced by lint', () => {
  for (const file of [
    'src/azure/newModule.ts',
    'src/chat/newModule.ts',
    'src/auth/newModule.ts',
    'src/common/newModule.ts',
    'src/config/connectionSettings.ts',
    'src/config/settingKeys.ts',
    'src/logging/redact.ts',
    'src/connection/connectionManager.ts',
  ]) {
    test(`${file} may not import vscode`, async () => {
      assert.notDeepEqual(await layeringErrors(file, "import * as vscode from 'vscode';\nexport const x = vscode;\n"), []);
      assert.notDeepEqual(await layeringErrors(file, "import type { Uri } from 'vscode';\nexport type X = Uri;\n"), []);
    });
  }

  test('the thin VS Code modules may', async () => {
    for (const file of ['src/auth/vscodeMicrosoftSession.ts', 'src/config/vscodeSecrets.ts', 'src/webviewHost/linkOpener.ts', 'src/extension.ts']) {
      assert.deepEqual(await layeringErrors(file, "import * as vscode from 'vscode';\nexport const x = vscode;\n"), [], file);
    }
  });

  test('the webview imports from src/common only', async () => {
    assert.deepEqual(await layeringErrors('webview/newModule.ts', "import type { FixAction } from '../src/common/protocol';\nexport type X = FixAction;\n"), []);
    assert.notDeepEqual(await layeringErrors('webview/newModule.ts', "import { validateSettings } from '../src/config/connectionSettings';\nexport const x = validateSettings;\n"), []);
    assert.notDeepEqual(await layeringErrors('webview/newModule.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n"), []);
    assert.notDeepEqual(await layeringErrors('webview/newModule.ts', "import { x } from '../test/support/thing';\nexport const y = x;\n"), []);
  });

  test('src never imports tests or the benchmark', async () => {
    assert.notDeepEqual(await layeringErrors('src/chat/newModule.ts', "import { x } from '../../test/standin/thing';\nexport const y = x;\n"), []);
    assert.notDeepEqual(await layeringErrors('src/webviewHost/newModule.ts', "import { x } from '../../bench/thing';\nexport const y = x;\n"), []);
  });

  test('the tree as it is passes', async () => {
    const results = await eslint.lintFiles(['src', 'webview']);
    const broken = results.flatMap((result) => result.messages.filter((m) => /no-restricted-imports/.test(m.ruleId ?? '')).map((m) => `${path.relative(root, result.filePath)}: ${m.message}`));
    assert.deepEqual(broken, []);
  });
});
