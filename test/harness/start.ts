// `npm start` (scripts/start.sh installs and packages first): the extension as users get it, the
// VSIX, installed into a real VS Code (1.139's server) that you open in your browser.
//
// Without AZURE_OPENAI_ENDPOINT the stand-ins play Azure OpenAI and Microsoft sign-in: the chat
// starts signed out, "Sign in with Microsoft" asks for consent and signs you in as
// ada@contoso.test. With AZURE_OPENAI_ENDPOINT (and AZURE_OPENAI_DEPLOYMENT) it talks to your
// resource with VS Code's own Microsoft sign-in and your machine's Azure credentials.
//
// PORT (default 8080) and FOLDER (default test/fixtures/workspaces/basic) change the obvious.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inheritedEnv } from './env';
import { packageMsAuthStandIn } from './msAuthStandIn';
import { repoRoot } from './paths';
import { quietWorkbenchSettings, startStandIns, type StandIns } from './standIns';
import { VSCodeServer } from './vscodeServer';

async function main(): Promise<void> {
  const vsix = path.join(repoRoot, 'dist', 'azure-openai-chat.vsix');
  if (!fs.existsSync(vsix)) {
    throw new Error(`${vsix} is missing: npm run package`);
  }
  const port = Number(process.env.PORT ?? 8080);
  const folder = path.resolve(process.env.FOLDER ?? path.join(repoRoot, 'test', 'fixtures', 'workspaces', 'basic'));
  const realEndpoint = process.env.AZURE_OPENAI_ENDPOINT;
  let standIns: StandIns | undefined;
  let server: VSCodeServer;
  if (realEndpoint) {
    server = await VSCodeServer.start({
      label: 'start',
      port,
      testDriver: false,
      extensions: [vsix],
      env: inheritedEnv(),
      settings: {
        ...quietWorkbenchSettings(),
        'azureOpenAIChat.endpoint': realEndpoint,
        'azureOpenAIChat.deployment': process.env.AZURE_OPENAI_DEPLOYMENT ?? '',
      },
    });
    console.log(`Azure OpenAI: ${realEndpoint}, deployment ${process.env.AZURE_OPENAI_DEPLOYMENT ?? '(not set)'}`);
  } else {
    standIns = await startStandIns({ msAuthMode: 'signedOut' });
    // Only the stand-in Microsoft sign-in may yield a credential, so the chat starts signed out.
    standIns.managedIdentity.mode = 'unavailable';
    server = await VSCodeServer.start({
      label: 'start',
      port,
      testDriver: false,
      extensions: [vsix, packageMsAuthStandIn()],
      env: standIns.env({ FAKE_AZ_MODE: 'loggedOut' }),
      settings: standIns.settings,
    });
    console.log(`Azure OpenAI: the loopback stand-in at ${standIns.aoai.endpoint}, deployment ${standIns.deployment}`);
    console.log('Microsoft sign-in: the stand-in (click "Sign in with Microsoft", then Allow; you become ada@contoso.test)');
    console.log('Set AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENT to use a real resource instead.');
  }
  console.log(`VS Code logs: ${server.logDir}`);
  // Ctrl+C ends this process; the harness then kills the server and removes its folders.
  console.log(`\nOpen ${server.origin}/?folder=${folder}\n\nPress Ctrl+C to stop.`);
  const code = await server.whenExited;
  console.error(`VS Code server exited unexpectedly (code ${code}); see ${server.logDir}/server.log`);
  await standIns?.close();
  process.exit(1);
}

main().catch((error: unknown) => {
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
