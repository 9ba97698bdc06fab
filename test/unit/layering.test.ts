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
    'src/net/newModule.ts',
    'src/discovery/newModule.ts',
    'src/diagnostics/newModule.ts',
    'src/chatCore.ts',
  ]) {
    test(`${file} may not import vscode`, async () => {
      assert.notDeepEqual(await layeringErrors(file, "import * as vscode from 'vscode';\nexport const x = vscode;\n"), []);
      assert.notDeepEqual(await layeringErrors(file, "import type { Uri } from 'vscode';\nexport type X = Uri;\n"), []);
    });
  }

  test('the thin VS Code modules may', async () => {
    for (const file of ['src/vscode/microsoftSession.ts', 'src/vscode/newModule.ts', 'src/webviewHost/linkOpener.ts', 'src/languageModels/newModule.ts', 'src/extension.ts']) {
      assert.deepEqual(await layeringErrors(file, "import * as vscode from 'vscode';\nexport const x = vscode;\n"), [], file);
    }
  });

  test('imports point down the layers, never up (a rule on folders, so a new file is covered)', async () => {
    const up: Array<[string, string]> = [
      ['src/azure/newModule.ts', "import { AnswerSource } from '../chat/answerSource';"],
      ['src/connection/newModule.ts', "import { x } from '../azure/modelClient';"],
      ['src/config/newModule.ts', "import { x } from '../auth/hostPolicy';"],
      ['src/common/newModule.ts', "import { x } from '../logging/logger';"],
      ['src/chat/newModule.ts', "import { x } from '../discovery/armClient';"],
      ['src/chat/newModule.ts', "import { x } from '../webviewHost/chatWebviewBinding';"],
      ['src/diagnostics/newModule.ts', "import { x } from '../vscode/settings';"],
      ['src/chatCore.ts', "import { x } from './vscode/settings';"],
    ];
    for (const [file, line] of up) {
      assert.notDeepEqual(await layeringErrors(file, `${line}\nexport const y = x;\n`), [], `${file}: ${line}`);
    }
    const down: Array<[string, string]> = [
      ['src/chat/newModule.ts', "import { x } from '../azure/modelClient';"],
      ['src/azure/newModule.ts', "import { x } from '../connection/connectionManager';"],
      ['src/diagnostics/newModule.ts', "import { x } from '../discovery/armClient';"],
      ['src/vscode/newModule.ts', "import { x } from '../chat/chatSession';"],
      ['src/chatCore.ts', "import { x } from './chat/chatSession';"],
    ];
    for (const [file, line] of down) {
      assert.deepEqual(await layeringErrors(file, `${line}\nexport const y = x;\n`), [], `${file}: ${line}`);
    }
  });

  test('every request goes through the one hardened fetch: the global fetch is refused elsewhere in src', async () => {
    const errors = async (file: string, source: string) => {
      const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
      return (result?.messages ?? []).filter((message) => /no-restricted-(globals|properties)/.test(message.ruleId ?? '')).map((message) => message.message);
    };
    assert.notDeepEqual(await errors('src/diagnostics/newModule.ts', "export const probe = () => fetch('https://example.test');\n"), []);
    assert.notDeepEqual(await errors('src/discovery/newModule.ts', "export const probe = () => globalThis.fetch('https://example.test');\n"), []);
    assert.notDeepEqual(await errors('src/vscode/newModule.ts', "export const probe = () => fetch('https://example.test');\n"), []);
    assert.deepEqual(await errors('src/net/hardenedFetch.ts', "export const probe = () => globalThis.fetch('https://example.test');\n"), []);
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
    const broken = results.flatMap((result) => result.messages.filter((m) => /no-restricted-(imports|globals|properties)/.test(m.ruleId ?? '')).map((m) => `${path.relative(root, result.filePath)}: ${m.message}`));
    assert.deepEqual(broken, []);
  });
});
