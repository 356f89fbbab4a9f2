// `make build`, after tsc: bundles the command (dist/src/cli.js as tsc wrote it, and everything it
// imports) into one CommonJS file, dist/src/cli.bundle.cjs, with esbuild; puts the launcher
// (scripts/cli-launcher.mjs) at dist/src/cli.js; and runs the command once (a twin of the Pet Store,
// answering a few requests) to keep the code V8 compiled in that run (dist/src/cli.bundle.cjs.cache).
// Resolving and reading the ~600 files of the server's module graph (express, openapi-backend, ajv,
// pino…) one by one, and then compiling them, was most of `apitwin serve`'s cold start.
//
// CommonJS, not an ES module, so that the launcher can hand V8 the cached code (vm.Script's
// `cachedData`; Node 20 has no compile cache for modules). What the command imports only when a run
// needs it (`import()`: the twin of any spec for `serve --spec`, the admin API's sampler) stays
// lazy: esbuild runs such a module's code only at its import.
//
// The output is minified (whitespace and syntax, names kept for stack traces): V8 scans every byte
// of the bundle it compiles without a cache. iconv-lite (body-parser's character sets, 550 kB of
// tables of which a UTF-8 body needs none) and mime-db (a JSON file Node parses faster than V8
// compiles it as code) are loaded from node_modules; both are direct dependencies so that they
// resolve from here however npm lays the tree out. Left outside the bundle, loaded from
// node_modules when used: better-sqlite3 (a native addon, for --store sqlite:), the packages only
// some runs need (yaml, swagger-parser, swagger2openapi, Ajv's standalone compiler), and what the
// code loads through createRequire (node-sql-parser, swagger-ui-dist, the generated validators).
// `apitwin contract` imports dist/contract-tests/cli.js, which stays as tsc wrote it, like the rest
// of dist/ (the typed client, the contract suite). The bundle sits where dist/src/cli.js was, so
// paths found from its own URL (the project root, ../contract-tests) are the same.
import { spawn } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'src');

/**
 * openapi-backend as the twins run it (`quick`, given the document as an object: `indexedBackend`)
 * never validates the document (openapi-schema-validator, with the OpenAPI 2.0 and 3.0 meta-schemas)
 * nor dereferences it asynchronously (its own json-schema-ref-parser, with js-yaml): it dereferences
 * synchronously, and only starts a `parse` of the object it already has. Nor does it mock responses
 * (mock-json-schema): the twins build their own. Those modules, a third of what every start loaded,
 * are given stand-ins that say so if ever called. The lodash it imports is the part of lodash it
 * uses (scripts/lodash-subset.cjs).
 */
const quickOpenapiBackend = {
  name: 'quick-openapi-backend',
  setup(b) {
    const fromBackend = (importer) => /[\\/]openapi-backend[\\/][^\\/]+\.js$/.test(importer);
    b.onResolve({ filter: /^(\.\/refparser|openapi-schema-validator|mock-json-schema)$/ }, (args) =>
      fromBackend(args.importer) ? { path: args.path, namespace: 'quick-openapi-backend' } : undefined,
    );
    b.onResolve({ filter: /^lodash$/ }, (args) =>
      fromBackend(args.importer) ? { path: join(root, 'scripts', 'lodash-subset.cjs') } : undefined,
    );
    const unused = (what) => `throw new Error('${what} is left out of the apitwin bundle: openapi-backend runs in quick mode')`;
    const standIns = {
      './refparser': `exports.parse = async (doc) => doc; exports.dereference = async () => { ${unused('json-schema-ref-parser')} }; exports.resolve = exports.dereference;`,
      'openapi-schema-validator': `module.exports = { default: class { constructor() { ${unused('openapi-schema-validator')} } } };`,
      'mock-json-schema': `exports.mock = () => { ${unused('mock-json-schema')} };`,
    };
    b.onLoad({ filter: /.*/, namespace: 'quick-openapi-backend' }, (args) => ({ loader: 'js', contents: standIns[args.path] }));
  },
};

/**
 * Modules that every start loaded but few runs use, given stand-ins that load them at their first use:
 * mime-types (express, body-parser and send require it at their top; loading it reads mime-db and
 * indexes its 2,500 types, a tenth of a cold start, while the twins write their Content-Type
 * themselves), iconv-lite (raw-body's, for bodies in other character sets than UTF-8), zlib
 * (body-parser's, for compressed bodies), qs (body-parser's, for form bodies), http-errors (whose
 * load builds a class for every status, for errors the twins mostly build themselves) and pino
 * (not loaded by a silent twin, src/log.ts). A stand-in lists the module's names as they are at
 * build time, so that even esbuild's import of a CommonJS module (which copies its names) does not
 * load it; a module that is a function is stood in for by a function.
 */
