#!/usr/bin/env node
// dist/src/cli.js, the command as built: scripts/bundle.mjs copies this file there, beside the
// bundle of the whole command (cli.bundle.cjs) and V8's compiled code of it (cli.bundle.cjs.cache).
//
// Why not an ES module Node loads itself: on Node 20 nothing keeps compiled code between runs
// (module.enableCompileCache is Node 22), so every start compiled the bundle's 1.3 MB again, a third
// of a cold start. A CommonJS bundle compiled through vm.Script can be given the code V8 compiled
// in a run at build time (`cachedData`). When the cache is missing, or V8 rejects it (another Node
// version or V8 flags), the bundle is compiled as usual: the cache is only ever a speed-up.
import { readFileSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const bundle = fileURLToPath(new URL('./cli.bundle.cjs', import.meta.url));
const cacheFile = `${bundle}.cache`;
/** At build time only: where to write the compiled code when the warm-up run exits. */
const cacheOut = process.env.APITWIN_CODE_CACHE_OUT;

let cachedData;
if (!cacheOut) {
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache beside the bundle (a build without its warm-up run): compile it.
  }
}
// latin1: the bundle is ASCII (scripts/bundle.mjs escapes everything else), and a one-byte read needs no decoding.
// The bundle is a function expression of CommonJS's parameters (scripts/bundle.mjs).
const script = new vm.Script(readFileSync(bundle, 'latin1'), {
  filename: bundle,
  cachedData,
});
// Code compiled from the cache has no module loader behind its import() on Node 20 (vm's
// importModuleDynamically is not kept in the cache), so the bundle imports ES modules (`apitwin
// contract` loads the compiled suite) with this module's import(), lent under a registered symbol.
globalThis[Symbol.for('apitwin.import')] = (specifier) => import(specifier);
if (cacheOut) process.once('exit', () => writeFileSync(cacheOut, script.createCachedData()));

const module = { exports: {} };
script.runInThisContext()(module.exports, Module.createRequire(bundle), module, bundle, fileURLToPath(new URL('.', import.meta.url)));
