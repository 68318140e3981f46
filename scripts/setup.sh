#!/usr/bin/env bash
# Sets berth up on this machine (Debian 12, as root): installs and builds it, puts berth and
# berthd on the PATH, starts berthd in the background with the default settings, makes the
# built-in busybox image if it is missing, shows `berth images` and runs a first container from
# it. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

say() { printf '==> %s\n' "$*"; }
fail() { printf 'berth setup: %s\n' "$*" >&2; exit 1; }

scripts/install-deps.sh

say "linking berth and berthd into /usr/local/bin"
ln -sfn "$top/dist/src/cmd/cli.js" /usr/local/bin/berth
ln -sfn "$top/dist/src/cmd/daemon.js" /usr/local/bin/berthd

SOCK=/run/berth/berth.sock
PIDFILE=/run/berth/berthd.pid
LOG=/var/log/berthd.log
export BERTH_HOST="unix://$SOCK"

# The build a running daemon reports (its BuildTime) against the one just built.
running_build() {
  node -e '
    const http = require("node:http");
    const req = http.get({ socketPath: process.argv[1], path: "/version", timeout: 2000 }, (res) => {
      let b = ""; res.on("data", (c) => (b += c));
      res.on("end", () => { try { process.stdout.write(JSON.parse(b).BuildTime || "?"); } catch { process.stdout.write("?"); } });
    });
    req.on("error", () => process.exit(1));
    req.on("timeout", () => { req.destroy(); process.exit(1); });
  ' "$SOCK" 2>/dev/null
}
built=$(node -e 'process.stdout.write(require("./dist/build-info.json").buildTime || "")')

if current=$(running_build); then
  if [ "$current" = "$built" ]; then
    say "berthd is running this build already"
  else
    say "berthd is running an older build: restarting it"
    pid=$(cat "$PIDFILE" 2>/dev/null || true)
    [ -n "$pid" ] || fail "berthd answers on $SOCK but $PIDFILE is missing: stop it by hand"
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && fail "berthd (pid $pid) did not stop"
    current=""
  fi
else
  current=""
fi

if [ -z "$current" ]; then
  say "starting berthd (log: $LOG)"
  mkdir -p "$(dirname "$LOG")"
  setsid nohup /usr/local/bin/berthd >>"$LOG" 2>&1 < /dev/null &
  for _ in $(seq 1 300); do
    running_build >/dev/null && break
    sleep 0.1
  done
  running_build >/dev/null || { tail -n 20 "$LOG" >&2; fail "berthd did not start: see $LOG"; }
fi

say "making the built-in base image (busybox:latest from busybox-static) if missing"
berth image seed

say "berth images"
berth images

say "berth run --rm busybox ... (a first container: runc under conmon)"
berth run --rm busybox sh -c 'echo "hello from berth container $(hostname), running $(uname -sr)"'
