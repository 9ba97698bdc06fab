// The entry VS Code loads as `extensionTestsPath`: runs the mocha suite inside the extension host
// (the contract of @vscode/test-electron, also used by test/harness/runIntegration.ts).
//
// INTEGRATION_SUITE picks the files: `default` (every *.test.js except *.restricted.test.js) or
// `restricted` (only *.restricted.test.js, run by the harness in a workspace opened in Restricted
// Mode). INTEGRATION_RESULT_FILE, when set, receives a SuiteResult as JSON (test/harness/suiteResult.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import { REPORT_LINE_PREFIX, type SuiteResult } from '../harness/suiteResult';

export async function run(): Promise<void> {
  const suite = process.env.INTEGRATION_SUITE === 'restricted' ? 'restricted' : 'default';
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(`${REPORT_LINE_PREFIX}${format(...args)}`);
  const mocha = new Mocha({
    ui: 'tdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.INTEGRATION_TEST_TIMEOUT_MS) || 20_000,
    grep: process.env.INTEGRATION_GREP || undefined,
  });
  for (const file of findTestFiles(__dirname, suite)) {
    mocha.addFile(file);
  }
  const failures: Array<{ title: string; error: string }> = [];
  let passed = 0;
  let pending = 0;
  const report = (finished: boolean, running?: string): void => {
    const result: SuiteResult = { suite, passed, failed: failures.length, pending, failures, running, finished };
    if (process.env.INTEGRATION_RESULT_FILE) {
      fs.writeFileSync(process.env.INTEGRATION_RESULT_FILE, JSON.stringify(result, undefined, 2));
    }
  };
  try {
    await new Promise<void>((resolve) => {
      // Throws here, synchronously, when a test file fails to load.
      const runner = mocha.run(() => resolve());
      runner.on('test', (test) => report(false, test.fullTitle()));
      runner.on('pass', () => passed++);
      runner.on('pending', () => pending++);
      runner.on('fail', (test, error: unknown) => {
        failures.push({ title: test.fullTitle(), error: errorText(error) });
      });
      runner.on('test end', () => report(false));
    });
  } catch (error) {
    failures.push({ title: 'loading the test files', error: errorText(error) });
    console.log(`${REPORT_LINE_PREFIX}Could not load the test files: ${errorText(error)}`);
  }
  report(true);
  if (failures.length > 0) {
    throw new Error(`${failures.length} integration test(s) failed`);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function findTestFiles(dir: string, suite: 'default' | 'restricted'): string[] {
  const files = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .filter((file) => file.endsWith('.restricted.test.js') === (suite === 'restricted'))
    .map((file) => path.join(dir, file));
  return files.sort();
}
