import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { validateSettings } from '../../src/config/connectionSettings';
import { restrictedInUntrustedWorkspaces, settingsSection } from '../../src/config/settingKeys';

/**
 * VS Code does not enforce a schema's minimum/maximum, and a workspace can set every setting
 * that is not application-scoped. Numbers are clamped in validation; everything a workspace may
 * set is ignored in Restricted Mode.
 */
const base = { endpoint: 'https://contoso.openai.azure.com', deployment: 'gpt-4o' };
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { scope?: string; minimum?: number; maximum?: number }> } };
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
};

describe('settings a workspace can set', () => {
  test('stallTimeoutSeconds is clamped to its documented 5–600 s (1e7 would overflow setTimeout to 1 ms)', () => {
    const stall = (value: unknown) => {
      const result = validateSettings({ ...base, stallTimeoutSeconds: value });
      assert.ok(result.ok);
      return result.settings.stallTimeoutMs;
    };
    assert.equal(stall(1e7), 600_000);
    assert.equal(stall(Number.MAX_VALUE), 600_000);
    assert.equal(stall(1), 5_000);
    assert.equal(stall(0.001), 5_000);
    assert.equal(stall(-3), 60_000);
    assert.equal(stall('30'), 60_000);
    assert.equal(stall(90), 90_000);
    const schema = manifest.contributes.configuration.properties[`${settingsSection}.stallTimeoutSeconds`];
    assert.deepEqual([schema?.minimum, schema?.maximum], [5, 600], 'the documented range is the clamped one');
  });

  test('every setting a workspace can set is ignored in Restricted Mode', () => {
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const [name, schema] of Object.entries(manifest.contributes.configuration.properties)) {
      if (schema.scope !== 'application') {
        assert.ok(restricted.includes(name), `${name} (scope ${schema.scope}) can be set by an untrusted workspace`);
      }
    }
    assert.deepEqual([...restricted].sort(), restrictedInUntrustedWorkspaces.map((key) => `${settingsSection}.${key}`).sort());
  });

  test('a huge system prompt from a workspace is refused rather than sent with every question', () => {
    const result = validateSettings({ ...base, systemPrompt: 'x'.repeat(200_000) });
    assert.ok(!result.ok);
    assert.match(result.problem.title, /system prompt is too long/);
  });
});
