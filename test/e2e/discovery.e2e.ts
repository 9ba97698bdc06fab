// End to end, deployment discovery: a user with no endpoint set opens the chat, selects a
// deployment from what Resource Manager lists (two subscriptions, one answering 403), and chats
// without typing a name; then switches the conversation from the header, and on a missing role
// the problem card's Diagnose names the cause. The VSIX in the real workbench; a loopback
// Resource Manager through the `custom` cloud setting; the stand-in Microsoft sign-in serving
// the `microsoft-sovereign-cloud` provider that custom clouds use.
//
//   node out/test/e2e/discovery.e2e.js [--vsix dist/azure-openai-chat.vsix] [--step-timeout SECONDS]
//
// Prints `e2e: N passed, N failed`; a failed step stops the run (later steps need its state).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { FORBIDDEN_SUBSCRIPTION_ID, GUEST_TENANT_ID, standInSubscriptions, standInTenants } from '../standin/resourceManagerFixture';
import { ResourceManagerStandIn } from '../standin/resourceManagerStandIn';
import { STANDIN_USER_OID, VSCODE_APP_ID } from '../standin/tokens';
import { copyFixtureWorkspace } from '../harness/workspaceCopy';
import { launchChromium, newPage } from '../harness/browser';
import { packageMsAuthStandIn } from '../harness/msAuthStandIn';
import { repoRoot } from '../harness/paths';
import { quietWorkbenchSettings, startStandIns, type StandIns } from '../harness/standIns';
import { VSCodeServer } from '../harness/vscodeServer';
import {
  ask,
  assert,
  clickNotificationButton,
  type Driver,
  type JourneyResult,
  type JourneyStep,
  journeySummary,
  pickQuickPickRow,
  quickPickText,
  required,
  runCommandFromPalette,
  runJourney,
  screenshot,
  waitFor,
  waitForChatFrame,
  waitForStatus,
} from './workbenchDriver';

const artifacts = path.join(repoRoot, 'test', 'e2e', 'artifacts', 'discovery');
const workspace = copyFixtureWorkspace('basic');

interface World extends Driver {
  readonly standIns: StandIns;
  readonly arm: ResourceManagerStandIn;
  panel?: Frame;
}

const STEPS: readonly JourneyStep<World>[] = [
  {
    name: 'with no endpoint set, the chat offers Select Deployment',
    async run(world) {
      await world.page.locator('.monaco-workbench').waitFor({ timeout: world.timeoutMs });
      await runCommandFromPalette(world, 'Chat with Azure OpenAI');
      world.panel = await waitForChatFrame(world);
      await world.panel.locator('#connection[data-state="misconfigured"]').waitFor({ timeout: world.timeoutMs });
      await world.panel.locator('#connection button[data-action="selectDeployment"]').waitFor({ timeout: world.timeoutMs });
      await screenshot(world, '01-no-endpoint');
    },
  },
  {
    name: 'Select Deployment signs in, then lists two subscriptions, the one answering 403 shown as such',
    async run(world) {
      const panel = required(world.panel);
      await panel.locator('#connection button[data-action="selectDeployment"]').click();
      await clickNotificationButton(world, /Sign in to list the Azure OpenAI deployments/, 'Sign in with Microsoft');
      const dialog = world.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: world.timeoutMs });
      await dialog.getByRole('button', { name: 'Allow' }).click();
      const text = await quickPickText(world, 'chat-large');
      for (const expected of ['Contoso Dev', 'gpt-4o-mini', 'o4-mini', 'Contoso Finance', 'No permission to list this subscription (403 AuthorizationFailed)']) {
        assert(text.includes(expected), `the list lacks "${expected}": ${text}`);
      }
      assert(!text.includes('contoso-translate'), 'a Translator account was listed');
      assert(world.arm.requests.some((request) => request.status === 403 && request.path.includes(FORBIDDEN_SUBSCRIPTION_ID)), 'Resource Manager never answered 403');
      const token = world.arm.requests.find((request) => request.token)?.token;
      assert(token?.appid === VSCODE_APP_ID && token.aud === world.arm.endpoint, `the management token came from ${token?.appid} for ${token?.aud}`);
      await screenshot(world, '02-deployments-listed');
    },
  },
  {
    name: 'picking gpt-4o-mini sets endpoint and deployment, and a question is answered without typing a name',
    async run(world) {
      const panel = required(world.panel);
      await pickQuickPickRow(world, 'gpt-4o-mini', 'gpt-4o-mini');
      const picker = panel.locator('#deployment-picker');
      await panel.locator('#connection[data-state="ready"]').waitFor({ timeout: world.timeoutMs });
      await waitFor(async () => (await picker.innerText()) === 'gpt-4o-mini', world.timeoutMs, async () => `the header shows ${await picker.innerText()}`);
      const answer = await ask(panel, 'Hello from a discovered deployment?');
      await waitForStatus(answer, 'done', world.timeoutMs);
      const request = world.standIns.aoai.requests.at(-1);
      assert(request?.deployment === 'gpt-4o-mini', `the stand-in saw deployment ${request?.deployment}`);
      assert(request.token?.appid === VSCODE_APP_ID, `the chat token came from ${request.token?.appid}`);
      await screenshot(world, '03-chatting');
    },
  },
  {
    name: 'the header picker switches this conversation to another deployment at once',
    async run(world) {
      const panel = required(world.panel);
      await panel.locator('#deployment-picker').click();
      await quickPickText(world, 'chat-large');
      await pickQuickPickRow(world, 'chat-large', 'chat-large');
      const picker = panel.locator('#deployment-picker');
      await waitFor(async () => (await picker.innerText()) === 'chat-large', world.timeoutMs, async () => `the header shows ${await picker.innerText()}`);
      const answer = await ask(panel, 'And now?');
      await waitForStatus(answer, 'done', world.timeoutMs);
      assert(world.standIns.aoai.requests.at(-1)?.deployment === 'chat-large', `the stand-in saw ${world.standIns.aoai.requests.at(-1)?.deployment}`);
      await screenshot(world, '04-switched');
    },
  },
  {
    name: 'a missing role: Diagnose on the problem card names the cause and its fix',
    async run(world) {
      const panel = required(world.panel);
      world.standIns.aoai.configure({ deniedObjectIds: [STANDIN_USER_OID] });
      const answer = await ask(panel, 'Am I allowed?');
      await waitForStatus(answer, 'error', world.timeoutMs);
      await answer.locator('.problem button[data-action="diagnose"]').click();
      const toast = world.page.locator('.notification-toast', { hasText: /Connection report: Data-plane access failed/ });
      await toast.waitFor({ timeout: world.timeoutMs });
      const editor = world.page.locator('.editor-instance .view-lines').first();
      await waitFor(async () => /Data-plane access \| FAIL/.test((await editor.innerText().catch(() => '')).replace(/\u00a0/g, ' ')), world.timeoutMs,
        async () => `the report shows: ${await editor.innerText().catch(() => '')}`);
      await screenshot(world, '05-diagnosed');
    },
  },
  {
    name: 'Select Tenant signs in to a guest tenant: the header names it and Select Deployment lists its deployments',
    async run(world) {
      world.standIns.aoai.configure({ deniedObjectIds: [] });
      await runCommandFromPalette(world, 'Azure OpenAI: Select Tenant');
      const tenants = await quickPickText(world, 'Fabrikam');
      assert(/Contoso[\s\S]*home tenant/.test(tenants), `the home tenant is not marked: ${tenants}`);
      await pickQuickPickRow(world, 'Fabrikam', 'Fabrikam');
      // The report covers the chat panel; a hidden webview is gone until its tab is shown again.
      await world.page.locator('.tabs-container .tab', { hasText: 'Azure OpenAI Chat' }).first().click();
      world.panel = await waitForChatFrame(world);
      const tenant = world.panel.locator('#connection-tenant');
      await waitFor(async () => (await tenant.innerText().catch(() => '')) === 'Tenant: Fabrikam', world.timeoutMs,
        async () => `the header shows tenant "${await tenant.innerText().catch(() => '')}"`);
      await runCommandFromPalette(world, 'Azure OpenAI: Select Deployment');
      const listed = await quickPickText(world, 'Fabrikam Shared');
      assert(!listed.includes('Contoso Dev'), `the home tenant's subscriptions are listed: ${listed}`);
      const guestToken = world.arm.requests.at(-1)?.token;
      assert(guestToken?.tid === GUEST_TENANT_ID, `the management token is for tenant ${guestToken?.tid}`);
      await screenshot(world, '06-guest-tenant');
      await world.page.keyboard.press('Escape');
    },
  },
];

