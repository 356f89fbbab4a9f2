// `make build`, after tsc: bundles the command (dist/src/cli.js and everything it imports) into that
// one file, with esbuild. Resolving and reading the ~600 files of the server's module graph
// (express, openapi-backend, ajv, pino…) one by one was most of `apitwin serve`'s cold start.
//
// Left outside the bundle, loaded from node_modules when used: better-sqlite3 (a native addon,
// for --store sqlite:), the packages only some runs need (yaml for /openapi.yaml, openapi-sampler
// for the admin API, swagger-parser for a spec edited since `make generate`, swagger2openapi for
// `serve --spec` of a Swagger 2.0 document, Ajv's standalone compiler for `make generate`), and what the code loads through createRequire (node-sql-parser,
// swagger-ui-dist, the generated validators). `apitwin contract` imports dist/contract-tests/cli.js, which stays as tsc wrote it,
// like the rest of dist/ (the typed client, the contract suite). The bundle sits where
// dist/src/cli.js was, so paths it finds from its own URL (the project root, ../contract-tests)
// are the same.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'src', 'cli.js');

const { outputFiles } = await build({
  entryPoints: [cli],
  outfile: cli,
  write: false,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', 'yaml', 'openapi-sampler', '@apidevtools/swagger-parser', 'swagger2openapi', 'ajv/dist/standalone/index.js'],
  // The CommonJS packages inside call require() for Node's built-in modules, which an ES module has not.
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
// ASCII only: esbuild escapes strings, but comments keep their characters, and one character outside
// ASCII makes Node decode, and V8 scan, the whole file as UTF-16. In a comment the escape is only text.
const [output] = outputFiles;
if (!output) throw new Error('esbuild wrote nothing');
writeFileSync(
  cli,
  output.text.replace(/[^ -~\t\n\r]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
);
