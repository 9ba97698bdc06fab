// End to end, spend (issue 21): what is spent and what is sent, in the real workbench. A user
// picks a discovered deployment of gpt-4o (Resource Manager knows two, with their SKU and
// capacity), sees each answer's tokens with the cached part and the conversation's totals; sets
// a price table and sees cost estimates, then a daily budget and the warning before a question
// would pass it; hits a 429 that names the token limit and switches to the other gpt-4o
// deployment from the card; gets an answer cut by the content filter with its category, and one
// whose code Azure flags as protected, with the citation; and sees another extension's request
// through the language model provider counted apart.
//
//   node out/test/e2e/spend.e2e.js [--vsix dist/azure-openai-chat.vsix] [--step-timeout SECONDS]
//
// Prints `e2e: N passed, N failed`; a failed step stops the run (later steps need its state).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { DEV_SUBSCRIPTION_ID, standInTenants } from '../standin/resourceManagerFixture';
import { type ArmSubscription, ResourceManagerStandIn } from '../standin/resourceManagerStandIn';
import { STANDIN_TENANT_ID } from '../standin/tokens';
import { copyFixtureWorkspace } from '../harness/workspaceCopy';
import { launchChromium, newPage } from '../harness/browser';
import { packageFixture } from '../harness/fixtureVsix';
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

const artifacts = path.join(repoRoot, 'test', 'e2e', 'artifacts', 'spend');
const workspace = copyFixtureWorkspace('basic');
const citation = { URL: 'https://github.com/contoso/sorting/blob/main/src/quicksort.c', license: 'BSD-3-Clause' };

interface World extends Driver {
  readonly standIns: StandIns;
  readonly arm: ResourceManagerStandIn;
  readonly server: VSCodeServer;
  /** The settings the server started with; written again with every edit of settings.json. */
  readonly baseSettings: Readonly<Record<string, unknown>>;
  panel?: Frame;
}

/** One subscription with two deployments of gpt-4o: a regional Standard and a Global Standard one. */
function subscriptions(dataPlaneEndpoint: string): ArmSubscription[] {
  const endpoint = `${dataPlaneEndpoint.replace(/\/+$/, '')}/`;
  return [
    {
      subscriptionId: DEV_SUBSCRIPTION_ID,
      displayName: 'Contoso Dev',
      tenantId: STANDIN_TENANT_ID,
      accounts: [
        {
          name: 'contoso-openai',
          resourceGroup: 'rg-ai',
          kind: 'OpenAI',
          location: 'swedencentral',
          endpoint,
          deployments: [
            { name: 'gpt-4o', model: 'gpt-4o', version: '2024-11-20', sku: 'Standard', capacity: 10 },
            { name: 'gpt-4o-global', model: 'gpt-4o', version: '2024-11-20', sku: 'GlobalStandard', capacity: 450 },
          ],
        },
      ],
    },
  ];
}

/**
 * Sets user settings as a user does: in the settings.json editor. (The server does not notice a
 * change to its own settings file, so writing that file works only before start.) The editor
 * hides the chat panel's webview; its tab is shown again after.
 */
async function editUserSettings(world: World, settings: Readonly<Record<string, unknown>>): Promise<void> {
  await runCommandFromPalette(world, 'Preferences: Open User Settings (JSON)');
  const editor = world.page.locator('.editor-instance .monaco-editor').first();
  await editor.waitFor({ timeout: world.timeoutMs });
  await editor.click();
  await world.page.keyboard.press('Control+A');
  // Inserted whole, so no bracket or quote is auto-closed.
  // What Select Deployment wrote there stays: the endpoint and deployment picked in the first step.
  const picked = { 'azureOpenAIChat.endpoint': `${world.standIns.aoai.endpoint}/`, 'azureOpenAIChat.deployment': 'gpt-4o' };
  await world.page.keyboard.insertText(JSON.stringify({ ...world.baseSettings, ...picked, ...settings }, undefined, 2));
  await world.page.keyboard.press('Control+S');
  await world.page.keyboard.press('Control+W');
  await world.page.locator('.tabs-container .tab', { hasText: 'Azure OpenAI Chat' }).first().click();
  world.panel = await waitForChatFrame(world);
}

