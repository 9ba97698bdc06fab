import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { languageModelVendor, manageLanguageModelsCommand } from '../../src/languageModels/languageModelIds';
import { localized } from './manifestFiles';

interface Manifest {
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    languageModelChatProviders?: Array<{ vendor: string; displayName: string; managementCommand?: string }>;
  };
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Manifest;

describe('package.json: the language model provider', () => {
  test('contributes the vendor the code registers, with a display name', () => {
    const providers = manifest.contributes.languageModelChatProviders ?? [];
    assert.deepEqual(providers.map((p) => p.vendor), [languageModelVendor]);
    assert.equal(localized(providers[0]?.displayName), 'Azure OpenAI');
  });

  test('its management command is a contributed palette command', () => {
    const [provider] = manifest.contributes.languageModelChatProviders ?? [];
    assert.equal(provider?.managementCommand, manageLanguageModelsCommand);
    const command = manifest.contributes.commands.find((c) => c.command === manageLanguageModelsCommand);
    assert.equal(localized(command?.category), 'Azure OpenAI');
  });
});
