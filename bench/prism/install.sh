#!/usr/bin/env bash
# Installs Stoplight Prism 5.14.2, the mock server `make bench` compares the twin with, into
# bench/prism/node_modules from this folder's own package.json and lockfile, apart from
# apitwin's dependencies. Idempotent, and quick when already installed (a stamp newer than
# the lockfile).
set -euo pipefail
cd "$(dirname "$0")"
stamp=node_modules/.install-stamp
installed() {
  [[ -f $stamp && $stamp -nt package-lock.json && -x node_modules/.bin/prism ]]
}
installed && exit 0
exec 9<package-lock.json
flock 9
installed && exit 0
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
touch "$stamp"
echo "bench/prism: installed Prism $(node -p "require('./node_modules/@stoplight/prism-cli/package.json').version")"
