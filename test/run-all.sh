#!/usr/bin/env bash
# npm test: every layer in order, each ending with its "<layer>: N passed, N failed" line.
#   build        node esbuild.mjs (bundles to dist/, tests to out/)
#   static       tsc --noEmit for host, webview and tests; eslint --max-warnings 0
#   unit         node:test over out/test/unit and out/test/webview (the webview in Chromium)
#   harness      the offline VS Code (test/harness/install.sh; a no-op once installed)
#   integration  the mocha suite inside a real VS Code (test/harness/runIntegration.ts)
#   integration-min  the same suite in VS Code 1.138, the oldest engines.vscode claims
#                (test/harness/install.sh min installs it, once)
#   package      npm run package (dist/azure-openai-chat.vsix); fails when vsce warns
#   e2e          the VSIX in the real workbench in Chromium (test/e2e/*.e2e.ts, one VS Code each)
# `bash test/run-all.sh unit integration` runs only the layers named (the build always runs).
# A failed layer does not stop the others, except those that need what it makes.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

logs=.vscode-test/logs
mkdir -p "$logs"
layers=("$@")
summary=()
failed=()
started=$SECONDS

wanted() {
  ((${#layers[@]} == 0)) && return 0
  local layer
  for layer in "${layers[@]}"; do [[ $layer == "$1" ]] && return 0; done
  return 1
}

# run <layer> <command...>: runs it with its output on the terminal and in $logs/<layer>.log,
# then files the layer's count line (or the exit status) under the summary.
run() {
  local layer="$1"; shift
  local log="$logs/$layer.log" begin=$SECONDS status line
  echo
  echo "== $layer"
  "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  line="$(grep -E "^$layer: [0-9]+ passed, [0-9]+ failed" "$log" | tail -n 1)"
  summary+=("$(printf '%-12s %-6s %5d s  %s' "$layer" "$([[ $status == 0 ]] && echo ok || echo FAILED)" $((SECONDS - begin)) "${line:-"(exit $status, log: $log)"}")")
  if [[ $status != 0 ]]; then
    failed+=("$layer")
  fi
  return "$status"
}

skip() {
  summary+=("$(printf '%-12s %-6s         %s' "$1" skipped "$2")")
  failed+=("$1")
}

# The "# pass N" style totals at the end of node:test's TAP output.
tap_count() {
  grep -E "^# $1 [0-9]+" "$logs/unit.tap" | tail -n 1 | awk '{print $3}'
}

unit_tests() {
  local files
  mapfile -t files < <(find out/test/unit out/test/webview -name '*.test.js' 2>/dev/null | sort)
  if ((${#files[@]} == 0)); then
    echo "unit: 0 passed, 0 failed (no test files)"
    return 0
  fi
  # spec for people, TAP for the counts; a hung test must not hold CI until its own timeout.
  timeout -k 10 "${UNIT_TIMEOUT_SECONDS:-600}" node --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$logs/unit.tap" "${files[@]}"
  local status=$? pass fail cancelled
  if ((status == 124)); then
    echo "unit: timed out after ${UNIT_TIMEOUT_SECONDS:-600} s (UNIT_TIMEOUT_SECONDS)"
  fi
  pass="$(tap_count pass)"; fail="$(tap_count fail)"; cancelled="$(tap_count cancelled)"
  echo "unit: ${pass:-0} passed, $(( ${fail:-0} + ${cancelled:-0} )) failed"
  return "$status"
}

# Every E2E journey (test/e2e/*.e2e.js), each its own VS Code; one summed count line.
e2e_journeys() {
  local journey status=0 out pass=0 fail=0 line
  for journey in out/test/e2e/*.e2e.js; do
    out="$(mktemp)"
    node "$journey" 2>&1 | tee "$out"
    ((PIPESTATUS[0] == 0)) || status=1
    line="$(grep -E '^e2e: [0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)"
    pass=$((pass + $(awk '{print $2}' <<<"${line:-e2e: 0}")))
    fail=$((fail + $(awk '{print $4}' <<<"${line:-e2e: 0 passed, 1 failed}")))
    rm -f "$out"
  done
  echo "e2e: $pass passed, $fail failed"
  return "$status"
}

package_vsix() {
  # </dev/null: vsce must never wait for an answer to a prompt. A warning fails the layer
  # (issue 22: `vsce package` gives no warnings), although vsce itself goes on.
  local out status
  out="$(mktemp)"
  npm run --silent package </dev/null 2>&1 | tee "$out"
  status=${PIPESTATUS[0]}
  if ((status == 0)) && grep -q 'WARNING' "$out"; then
    echo "package: vsce warned (above); fix the cause rather than silencing it"
    status=1
  fi
  rm -f "$out"
  ((status == 0)) && ls -l dist/azure-openai-chat.vsix
  return "$status"
}

# A fresh machine: Debian packages first (Chromium, the toolchain for VS Code's native modules).
bash scripts/install-system-packages.sh || exit 1
if [[ ! -d node_modules ]]; then
  echo "== dependencies (npm ci)"
  npm ci --no-audit --no-fund || exit 1
fi

if ! run build node esbuild.mjs; then
  printf '%s\n' "${summary[@]}"
  echo "npm test: the build failed, nothing else can run" >&2
  exit 1
fi

# Strict types for host, webview and tests, and ESLint with zero warnings.
static_checks() {
  npm run --silent typecheck && npm run --silent lint && echo "static: 2 passed, 0 failed"
}
wanted static && run static static_checks

wanted unit && run unit unit_tests

harness_ready=1
if wanted integration || wanted e2e || wanted harness; then
  run harness bash test/harness/install.sh || harness_ready=0
fi

if wanted integration; then
  if ((harness_ready)); then
    run integration node out/test/harness/runIntegration.js
  else
    skip integration "the offline VS Code is not installed (see the harness layer)"
  fi
fi

# The same suite on the oldest VS Code the manifest claims (engines.vscode), installed on its own.
if wanted integration-min; then
  if run harness-min bash test/harness/install.sh min; then
    run integration-min env VSCODE_SERVER=min node out/test/harness/runIntegration.js
  else
    skip integration-min "VS Code 1.138 is not installed (see the harness-min layer)"
  fi
fi

if wanted e2e || wanted package; then
  packaged=1
  run package package_vsix || packaged=0
  if wanted e2e; then
    if ((!harness_ready)); then
      skip e2e "the offline VS Code is not installed (see the harness layer)"
    elif ((!packaged)); then
      skip e2e "no VSIX: npm run package failed (see the package layer)"
    else
      run e2e e2e_journeys
    fi
  fi
fi

echo
echo "== summary ($((SECONDS - started)) s)"
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo
  echo "npm test: FAILED in: ${failed[*]}. Layer output: $logs/<layer>.log; VS Code logs (server, extension host, workbench, screenshots): $logs/integration-*/ and $logs/e2e/; E2E screenshots: test/e2e/artifacts/"
  exit 1
fi
echo "npm test: all layers passed"
