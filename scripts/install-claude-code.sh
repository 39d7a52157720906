#!/usr/bin/env bash
# Installs the real Claude Code CLI, at the pinned version, into .tools/claude-code for the end-to-end
# tests that drive it (test/e2e/claude-code-cli.test.ts runs this itself when the CLI is missing).
# Not a devDependency: the package is a native binary of about 370 MB per platform, which every
# `npm ci`, Docker build and user install would otherwise download for a handful of tests.
# Idempotent. When npm cannot install it (no registry), it says so and exits 0: the tests then skip.
set -u
version=2.1.328
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$root/.tools/claude-code"
package="$prefix/node_modules/@anthropic-ai/claude-code"
binary="$package/bin/claude.exe"

installed() {
  [ -x "$binary" ] && [ "$("$binary" --version 2>/dev/null | cut -d' ' -f1)" = "$version" ]
}

installed && exit 0
echo "installing Claude Code $version into .tools/claude-code (for the Claude Code CLI tests)" >&2
log="$(mktemp)"
if npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$prefix" \
  "@anthropic-ai/claude-code@$version" >"$log" 2>&1; then
  # The package's postinstall copies the platform's binary over a stub; run it if npm skipped scripts.
  installed || (cd "$package" && node install.cjs >>"$log" 2>&1)
fi
if ! installed; then
  echo "could not install Claude Code $version; the Claude Code CLI tests will be skipped:" >&2
  tail -n 20 "$log" >&2
fi
rm -f "$log"
exit 0
