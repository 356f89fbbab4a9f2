#!/usr/bin/env bash
# Installs a folder's own npm dependencies (its package.json and lockfile) into its own
# node_modules, apart from apitwin's: Prism for `make bench`, the real pip service, the corpus.
# Usage: install-apart.sh DIR PATH...   (each PATH, relative to DIR, must exist once installed)
# --ignore-scripts: nothing is built or downloaded at install time. Idempotent, and quick when
# already installed (a stamp newer than the lockfile); two processes asking at once take turns.
set -euo pipefail
cd "$1"
shift
stamp=node_modules/.install-stamp
installed() {
  [[ -f $stamp && $stamp -nt package-lock.json ]] || return 1
  for path in "$@"; do [[ -e $path ]] || return 1; done
}
installed "$@" && exit 0
exec 9<package-lock.json
flock 9
installed "$@" && exit 0
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
touch "$stamp"
echo "installed $(node -p "Object.keys(require('./package.json').dependencies ?? {}).join(', ')") in $(basename "$PWD")"