/** Waits until the extension logged that it read the changed spend settings. */
async function settingsApplied(world: World, expected: RegExp, times = 1): Promise<void> {
  const find = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? find(path.join(dir, entry.name)) : entry.name === 'Azure OpenAI Chat.log' ? [path.join(dir, entry.name)] : []));
  const read = () => find(world.server.logDir).map((file) => fs.readFileSync(file, 'utf8')).join('\n');
  const global = new RegExp(expected.source, 'g');
  await waitFor(async () => (read().match(global)?.length ?? 0) >= times, world.timeoutMs, async () => `the extension did not log ${expected} ${times} time(s)`);
}

async function usageLine(answer: ReturnType<Frame['locator']>, expected: RegExp, timeoutMs: number): Promise<string> {
  let text = '';
  await waitFor(async () => expected.test((text = await answer.locator('.usage').innerText().catch(() => ''))), timeoutMs, async () => `the usage line reads "${text}"`);
  return text;
}

async function spendLine(panel: Frame, expected: RegExp, timeoutMs: number): Promise<string> {
  let text = '';
  await waitFor(async () => expected.test((text = await panel.locator('#spend').innerText().catch(() => ''))), timeoutMs, async () => `the spend line reads "${text}"`);
  return text;
}

const STEPS: readonly JourneyStep<World>[] = [
  {
    name: 'Select Deployment lists both gpt-4o deployments with their SKU and capacity; picking one chats',
    async run(world) {
      await world.page.locator('.monaco-workbench').waitFor({ timeout: world.timeoutMs });
      await runCommandFromPalette(world, 'Chat with Azure OpenAI');
      world.panel = await waitForChatFrame(world);
      await runCommandFromPalette(world, 'Azure OpenAI: Select Deployment');
      await clickNotificationButton(world, /Sign in to list the Azure OpenAI deployments/, 'Sign in with Microsoft');
      const dialog = world.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: world.timeoutMs });
      await dialog.getByRole('button', { name: 'Allow' }).click();
      const listed = await quickPickText(world, 'gpt-4o-global');
      assert(/Global Standard · capacity 450K TPM/.test(listed) && /Standard · capacity 10K TPM/.test(listed), `SKU and capacity are not shown: ${listed}`);
      await pickQuickPickRow(world, 'gpt-4o', 'gpt-4o');
      await required(world.panel).locator('#connection[data-state="ready"]').waitFor({ timeout: world.timeoutMs });
      await screenshot(world, '01-deployments');
    },
  },
  {
    name: 'each answer shows its input, cached and output tokens; the chat and the deployment show totals',
    async run(world) {
      const panel = required(world.panel);
      world.standIns.aoai.enqueue({ text: 'First answer.', cachedTokens: 0 }, { text: 'Second answer.', cachedTokens: 1024 });
      await waitForStatus(await ask(panel, 'A first question'), 'done', world.timeoutMs);
      const second = await ask(panel, 'A second question');
      await waitForStatus(second, 'done', world.timeoutMs);
      const usage = await usageLine(second, /cached/, world.timeoutMs);
      const cached = world.standIns.aoai.requests.at(-1)?.status === 200;
      assert(cached && /Tokens: [\d,]+ in · [\d,]+ cached · [\d,]+ out/.test(usage), `the usage line reads "${usage}"`);
      const spend = await spendLine(panel, /This chat: .* in .* out/, world.timeoutMs);
      assert(/gpt-4o today: .* in .* out/.test(spend), `no deployment total today: ${spend}`);
      assert(!/\$/.test(spend), `a cost is shown with no price set: ${spend}`);
      await screenshot(world, '02-usage');
    },
  },
  {
    name: 'with a price table set, answers and totals show a cost estimate',
    async run(world) {
      await editUserSettings(world, { 'azureOpenAIChat.prices': { 'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 } } });
      await settingsApplied(world, /Spend settings changed: prices for 1 model\(s\), daily budgets for 0/);
      const panel = required(world.panel);
      const answer = await ask(panel, 'What does this cost?');
      await waitForStatus(answer, 'done', world.timeoutMs);
      await usageLine(answer, /≈ \$0\.\d+/, world.timeoutMs);
      await spendLine(panel, /This chat: .*≈ \$0\.\d+/, world.timeoutMs);
      await screenshot(world, '03-cost');
    },
  },
  {
    name: 'a daily budget warns before a question would pass it; Send anyway sends it',
    async run(world) {
      await editUserSettings(world, { 'azureOpenAIChat.prices': { 'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 } }, 'azureOpenAIChat.dailyBudget': { 'gpt-4o': 0.0001 } });
      await settingsApplied(world, /daily budgets for 1 deployment/);
      const panel = required(world.panel);
      const before = world.standIns.aoai.requests.length;
      await panel.locator('textarea#question').fill('One more, please');
      await panel.locator('textarea#question').press('Enter');
      const warning = panel.locator('#budget-warning');
      await waitFor(async () => /would pass today's budget/.test(await warning.innerText().catch(() => '')), world.timeoutMs, async () => `no budget warning: "${await warning.innerText().catch(() => '')}"`);
      assert(world.standIns.aoai.requests.length === before, 'the question was sent before the warning');
      await screenshot(world, '04-budget-warning');
      const answers = panel.locator('.message.assistant');
      const count = await answers.count();
      await panel.locator('#send-over-budget').click();
      await waitForStatus(answers.nth(count), 'done', world.timeoutMs);
    },
  },
  {
    name: 'a 429 names the token limit and offers the Global Standard gpt-4o deployment; switching answers there',
    async run(world) {
      // Without the budget again, so the next questions go straight out.
      await editUserSettings(world, { 'azureOpenAIChat.prices': { 'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 } } });
      await settingsApplied(world, /daily budgets for 0/, 2);
      const panel = required(world.panel);
      world.standIns.aoai.enqueue({ rateLimit: { retryAfterSeconds: 3600, limit: 'tokens' } });
      const answer = await ask(panel, 'Are we throttled?');
      await waitForStatus(answer, 'error', world.timeoutMs);
      const title = await answer.locator('.problem-title').innerText();
      assert(/tokens-per-minute limit \(TPM\)/.test(title), `the card says "${title}"`);
      assert(/wait 3600 seconds/.test(await answer.locator('.problem-detail').innerText()), 'the wait is not said');
      const offer = answer.locator('button.switch-deployment[data-deployment="gpt-4o-global"]');
      await offer.waitFor({ timeout: world.timeoutMs });
      assert(/Global Standard, capacity 450/.test(await offer.innerText()), `the offer reads "${await offer.innerText()}"`);
      await screenshot(world, '05-rate-limited');
      await offer.click();
      const picker = panel.locator('#deployment-picker');
      await waitFor(async () => (await picker.innerText()) === 'gpt-4o-global', world.timeoutMs, async () => `the header shows ${await picker.innerText()}`);
      const next = await ask(panel, 'And now?');
      await waitForStatus(next, 'done', world.timeoutMs);
      assert(world.standIns.aoai.requests.at(-1)?.deployment === 'gpt-4o-global', `the stand-in saw ${world.standIns.aoai.requests.at(-1)?.deployment}`);
    },
  },
  {
    name: 'an answer cut by the content filter keeps its text and names the category',
    async run(world) {
      const panel = required(world.panel);
      world.standIns.aoai.enqueue({ chunks: ['The story ', 'begins ', 'and then'], contentFilterAfterChunks: 2, completionFilter: { violence: { filtered: true, severity: 'high' } } });
      const answer = await ask(panel, 'Tell me a story');
      await waitFor(async () => (await answer.locator('.problem').count()) > 0, world.timeoutMs, async () => `no problem card: ${await answer.innerText()}`);
      const text = await answer.innerText();
      assert(text.includes('The story begins'), `the text before the cut is gone: ${text}`);
      assert(/withheld the rest of this answer, after 17 characters/.test(text), `the card does not say where: ${text}`);
      const finding = answer.locator('.filter-finding[data-category="violence"]');
      assert(/Violence: severity high, blocked/.test(await finding.innerText()), `the finding reads "${await finding.innerText()}"`);
      await screenshot(world, '06-filtered');
    },
  },
  {
    name: 'protected code: the answer shows the citation Azure returns (URL and license)',
    async run(world) {
      const panel = required(world.panel);
      world.standIns.aoai.enqueue({ text: '```c\nvoid quicksort(int *a, int n);\n```', completionFilter: { protected_material_code: { filtered: false, detected: true, citation } } });
      const answer = await ask(panel, 'Write quicksort in C');
      await waitForStatus(answer, 'done', world.timeoutMs);
      const notice = answer.locator('.filter-notice');
      await notice.waitFor({ timeout: world.timeoutMs });
      assert((await notice.locator('.citation-url').innerText()) === citation.URL, `the citation reads ${await notice.locator('.citation-url').innerText()}`);
      assert((await notice.locator('.citation-license').innerText()) === citation.license, 'the license is not shown');
      assert((await notice.locator('a').count()) === 0, 'a service-written URL became a link');
      await screenshot(world, '07-protected-code');
    },
  },
  {
    name: "another extension's request through the language model provider is counted apart",
    async run(world) {
      const panel = required(world.panel);
      const status = world.page.locator('.statusbar-item', { hasText: /Azure OpenAI/ }).first();
      await waitFor(async () => /Azure OpenAI 0/.test(await status.innerText().catch(() => '')), world.timeoutMs, async () => `the status item reads "${await status.innerText().catch(() => '')}"`);
      await runCommandFromPalette(world, 'LM Consumer: Ask an Azure OpenAI Model');
      // VS Code asks the user before an extension may use another extension's language models.
      const dialog = world.page.locator('.monaco-dialog-box');
      if (await dialog.waitFor({ timeout: 10_000 }).then(() => true, () => false)) {
        await dialog.getByRole('button', { name: 'Allow' }).click();
      }
      await world.page.locator('.notification-toast', { hasText: /LM consumer got:/ }).first().waitFor({ timeout: world.timeoutMs });
      await waitFor(async () => /Azure OpenAI 1/.test(await status.innerText().catch(() => '')), world.timeoutMs, async () => `the status item reads "${await status.innerText().catch(() => '')}"`);
      await spendLine(panel, /Other extensions today: 1 requests/, world.timeoutMs);
      await screenshot(world, '08-other-extensions');
      await status.click();
      const listed = await quickPickText(world, 'requests today');
      assert(/Deployments offered to other extensions/.test(listed) && /1 requests today/.test(listed), `Show Usage lists: ${listed}`);
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
  standIns.aoai.configure({ deployments: [{ name: 'gpt-4o', model: 'gpt-4o-2024-11-20' }, { name: 'gpt-4o-global', model: 'gpt-4o-2024-11-20' }] });
  const arm = await ResourceManagerStandIn.start({ tenants: standInTenants, subscriptions: subscriptions(standIns.aoai.endpoint) });
  const baseSettings = {
    ...quietWorkbenchSettings(),
    'azureOpenAIChat.cloud': 'custom',
    'azureOpenAIChat.customCloud': { resourceManagerEndpoint: arm.endpoint, authorityHost: 'https://login.standin.test' },
    'azureOpenAIChat.trustedHosts': ['127.0.0.1'],
  };
  let server: VSCodeServer | undefined;
  let result: JourneyResult = { passed: 0, failed: 1, notRun: STEPS.length - 1 };
  const browser = await launchChromium();
  try {
    server = await VSCodeServer.start({
      label: 'e2e-spend',
      settings: baseSettings,
      env: standIns.env({ FAKE_AZ_MODE: 'loggedOut' }),
      extensions: [vsix, packageMsAuthStandIn(), packageFixture('lm-consumer')],
      testDriver: false,
    });
    const page = await newPage(browser, path.join(server.logDir, 'browser.log'));
    await page.goto(server.workbenchUrl(workspace));
    const world: World = { page, standIns, arm, server, baseSettings, timeoutMs: parseStepTimeoutMs(process.argv.slice(2)), artifacts };
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
