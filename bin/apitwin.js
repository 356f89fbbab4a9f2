#!/usr/bin/env node
// The package's command. It runs the built CLI (dist/, from `make build`); in a checkout where only
// `make install` has run, it runs the TypeScript source through tsx (a dev dependency) instead.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// Node 22.1 and later keep V8's compiled code of the command between runs (NODE_DISABLE_COMPILE_CACHE=1
// turns it off); Node 20 has no such cache, and starts from the bundle in dist/ alone.
module.enableCompileCache?.();

const built = new URL('../dist/src/cli.js', import.meta.url);
if (existsSync(fileURLToPath(built))) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli.ts', import.meta.url).href);
}
