#!/usr/bin/env bash
# From a fresh clone to a running gateway, without Docker, in one command:
#   ./start.sh         installs Node.js 24 when this machine's is older (into .tools/, nothing system-wide),
#                      installs the dependencies when they are missing or stale, builds when the sources
#                      changed, reads .env when there is one, and starts the gateway.
#   ./start.sh test    the same set-up, then the whole test suite (offline).
set -euo pipefail
cd "$(dirname "$0")"

# shellcheck source=scripts/use-node.sh
source scripts/use-node.sh

# npm records what it installed in node_modules/.package-lock.json; a newer lock file means stale modules.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi

# An incremental build: a second or two when nothing changed, and it rewrites nothing then.
if [ ! -f dist/main.js ]; then rm -f dist/.tsbuildinfo; fi
node node_modules/typescript/bin/tsc -p tsconfig.build.json --incremental --tsBuildInfoFile dist/.tsbuildinfo
# The console's page (Vite): built when it is missing or its sources changed since, as `npm run build` does.
console_page=dist/console/web/index.html
if [ ! -f "$console_page" ] || [ -n "$(find console package-lock.json -newer "$console_page" -type f -print -quit)" ]; then
  echo "Building the console" >&2
  node node_modules/vite/bin/vite.js build --config console/vite.config.ts --logLevel warn >&2
fi

if [ "${1:-}" = "test" ]; then
  shift
  exec npm test -- "$@"
fi

if [ -f .env ]; then
  set -a
  # shellcheck source=/dev/null
  . ./.env
  set +a
fi
# glibc gives each thread that allocates its own malloc arena and keeps freed memory in them: under
# load that held 35-40 MB more resident memory in `npm run bench` (bench/README.md). Two arenas cost no
# measurable CPU there. musl (the Alpine image) has no such arenas. A value in the environment or .env wins.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec node --max-semi-space-size=8 dist/main.js
