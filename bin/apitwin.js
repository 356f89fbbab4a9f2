#!/usr/bin/env node
// The package's command: runs the built CLI (`make build` or `npm run build` first).
import '../dist/src/cli.js';
