#!/usr/bin/env bash
# Installs the real servers some tests use (Redis, Prometheus), and what the image test builds and checks
# the Docker image with (podman, debootstrap, Compose), from Debian's packages when they are missing and
# this user may install packages. Tests that need them start their own instances on loopback (temporary
# ports and folders) and are skipped, with a warning, when the binaries are absent.
set -u
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v podman-compose >/dev/null 2>&1 || missing+=(podman-compose)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "not installing ${missing[*]} (needs root and apt-get); tests that need them will say so" >&2
  exit 0
fi
echo "installing ${missing[*]} from Debian's packages" >&2
export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
apt-get update -qq >"$log" 2>&1 || true
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
  echo "could not install ${missing[*]}; the tests that need them will be skipped:" >&2
  tail -n 20 "$log" >&2
fi
rm -f "$log"
# The packages start system services; the tests run their own instances instead.
for service in redis-server prometheus; do
  (service "$service" stop || systemctl stop "$service") >/dev/null 2>&1 || true
done
exit 0
