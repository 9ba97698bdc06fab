import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cloudNames } from '../../src/config/cloud';
import { authModes, settingDefaults, settingsSection, SettingKey, stallTimeoutRangeSeconds, toolSettingDefaults, ToolSettingKey } from '../../src/config/settingKeys';
import { CommandId } from '../../src/common/commands';

/**
 * Names and defaults that exist both in code and in package.json are defined once in code and
 * checked here against the manifest, both ways: a command registered but not contributed (or
 * the reverse), or a default the Settings editor shows that the code does not use, fails.
 */
interface Manifest {
  contributes: {
    commands: Array<{ command: string }>;
    configuration: { properties: Record<string, { default?: unknown; minimum?: number; maximum?: number; enum?: unknown[] }> };
  };
}
const root = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;

describe('defined once, checked against package.json', () => {
  test('every command id in code is contributed, and every contributed command is in code', () => {
    assert.deepEqual([...new Set(manifest.contributes.commands.map((entry) => entry.command))].sort(), Object.values(CommandId).sort());
  });

  test('no command id is spelled out anywhere in src but src/common/commands.ts', () => {
    const pattern = `['"](${Object.values(CommandId).map((id) => id.replace(/\./g, '\\.')).join('|')})['"]`;
    let hits: string[];
    try {
      hits = execFileSync('git', ['grep', '-n', '-E', pattern, '--', 'src'], { cwd: root, encoding: 'utf8' }).trim().split('\n');
    } catch {
      hits = []; // git grep exits 1 when nothing matches
    }
    assert.deepEqual(hits.filter((line) => !line.startsWith('src/common/commands.ts:')), []);
  });

  test('each setting\'s default in code is the one the manifest declares', () => {
    for (const key of Object.values(SettingKey)) {
      assert.deepEqual(manifest.contributes.configuration.properties[`${settingsSection}.${key}`]?.default, settingDefaults[key], key);
    }
    for (const key of Object.values(ToolSettingKey)) {
      assert.deepEqual(manifest.contributes.configuration.properties[`${settingsSection}.${key}`]?.default, toolSettingDefaults[key], key);
    }
  });

  test('enumerations and ranges match', () => {
    const property = (key: SettingKey) => manifest.contributes.configuration.properties[`${settingsSection}.${key}`];
    assert.deepEqual(property(SettingKey.auth)?.enum, [...authModes]);
    assert.deepEqual(property(SettingKey.cloud)?.enum, [...cloudNames]);
    assert.equal(property(SettingKey.stallTimeoutSeconds)?.minimum, stallTimeoutRangeSeconds.min);
    assert.equal(property(SettingKey.stallTimeoutSeconds)?.maximum, stallTimeoutRangeSeconds.max);
  });
});
