import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { createExtensionContext, createVscodeShim, ExtensionMode } from '../support/vscodeShim';

/**
 * activate()'s return value is what every other installed extension gets from
 * `vscode.extensions.getExtension(...).exports`. The test API (send, messages, connection) reads
 * the conversation and spends the user's quota, so it exists only when VS Code runs the
 * extension's tests. Checked on the real bundle, dist/extension.js, with an inert vscode.
 */
const root = path.join(__dirname, '..', '..', '..');

function loadBundle(): { activate(context: unknown): unknown } {
  const shimPath = path.join(__dirname, 'vscode.shim.virtual.js');
  const shimModule = new Module(shimPath);
  shimModule.filename = shimPath;
  shimModule.loaded = true;
  shimModule.exports = createVscodeShim(new Set());
  require.cache[shimPath] = shimModule;
  const internals = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
  const resolve = internals._resolveFilename;
  internals._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? shimPath : resolve.call(this, request, ...rest);
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is CommonJS, loaded with the shim in place
  return require(path.join(root, 'dist', 'extension.js')) as { activate(context: unknown): unknown };
}

describe('the test API', () => {
  const extension = loadBundle();

  for (const mode of [ExtensionMode.Production, ExtensionMode.Development] as const) {
    test(`is not handed to other extensions in ${mode === ExtensionMode.Production ? 'Production' : 'Development'} mode`, async () => {
      const context = createExtensionContext(root, await mkdtemp(path.join(tmpdir(), 'api-')), new Set(), mode);
      assert.equal(extension.activate(context), undefined);
    });
  }

  test('is returned when VS Code runs the extension\'s tests, with a readiness signal that is not log text', async () => {
    const context = createExtensionContext(root, await mkdtemp(path.join(tmpdir(), 'api-')), new Set(), ExtensionMode.Test);
    const api = extension.activate(context) as Record<string, unknown> | undefined;
    assert.ok(api);
    for (const name of ['send', 'stop', 'whenIdle', 'messages', 'connection', 'readyWebviews']) {
      assert.equal(typeof api[name], 'function', name);
    }
    assert.deepEqual((api.readyWebviews as () => unknown)(), { sidebar: 0, panel: 0 });
  });
});
