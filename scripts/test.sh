#!/usr/bin/env bash
# Runs berth's whole test suite: sets up what it needs (Debian packages, npm ci, the build),
# checks the source rules and the import direction, then runs every test. The last line is the runner's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
npm run --silent check
exec node scripts/run-tests.js "$@"