const LAZY = ['mime-types', 'iconv-lite', 'zlib', 'node:zlib', 'qs', 'http-errors', 'pino'];
const requireHere = createRequire(join(root, 'package.json'));
const lazyModules = {
  name: 'lazy-modules',
  setup(b) {
    const filter = new RegExp(`^(${LAZY.join('|')})$`);
    b.onResolve({ filter }, (args) => (args.namespace === 'lazy' ? undefined : { path: args.path, namespace: 'lazy' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => {
      const real = requireHere(args.path);
      return {
        loader: 'js',
        resolveDir: root,
        contents: `let real; const load = () => (real ??= require(${JSON.stringify(args.path)}));
const names = ${JSON.stringify(Object.getOwnPropertyNames(real))};
module.exports = new Proxy(${typeof real === 'function' ? '(...args) => load()(...args)' : '{}'}, {
  apply: (_, self, args) => Reflect.apply(load(), self, args),
  get: (_, key) => (key === '__esModule' ? ${real.__esModule === true} : load()[key]),
  has: (_, key) => names.includes(key),
  ownKeys: () => names,
  getOwnPropertyDescriptor: (_, key) =>
    names.includes(key) ? { configurable: true, enumerable: true, get: () => load()[key] } : undefined,
});`,
      };
    });
  },
};

/**
 * debug, which express, router, body-parser and finalhandler each call at their top for a logger of
 * their own: it writes nothing unless DEBUG names what to write when the process starts, and then
 * loading it (supports-color, node:tty, node:os) is all it does. Without DEBUG, its loggers are no-ops.
 */
const debugWhenAsked = {
  name: 'debug-when-asked',
  setup(b) {
    b.onResolve({ filter: /^debug$/ }, (args) =>
      args.namespace === 'debug-when-asked' ? undefined : { path: args.path, namespace: 'debug-when-asked' },
    );
    b.onLoad({ filter: /.*/, namespace: 'debug-when-asked' }, () => ({
      loader: 'js',
      resolveDir: root,
      contents: `module.exports = process.env.DEBUG ? require('debug') : () => () => {};`,
    }));
  },
};

/** The packages left outside the bundle, loaded from node_modules when a run needs them. */
const EXTERNAL = [
  'iconv-lite',
  'mime-db',
  'better-sqlite3',
  'yaml',
  '@apidevtools/swagger-parser',
  'swagger2openapi',
  'ajv/dist/standalone/index.js',
];
/**
 * `await import('yaml')` of a package outside the bundle becomes a require() at that point: code
 * compiled from V8's cache has no module loader behind its import() on Node 20 (the host options
 * that name it are not in the cache), and these packages are all CommonJS.
 */
const externalImportsAsRequire = {
  name: 'external-imports-as-require',
  setup(b) {
    const filter = new RegExp(`^(${EXTERNAL.map((e) => e.replace(/[./]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, namespace: 'require-external' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'require-external' }, (args) => ({
      loader: 'js',
      resolveDir: root,
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
    }));
  },
};

const entry = join(outdir, 'cli.js');
const launcher = join(root, 'scripts', 'cli-launcher.mjs');
if (readFileSync(entry, 'utf8') === readFileSync(launcher, 'utf8')) {
  throw new Error('dist/src/cli.js is already the launcher: run tsc (make build) before bundling');
}
const bundle = join(outdir, 'cli.bundle.cjs');
const { outputFiles } = await build({
  entryPoints: [entry],
  outfile: bundle,
  write: false,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: EXTERNAL,
  // The code finds files from its own URL (import.meta.url), which CommonJS spells __filename.
  define: { 'import.meta.url': '__apitwinModuleUrl' },
  // The bundle is the function the launcher calls, as Node wraps a CommonJS module, so that V8 compiles
  // the file's text as it is read and not a copy with the wrapper around it. Strict, as the ES module
  // bundle it replaces was.
  banner: {
    js: "(function (exports, require, module, __filename, __dirname) {'use strict';const __apitwinModuleUrl = require('node:url').pathToFileURL(__filename).href;",
  },
  footer: { js: '})' },
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [quickOpenapiBackend, lazyModules, debugWhenAsked, externalImportsAsRequire],
  logLevel: 'warning',
});
// ASCII only: esbuild escapes strings, but comments keep their characters, and one character outside
// ASCII makes V8 read the whole file as UTF-16. In a comment the escape is only text. The shebang
// goes: the launcher wraps the bundle in a function.
for (const output of outputFiles) {
  writeFileSync(
    output.path,
    output.text.replace(/^#!.*\n/, '').replace(/[^ -~\t\n\r]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}
// What earlier builds left: the chunks of the ES module bundle.
for (const name of readdirSync(outdir)) if (/^chunk-\w+\.js$/.test(name)) rmSync(join(outdir, name));
copyFileSync(launcher, entry);

/** The warm-up run: a twin of the Pet Store answers a few requests, and V8's compiled code is kept when it exits. */
async function warmUp() {
  const port = await new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
  const cache = `${bundle}.cache`;
  rmSync(cache, { force: true });
  const spec = join(root, 'contract-tests', 'fixtures', 'petstore.yaml');
  const child = spawn(process.execPath, [entry, 'serve', '--spec', spec, '--port', String(port), '--log-level', 'silent'], {
    env: { ...process.env, APITWIN_CODE_CACHE_OUT: cache },
    stdio: 'inherit',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    try {
      await fetch(`${base}/`);
      break;
    } catch (err) {
      if (tries > 600 || child.exitCode !== null) throw new Error(`the warm-up twin did not answer: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await fetch(`${base}/pets`);
  await fetch(`${base}/pets`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"Rex"}' });
  await fetch(`${base}/pets/1`);
  child.kill('SIGTERM');
  await exited;
  return cache;
}
const cache = await warmUp();
process.stdout.write(
  `the command → dist/src/cli.js, cli.bundle.cjs (${Math.round(readFileSync(bundle).length / 1024)} kB), and V8's code of a run → ${cache.slice(root.length + 1)}\n`,
);
