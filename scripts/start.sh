#!/usr/bin/env bash
# npm start: packages the extension and runs it, installed from its VSIX, in a real VS Code that
# you open in your browser (see test/harness/start.ts for what it talks to).
#   PORT=8080  FOLDER=<workspace>  AZURE_OPENAI_ENDPOINT=... AZURE_OPENAI_DEPLOYMENT=...
# On a fresh Debian machine it installs the apt packages it needs first (to build VS Code's
# native modules once); open the printed URL in your own browser.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-system-packages.sh
if [[ ! -d node_modules ]]; then
  echo "start: installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
bash test/harness/install.sh
echo "start: packaging the extension (npm run package)"
mkdir -p .vscode-test
if ! npm run --silent package </dev/null >.vscode-test/package.log 2>&1; then
  tail -n 30 .vscode-test/package.log >&2
  echo "start: npm run package failed; full output in .vscode-test/package.log" >&2
  exit 1
fi
exec node out/test/harness/start.js
