// `make build`, after tsc: bundles the command (dist/src/cli.js and everything it imports) into that
// file, with esbuild. Resolving and reading the ~600 files of the server's module graph (express,
// openapi-backend, ajv, pino…) one by one was most of `apitwin serve`'s cold start.
//
// The output is minified (whitespace and syntax, names kept for stack traces): V8 scans every byte
// of a chunk it loads, and the source text was most of what a start compiled. iconv-lite (body-parser's
// character sets, 550 kB of tables of which a UTF-8 body needs none) and mime-db (a JSON file Node
// parses faster than V8 compiles it as code) are loaded from node_modules; both are direct
// dependencies so that they resolve from here however npm lays the tree out.
//
// What the command imports only when a run needs it (`import()`: the twin of any spec for
// `serve --spec`, the admin API's sampler) goes to chunks beside it (dist/src/chunk-*.js), loaded
// with the import, and so do the packages those parts import. Left outside the bundle, loaded from
// node_modules when used: better-sqlite3 (a native addon, for --store sqlite:), the packages only
// some runs need (yaml, swagger-parser, swagger2openapi, Ajv's standalone compiler), and what the
// code loads through createRequire (node-sql-parser, swagger-ui-dist, the generated validators).
// openapi-sampler, which every generic twin uses, is bundled: imported from outside as CommonJS,
// its source would be lexed for exports at each start. `apitwin contract` imports
// dist/contract-tests/cli.js, which stays as tsc wrote it, like the rest of dist/ (the typed
// client, the contract suite). The bundle and its
// chunks sit where dist/src/cli.js was, so paths found from their own URL (the project root,
// ../contract-tests) are the same.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'src');

/**
 * openapi-backend as the twins run it (`quick`, given the document as an object: `indexedBackend`)
 * never validates the document (openapi-schema-validator, with the OpenAPI 2.0 and 3.0 meta-schemas)
 * nor dereferences it asynchronously (its own json-schema-ref-parser, with js-yaml): it dereferences
 * synchronously, and only starts a `parse` of the object it already has. Those modules, a third of the
 * chunk every start loads, are given stand-ins that say so if ever called.
 */
const quickOpenapiBackend = {
  name: 'quick-openapi-backend',
  setup(b) {
    const fromBackend = (importer) => /[\\/]openapi-backend[\\/][^\\/]+\.js$/.test(importer);
    b.onResolve({ filter: /^(\.\/refparser|openapi-schema-validator)$/ }, (args) =>
      fromBackend(args.importer) ? { path: args.path, namespace: 'quick-openapi-backend' } : undefined,
    );
    const unused = (what) => `throw new Error('${what} is left out of the apitwin bundle: openapi-backend runs in quick mode')`;
    b.onLoad({ filter: /.*/, namespace: 'quick-openapi-backend' }, (args) => ({
      loader: 'js',
      contents:
        args.path === './refparser'
          ? `exports.parse = async (doc) => doc; exports.dereference = async () => { ${unused('json-schema-ref-parser')} }; exports.resolve = exports.dereference;`
          : `module.exports = { default: class { constructor() { ${unused('openapi-schema-validator')} } } };`,
    }));
  },
};

const { outputFiles } = await build({
  entryPoints: [join(outdir, 'cli.js')],
  outdir,
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  splitting: true,
  write: false,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: [
    'iconv-lite',
    'mime-db',
    'better-sqlite3',
    'yaml',
    '@apidevtools/swagger-parser',
    'swagger2openapi',
    'ajv/dist/standalone/index.js',
  ],
  // The CommonJS packages inside call require() for Node's built-in modules, which an ES module has not.
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [quickOpenapiBackend],
  logLevel: 'warning',
});
// ASCII only: esbuild escapes strings, but comments keep their characters, and one character outside
// ASCII makes Node decode, and V8 scan, the whole file as UTF-16. In a comment the escape is only text.
for (const output of outputFiles) {
  writeFileSync(
    output.path,
    output.text.replace(/[^ -~\t\n\r]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}
