/**
 * Runs in a fresh node process (startup.ts spawns it): times `require` of an empty module as
 * the baseline, then `require` of the production dist/extension.js and its `activate()`, with
 * `vscode` resolved to the inert shim. Prints one JSON line. A fresh process per sample, so
 * nothing the benchmark already loaded makes the extension look cheaper than it is.
 *
 *   node out/bench/activationProbe.js <extension dir> <empty module> <storage dir>
 */
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createExtensionContext, createVscodeShim } from '../test/support/vscodeShim';

interface ModuleInternals {
  _resolveFilename(request: string, ...rest: unknown[]): string;
}

async function probe(): Promise<void> {
  const [extensionDir, emptyModule, storageDir] = process.argv.slice(2) as [string, string, string];
  const called = new Set<string>();
  // VS Code's extension host has loaded node's built-ins long before any extension activates,
  // so the ones the bundle names are loaded here too, outside the timed part.
  const bundle = path.join(extensionDir, 'dist', 'extension.js');
  for (const [, builtin] of readFileSync(bundle, 'utf8').matchAll(/require\("(node:[a-z/_]+)"\)/g)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading is what is timed
    require(builtin as string);
  }

  let started = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading is what is timed
  require(emptyModule);
  const emptyRequireMs = performance.now() - started;

  const shimPath = path.join(__dirname, 'vscode.shim.virtual.js');
  const shimModule = new Module(shimPath);
  shimModule.filename = shimPath;
  shimModule.loaded = true;
  shimModule.exports = createVscodeShim(called);
  require.cache[shimPath] = shimModule;
  const internals = Module as unknown as ModuleInternals;
  const resolve = internals._resolveFilename;
  internals._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? shimPath : resolve.call(this, request, ...rest);
  };

  started = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading is what is timed
  const extension = require(bundle) as { activate(context: unknown): { messages(): Promise<readonly unknown[]> } };
  const requireMs = performance.now() - started;

  const context = createExtensionContext(extensionDir, storageDir, called);
  started = performance.now();
  const api = extension.activate(context);
  const activateMs = performance.now() - started;
  // The saved conversation is read after activate returns; how long until chat could start.
  await api.messages();
  const sessionReadyMs = performance.now() - started;

  const identityLoaded = Object.keys(require.cache).some((file) => file.endsWith(`${path.sep}identity.js`) || file.includes('@azure'));
  process.stdout.write(
    `${JSON.stringify({ emptyRequireMs, requireMs, activateMs, sessionReadyMs, subscriptions: context.subscriptions.length, identityLoaded, called: [...called].sort() })}\n`,
  );
}

probe().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