async function main(): Promise<number> {
  const vsix = parseVsix(process.argv.slice(2));
  if (!fs.existsSync(vsix)) {
    throw new Error(`${vsix} is missing: run npm run package first`);
  }
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  const started = Date.now();
  const standIns = await startStandIns({ msAuthMode: 'signedOut' });
  standIns.managedIdentity.mode = 'unavailable';
  standIns.aoai.configure({ deployments: ['gpt-4o-mini', 'chat-large'] });
  const arm = await ResourceManagerStandIn.start({ tenants: standInTenants, subscriptions: standInSubscriptions(standIns.aoai.endpoint), pageSize: 1 });
  let server: VSCodeServer | undefined;
  let result: JourneyResult = { passed: 0, failed: 1, notRun: STEPS.length - 1 };
  const browser = await launchChromium();
  try {
    server = await VSCodeServer.start({
      label: 'e2e-discovery',
      // No endpoint and no deployment: the user has never configured anything.
      settings: {
        ...quietWorkbenchSettings(),
        'azureOpenAIChat.cloud': 'custom',
        'azureOpenAIChat.customCloud': { resourceManagerEndpoint: arm.endpoint, authorityHost: 'https://login.standin.test' },
        'azureOpenAIChat.trustedHosts': ['127.0.0.1'],
      },
      env: standIns.env({ FAKE_AZ_MODE: 'loggedOut' }),
      extensions: [vsix, packageMsAuthStandIn()],
      testDriver: false,
    });
    const page = await newPage(browser, path.join(server.logDir, 'browser.log'));
    await page.goto(server.workbenchUrl(workspace));
    const world: World = { page, standIns, arm, timeoutMs: parseStepTimeoutMs(process.argv.slice(2)), artifacts };
    result = await runJourney(STEPS, world, server.logDir);
    await page.context().close();
  } finally {
    await browser.close();
    await server?.stop();
    await arm.close();
    await standIns.close();
  }
  console.log(journeySummary(result, started));
  return result.passed === STEPS.length ? 0 : 1;
}

/** Seconds per step (default 60: the first includes the workbench's load on a busy machine). */
function parseStepTimeoutMs(argv: string[]): number {
  const at = argv.indexOf('--step-timeout');
  const seconds = at >= 0 ? Number(argv[at + 1]) : Number.NaN;
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 60_000;
}

function parseVsix(argv: string[]): string {
  const at = argv.indexOf('--vsix');
  return at >= 0 && argv[at + 1] ? path.resolve(argv[at + 1]) : path.join(repoRoot, 'dist', 'azure-openai-chat.vsix');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`e2e: ${error instanceof Error ? error.message : String(error)}`);
    console.log('e2e: 0 passed, 1 failed');
    process.exit(1);
  },
);
