/**
 * A copy of the production build taken when the bench starts. `npm run bench` builds with
 * --production first, but the bench runs for a minute or two, and on a shared machine another
 * `node esbuild.mjs` (a development build) may rewrite dist/ meanwhile; the size and activation
 * figures measure this copy, so they always describe the build the bench started with.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface BuildSnapshot {
  /** Holds dist/extension.js, dist/identity.js, dist/webview.js and out/meta.json. */
  readonly dir: string;
  /** False when dist/extension.js carries a source map comment (a development build). */
  readonly production: boolean;
  readonly extensionBytes: number;
  dispose(): void;
}

const files = ['dist/extension.js', 'dist/identity.js', 'dist/webview.js', 'out/meta.json'];

export function snapshotBuild(repoRoot: string): BuildSnapshot {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-build-'));
  for (const file of files) {
    mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    copyFileSync(path.join(repoRoot, file), path.join(dir, file));
  }
  const extension = path.join(dir, 'dist', 'extension.js');
  return {
    dir,
    production: !/sourceMappingURL=/.test(readFileSync(extension, 'utf8').slice(-300)),
    extensionBytes: statSync(extension).size,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
