#!/usr/bin/env bash
# Installs the real Codex CLI (@openai/codex, at the pinned version) into .tools/codex for the end-to-end
# tests that drive it (test/e2e/codex-cli.test.ts runs this itself when the CLI is missing).
# Not a devDependency: the package holds a native binary of about 400 MB per platform, which every
# `npm ci`, Docker build and user install would otherwise download for a handful of tests.
# Idempotent. When npm cannot install it (no registry), it says so and exits 0: the tests then skip.
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
