#!/usr/bin/env bash
# Installs what berth needs on Debian 12 and builds it: Debian packages (runc, conmon,
# busybox-static, iproute2, nftables, tini), npm dependencies (npm ci, from the lockfile) and
# the TypeScript build. Safe to run again: each step is skipped when already done.
# --test also installs what only the tests use: docker.io (a real dockerd to cross-check
# saved and loaded images with; it is started only by that test, on its own roots); for the
# registry server's tests and bench and the registry client's pull/push tests, skopeo (a real
# registry client), docker-registry (Debian's distribution registry, the peer), apache2-utils
# (htpasswd -B) and openssl (a TLS certificate); python3, bind-mounted into a busybox
# container as the networks test's UDP server.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }
fail() { printf 'berth setup: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root: berth installs Debian packages and its daemon mounts filesystems"
command -v apt-get >/dev/null || fail "apt-get not found: berth's setup supports Debian 12 (bookworm)"
command -v node >/dev/null || fail "node not found: install Node.js 20 (20.12 or newer)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=12)?0:1)' \
  || fail "Node.js $(node --version) is too old: berth needs Node.js 20.12 or newer"
command -v npm >/dev/null || fail "npm not found: install npm (it comes with Node.js)"

# Debian packages: the runtime and monitor (runc, conmon), the built-in base image's source
# (busybox-static), networking (iproute2, nftables), the container init (tini).
PACKAGES=(runc conmon busybox-static iproute2 nftables tini)
[ "${1:-}" = "--test" ] && PACKAGES+=(docker.io skopeo docker-registry apache2-utils openssl python3)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || fail "apt-get update failed: check the network and /etc/apt/sources.list"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || fail "apt-get install ${missing[*]} failed"
fi
for bin in runc conmon busybox ip nft tini; do
  command -v "$bin" >/dev/null || [ -x "/bin/$bin" ] || fail "$bin is missing after installing packages"
done

# npm dependencies, reinstalled only when the lockfile changed.
stamp=node_modules/.berth-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error || fail "npm ci failed: check access to the npm registry"
  echo "$want" > "$stamp"
fi

say "building (tsc)"
npm run --silent build || fail "the TypeScript build failed"
node scripts/build-info.js
