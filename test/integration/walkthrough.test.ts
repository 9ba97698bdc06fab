// The getting-started walkthrough in a real VS Code: the manifest arrives in English from
// package.nls.json, every command a step runs or completes on exists once the extension is
// active, and VS Code opens the walkthrough by its id. That the steps tick when the user does
// them is shown in the real workbench by test/e2e/walkthrough.e2e.ts.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'azure-openai-chat.azure-openai-chat';
const WALKTHROUGH_ID = `${EXTENSION_ID}#gettingStarted`;

interface Manifest {
  contributes: {
    commands: Array<{ command: string; title: string; category: string }>;
    walkthroughs: Array<{ id: string; title: string; steps: Array<{ id: string; title: string; description: string; completionEvents: string[] }> }>;
  };
}

suite('Walkthrough', () => {
  let manifest: Manifest;

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    await extension.activate();
    manifest = extension.packageJSON as Manifest;
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('VS Code reads the manifest\'s texts from package.nls.json', () => {
    const open = manifest.contributes.commands.find((c) => c.command === 'azureOpenAIChat.openChat');
    assert.equal(open?.title, 'Chat with Azure OpenAI');
    assert.equal(open?.category, 'Azure OpenAI');
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.equal(walkthrough?.title, 'Get started with Azure OpenAI Chat');
    assert.deepEqual(walkthrough.steps.filter((step) => /^%.*%$/.test(step.title) || /^%.*%$/.test(step.description)).map((s) => s.id), []);
  });

  test('every command a step runs or completes on is registered', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const [walkthrough] = manifest.contributes.walkthroughs;
    const named = (walkthrough?.steps ?? []).flatMap((step) => [
      ...step.completionEvents.filter((event) => event.startsWith('onCommand:')).map((event) => event.slice('onCommand:'.length)),
      ...[...step.description.matchAll(/\]\(command:([\w.-]+)/g)].map((match) => match[1] ?? ''),
    ]);
    // VS Code's Manage Models exists only where its chat does; the step says where to find it.
    const missing = [...new Set(named)].filter((command) => !registered.has(command) && command !== 'workbench.action.chat.manage');
    assert.deepEqual(missing, []);
  });

  test('VS Code opens the walkthrough by its id', async () => {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
    const deadline = Date.now() + 10_000;
    let labels: string[] = [];
    while (Date.now() < deadline) {
      labels = vscode.window.tabGroups.all.flatMap((group) => group.tabs).map((tab) => tab.label);
      if (labels.length > 0) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(labels.some((label) => /Welcome|Walkthrough|Azure OpenAI/.test(label)), `tabs: ${labels.join(', ')}`);
  });
});
