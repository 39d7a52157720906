#!/usr/bin/env bash
# Installs the real Codex CLI (@openai/codex, pinned) into .tools/codex for the end-to-end tests that drive
# it against the gateway (test/e2e/codex-cli.test.ts). The npm package holds a native binary for this
# platform (about 400 MB unpacked), so it is installed on purpose here, by CI and by whoever wants those
# tests, rather than as a devDependency every `npm ci` would download. The tests are skipped, with a
# warning that names this script, when it is absent.
set -u
version="0.169.0"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$root/.tools/codex"
installed="$prefix/node_modules/@openai/codex/package.json"
if [ -f "$installed" ] && grep -q "\"version\": \"$version\"" "$installed"; then
  exit 0
fi
echo "installing @openai/codex@$version into .tools/codex" >&2
log="$(mktemp)"
if ! npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix "$prefix" "@openai/codex@$version" >"$log" 2>&1; then
  echo "could not install @openai/codex@$version; the Codex CLI tests will be skipped:" >&2
  tail -n 20 "$log" >&2
fi
rm -f "$log"
exit 0
