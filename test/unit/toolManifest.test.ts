// The extension's own tools and their settings are defined once in code and contributed in
// package.json: the two must agree, or VS Code's chat would see other tools than ours.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { settingsSection, toolResultRange, ToolSettingKey, toolSettingDefaults, toolStepRange } from '../../src/config/settingKeys';
import { applyReplacements, lineRange, workspaceToolDefinitions } from '../../src/chat/workspaceToolDefinitions';
import { localized } from './manifestFiles';

interface Manifest {
  contributes: {
    languageModelTools: Array<{ name: string; displayName: string; modelDescription: string; inputSchema: unknown }>;
    configuration: { properties: Record<string, { default?: unknown; minimum?: number; maximum?: number; scope?: string }> };
  };
}
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Manifest;

describe('tools in package.json', () => {
  test('every tool is contributed with the name, description and schema the chat offers', () => {
    // The name people see is localized (package.nls.json); the model's description is not.
    const contributed = manifest.contributes.languageModelTools.map(({ name, displayName, modelDescription, inputSchema }) => ({ name, displayName: localized(displayName), modelDescription, inputSchema }));
    const defined = workspaceToolDefinitions.map(({ name, displayName, description, parameters }) => ({ name, displayName, modelDescription: description, inputSchema: parameters }));
    assert.deepEqual(contributed, defined);
  });

  test('tool settings: defaults, ranges, and application scope (a workspace cannot loosen them)', () => {
    for (const key of Object.values(ToolSettingKey)) {
      const property = manifest.contributes.configuration.properties[`${settingsSection}.${key}`];
      assert.deepEqual(property?.default, toolSettingDefaults[key], key);
      assert.equal(property?.scope, 'application', key);
    }
    const property = (key: ToolSettingKey) => manifest.contributes.configuration.properties[`${settingsSection}.${key}`];
    assert.deepEqual([property(ToolSettingKey.maxSteps)?.minimum, property(ToolSettingKey.maxSteps)?.maximum], [toolStepRange.min, toolStepRange.max]);
    assert.deepEqual([property(ToolSettingKey.maxResultCharacters)?.minimum, property(ToolSettingKey.maxResultCharacters)?.maximum], [toolResultRange.min, toolResultRange.max]);
  });
});

describe('edit and read helpers', () => {
  test('an edit replaces text that occurs exactly once, or is refused with what to do', () => {
    assert.equal(applyReplacements('a = 1;\nb = 2;\n', [{ oldText: 'b = 2;', newText: 'b = 3;' }]), 'a = 1;\nb = 3;\n');
    assert.throws(() => applyReplacements('x x', [{ oldText: 'x', newText: 'y' }]), /more than once/);
    assert.throws(() => applyReplacements('x', [{ oldText: 'z', newText: 'y' }]), /not found/);
    assert.throws(() => applyReplacements('x', [{ oldText: '', newText: 'y' }]), /empty/);
  });

  test('a range of lines comes numbered', () => {
    assert.equal(lineRange('a\nb\nc\nd', 2, 3), '2: b\n3: c');
    assert.equal(lineRange('a\nb', undefined, undefined), '1: a\n2: b');
    assert.equal(lineRange('a\nb', 5, 9), '2: b');
  });
});
