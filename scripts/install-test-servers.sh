#!/usr/bin/env bash
# Installs the real servers some tests use (Redis, Prometheus) from Debian's packages when they are
# missing and this user may install packages. Tests that need them start their own instances on loopback.
set -u
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "not installing ${missing[*]} (needs root and apt-get); tests that need them will say so" >&2
  exit 0
fi
echo "installing ${missing[*]} from Debian's packages" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
  echo "could not install ${missing[*]}" >&2
# The packages start system services; the tests run their own instances instead.
for service in redis-server prometheus; do
  (service "$service" stop || systemctl stop "$service") >/dev/null 2>&1 || true
done
exit 0
