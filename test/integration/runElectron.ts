// The same suite in desktop VS Code (Electron) through @vscode/test-electron, for machines with
// internet (it downloads VS Code) and a display (or xvfb-run): `npm run test:electron`.
// Offline, test/harness/runIntegration.ts runs it in VS Code's server and web workbench instead.
// Only the `default` suite runs here: test-electron always passes --disable-workspace-trust, so
// Restricted Mode cannot be reached.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath, runTests } from '@vscode/test-electron';
import { packageFixture } from '../harness/fixtureVsix';
import { packageMsAuthStandIn } from '../harness/msAuthStandIn';
import { repoRoot } from '../harness/paths';
import { startStandIns } from '../harness/standIns';
import type { SuiteResult } from '../harness/suiteResult';
import { writeUserSettings } from '../harness/vscodeServer';

/** The VS Code the offline harness runs (code-server 4.139.1), so both runs test the same API. */
const VSCODE_VERSION = '1.139.1';

async function main(): Promise<number> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'aoai-electron-'));
  const userDataDir = path.join(scratch, 'user-data');
  const extensionsDir = path.join(scratch, 'extensions');
  const resultFile = path.join(scratch, 'results.json');
  const standIns = await startStandIns();
  try {
    const vscodeExecutablePath = await downloadAndUnzipVSCode(VSCODE_VERSION);
    const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath);
    const profileArgs = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
    const install = spawnSync(
      cli,
      [...cliArgs.filter((a) => !/^--(user-data|extensions)-dir/.test(a)), ...profileArgs, '--install-extension', packageMsAuthStandIn(), '--install-extension', packageFixture('lm-consumer')],
      { encoding: 'utf8', stdio: 'inherit' },
    );
    if (install.status !== 0) {
      throw new Error(`installing the stand-in Microsoft sign-in and the language model consumer failed (exit ${install.status})`);
    }
    writeUserSettings(userDataDir, standIns.settings);
    const env = standIns.env({ INTEGRATION_SUITE: 'default', INTEGRATION_RESULT_FILE: resultFile });
    // test-electron merges this over process.env; undefined removes what the hermetic env left out.
    const extensionTestsEnv: Record<string, string | undefined> = { ...env };
    for (const name of Object.keys(process.env)) {
      if (!(name in env)) {
        extensionTestsEnv[name] = undefined;
      }
    }
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'out', 'test', 'integration', 'index.js'),
      launchArgs: [
        path.join(repoRoot, 'test', 'fixtures', 'workspaces', 'basic'),
        ...profileArgs,
        '--disable-extension', 'vscode.microsoft-authentication',
      ],
      extensionTestsEnv,
    }).catch(() => undefined); // A failing suite rejects; the result file says how it failed.
    const result = fs.existsSync(resultFile) ? (JSON.parse(fs.readFileSync(resultFile, 'utf8')) as SuiteResult) : undefined;
    if (!result) {
      console.log('integration: 0 passed, 1 failed (the suite did not report; see the output above)');
      return 1;
    }
    console.log(`integration: ${result.passed} passed, ${result.failed} failed`);
    return result.failed === 0 ? 0 : 1;
  } finally {
    await standIns.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`integration (electron): ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
