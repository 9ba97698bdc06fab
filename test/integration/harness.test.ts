// Checks the harness's promises to the other tests: the stand-ins are reachable and scriptable,
// the extension host can reach nothing but them for credentials, and `microsoft` sign-in is the
// stand-in's.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { standIn } from './standIn';

const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';

interface MsAuthStats {
  mode: string;
  getSessions: number;
  sessionsIssued: number;
  sessions: Array<{ scopes: string[]; account: string }>;
}

suite('Harness', () => {
  teardown(async () => {
    await standIn.reset();
    await vscode.commands.executeCommand('msAuthStandIn.signOut');
  });

  test('user settings point the extension at the stand-in', () => {
    const settings = vscode.workspace.getConfiguration('azureOpenAIChat');
    assert.equal(settings.get('endpoint'), standIn.endpoint);
    assert.equal(settings.get('deployment'), standIn.deployment);
    assert.deepEqual(settings.get('trustedHosts'), ['127.0.0.1']);
  });

  test('credentials can only come from loopback stand-ins', () => {
    assert.equal(process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST, standIn.managedIdentityEndpoint);
    // VS Code puts its own remote-cli folder first; the first `az` on PATH must be the fake one.
    const azFolder = (process.env.PATH ?? '').split(path.delimiter).find((dir) => fs.existsSync(path.join(dir, 'az')));
    assert.equal(azFolder && path.basename(azFolder), 'fake-az');
    for (const name of ['AZURE_CLIENT_SECRET', 'AZURE_USERNAME', 'AZURE_PASSWORD', 'IDENTITY_ENDPOINT', 'MSI_ENDPOINT']) {
      assert.equal(process.env[name], undefined, name);
    }
  });

  test('the control API scripts the Azure OpenAI stand-in and returns what it recorded', async () => {
    await standIn.enqueue({ text: 'scripted answer' });
    const url = `${standIn.endpoint}/openai/deployments/${standIn.deployment}/chat/completions?api-version=2024-10-21`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'api-key': standIn.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hello' }] }),
    });
    assert.equal(response.status, 200);
    const completion = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    assert.equal(completion.choices[0].message.content, 'scripted answer');
    const [request] = await standIn.requests({ count: 1 });
    assert.equal(request.auth, 'apiKey');
    assert.equal(request.closedEarly, false);
  });

  test('the built-in Microsoft sign-in is replaced by the stand-in', () => {
    assert.equal(vscode.extensions.getExtension('vscode.microsoft-authentication'), undefined);
    assert.ok(vscode.extensions.getExtension('azure-openai-chat-tests.ms-auth-standin'));
  });

  test('the stand-in sign-in starts signed out and counts what it issues', async () => {
    // Earlier suites may have signed it in (and out, in their teardown): count from here.
    const before = await vscode.commands.executeCommand<MsAuthStats>('msAuthStandIn.stats');
    const session = await vscode.authentication.getSession('microsoft', [COGNITIVE_SERVICES_SCOPE], { silent: true });
    assert.equal(session, undefined);
    const stats = await vscode.commands.executeCommand<MsAuthStats>('msAuthStandIn.stats');
    assert.equal(stats.mode, 'signedOut');
    assert.ok(stats.getSessions > before.getSessions, 'VS Code did not ask the stand-in provider');
    assert.equal(stats.sessionsIssued, before.sessionsIssued, 'a signed-out provider issued a session');
  });
});
