// Issue 22, "A guided first run": the walkthrough's steps complete on things the extension
// really does: its own commands, its settings, or the context keys src/vscode/walkthroughContext.ts
// defines. A step naming an event nothing fires would never tick.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { settingsSection, SettingKey } from '../../src/config/settingKeys';
import { walkthroughContextKeys, WalkthroughContext } from '../../src/vscode/walkthroughContext';
import { localized, readJson, repoRoot } from './manifestFiles';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { svg?: string; image?: string; markdown?: string; altText?: string };
  completionEvents?: string[];
}
interface Manifest {
  contributes: {
    commands: Array<{ command: string }>;
    configuration: { properties: Record<string, unknown> };
    walkthroughs: Array<{ id: string; title: string; description: string; steps: Step[] }>;
  };
}

const manifest = readJson<Manifest>('package.json');
const commands = new Set(manifest.contributes.commands.map((c) => c.command));
const settings = new Set(Object.keys(manifest.contributes.configuration.properties));
/** VS Code's own commands the steps' buttons run. */
const workbenchCommands = new Set(['workbench.action.openSettings', 'workbench.action.chat.manage']);
const [walkthrough] = manifest.contributes.walkthroughs;

describe('package.json: the getting-started walkthrough', () => {
  test('walks through pick, sign in, ask, ask about a selection, other tools', () => {
    assert.equal(manifest.contributes.walkthroughs.length, 1);
    assert.equal(walkthrough?.id, 'gettingStarted');
    assert.deepEqual(walkthrough.steps.map((step) => step.id), ['pickDeployment', 'signIn', 'ask', 'askAboutSelection', 'otherTools']);
  });

  test('every step completes on an event the extension or VS Code really fires', () => {
    const known = new Set<string>(Object.values(walkthroughContextKeys));
    for (const step of walkthrough?.steps ?? []) {
      assert.ok((step.completionEvents ?? []).length > 0, `${step.id} has no completion event, so it ticks when merely opened`);
      for (const event of step.completionEvents ?? []) {
        const [kind, argument = ''] = event.split(/:(.*)/s);
        switch (kind) {
          case 'onCommand':
            assert.ok(commands.has(argument), `${step.id}: ${argument} is not a contributed command`);
            break;
          case 'onSettingChanged':
            assert.ok(settings.has(argument), `${step.id}: ${argument} is not a contributed setting`);
            break;
          case 'onContext':
            for (const key of argument.split(/[\s!&|()]+/).filter(Boolean)) {
              const setting = /^config\.(.+)$/.exec(key)?.[1];
              assert.ok(setting ? settings.has(setting) : known.has(key), `${step.id}: nothing sets the context key ${key}`);
            }
            break;
          default:
            assert.fail(`${step.id}: unexpected completion event ${event}`);
        }
      }
    }
  });

  test('"Pick a deployment" ticks on the deployment setting the code reads', () => {
    // onContext:config.…, not onSettingChanged:, which VS Code did not fire for our own setting
    // (docs/development.md, "Manifest strings and the walkthrough").
    const deployment = `${settingsSection}.${SettingKey.deployment}`;
    const pick = walkthrough?.steps.find((step) => step.id === 'pickDeployment');
    assert.ok(pick?.completionEvents?.includes(`onContext:config.${deployment}`));
  });

  test('buttons and links run contributed commands or VS Code commands that exist', () => {
    for (const step of walkthrough?.steps ?? []) {
      const text = localized(step.description) ?? '';
      const links = [...text.matchAll(/\]\(command:([\w.-]+)/g)].map((match) => match[1] ?? '');
      assert.ok(links.length > 0, `${step.id} has no button`);
      for (const command of links) {
        assert.ok(commands.has(command) || workbenchCommands.has(command), `${step.id}: ${command}`);
      }
    }
  });

  test('every step has a picture that ships in the VSIX, with alt text', () => {
    const allowList = readFileSync(join(repoRoot, '.vscodeignore'), 'utf8');
    assert.match(allowList, /^!media\/walkthrough\/\*\.svg$/m);
    for (const step of walkthrough?.steps ?? []) {
      const file = step.media.svg ?? '';
      assert.match(file, /^media\/walkthrough\/[\w-]+\.svg$/, step.id);
      assert.ok(existsSync(join(repoRoot, file)), file);
      assert.ok(localized(step.media.altText), `${step.id} has no alt text`);
    }
  });
});

describe('WalkthroughContext', () => {
  test('sets each context key once per value', async () => {
    const calls: Array<[string, string, boolean]> = [];
    const context = new WalkthroughContext(async (command, key, value) => void calls.push([command, key, value]));
    context.set('asked');
    context.set('asked');
    context.set('signedIn', false);
    context.set('signedIn', true);
    context.set('signedIn', true);
    await Promise.resolve();
    assert.deepEqual(calls, [
      ['setContext', 'azureOpenAIChat.asked', true],
      ['setContext', 'azureOpenAIChat.signedIn', false],
      ['setContext', 'azureOpenAIChat.signedIn', true],
    ]);
  });

  test('tries again after VS Code refused a value', async () => {
    let refuse = true;
    let calls = 0;
    const context = new WalkthroughContext(async () => {
      calls++;
      if (refuse) {
        throw new Error('not now');
      }
    });
    context.set('languageModelUsed');
    await new Promise((resolve) => setImmediate(resolve));
    refuse = false;
    context.set('languageModelUsed');
    assert.equal(calls, 2);
  });
});
