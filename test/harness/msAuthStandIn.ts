// Packages test/fixtures/ms-auth-standin as a VSIX (VS Code removes extension folders copied into
// an extensions dir at startup; a VSIX installs properly). Cached by the content of the fixture.
//   node out/test/harness/msAuthStandIn.js   prints the VSIX path (used by scripts/start.sh)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, testDir } from './paths';

export const msAuthStandInDir = path.join(repoRoot, 'test', 'fixtures', 'ms-auth-standin');

export function packageMsAuthStandIn(): string {
  return packageExtensionFolder(msAuthStandInDir, ['package.json', 'extension.js', 'README.md'], 'ms-auth-standin');
}

/** Packages a plain-JavaScript extension folder as `<testDir>/<name>-<hash of files>.vsix`, once. */
export function packageExtensionFolder(dir: string, files: readonly string[], name: string): string {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(fs.readFileSync(path.join(dir, file)));
  }
  const vsix = path.join(testDir, `${name}-${hash.digest('hex').slice(0, 12)}.vsix`);
  if (fs.existsSync(vsix)) {
    return vsix;
  }
  fs.mkdirSync(testDir, { recursive: true });
  const vsce = require.resolve('@vscode/vsce/vsce', { paths: [repoRoot] });
  // Flags instead of prompts: vsce asks about a missing repository and license otherwise.
  execFileSync(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return vsix;
}

if (require.main === module) {
  console.log(packageMsAuthStandIn());
}
