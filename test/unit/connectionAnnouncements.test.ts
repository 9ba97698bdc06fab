/**
 * The connection is re-checked on every use while it is failing (the user may have fixed the
 * cause). Views listen for its changes and use it again (the model state, the language model
 * list); if every identical re-check were announced, that would loop in microtasks and starve
 * the extension host: the header stayed on "checking" and settings writes never finished.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CredentialResolver } from '../../src/auth/credentialResolver';
import { ConnectionManager } from '../../src/connection/connectionManager';

test('a failing connection is announced once, however often listeners use it again', async () => {
  const manager = new ConnectionManager({
    // No endpoint: misconfigured, so the resolver is never reached.
    readSettings: () => ({ endpoint: '', deployment: 'gpt-4o' }),
    resolver: {} as CredentialResolver,
    secrets: { get: async () => undefined },
  });
  let announced = 0;
  manager.onDidChange(() => {
    announced++;
    // A listener that reads the connection, as the chat's model state does; bounded here so the
    // old behaviour fails the test instead of hanging it.
    if (announced < 50) {
      void manager.current();
    }
  });
  const result = await manager.current();
  assert.equal(result.ok, false);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(announced, 1, `the same failure was announced ${announced} times`);
});
