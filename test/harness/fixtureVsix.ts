// Packages an extension under test/fixtures as a VSIX (VS Code removes extension folders copied
// into an extensions dir at startup; a VSIX installs properly). Cached by the fixture's content.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, testDir } from './paths';

export function fixtureDir(name: string): string {
  return path.join(repoRoot, 'test', 'fixtures', name);
}

/**
 * The VSIX of test/fixtures/<name> (or of the plain-JavaScript extension in `dir`, such as the
 * bench's participant), built from its package.json, extension.js and README.md.
 */
export function packageFixture(name: string, dir = fixtureDir(name)): string {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'extension.js', 'README.md']) {
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
