// Packages test/fixtures/ms-auth-standin as a VSIX (see fixtureVsix.ts).
//   node out/test/harness/msAuthStandIn.js   prints the VSIX path (used by scripts/start.sh)
import { fixtureDir, packageFixture } from './fixtureVsix';

export const msAuthStandInDir = fixtureDir('ms-auth-standin');

export function packageMsAuthStandIn(): string {
  return packageFixture('ms-auth-standin');
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
