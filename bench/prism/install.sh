#!/usr/bin/env bash
# Installs Stoplight Prism 5.14.2, the mock server `make bench` compares the twin with, into
# bench/prism/node_modules from this folder's own package.json and lockfile.
exec bash "$(dirname "$0")/../../scripts/install-apart.sh" "$(dirname "$0")" node_modules/.bin/prism
