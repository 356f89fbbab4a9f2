// `make build`, after tsc: Dredd's transactions of each of our specs, compiled once
// (dist/contract-tests/dredd/<api>.transactions.json), so that `apitwin contract` does not parse
// the spec with Dredd's OpenAPI 3 parser at every run (contract-tests/dredd/run.ts says when it
// uses them: only for the very document they were compiled from).
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { writeCompiledTransactions } = await import(pathToFileURL(join(root, 'dist', 'contract-tests', 'dredd', 'run.js')).href);
for (const api of ['maxscale', 'pip-sessions']) {
  const file = await writeCompiledTransactions(api);
  process.stdout.write(`Dredd's transactions of openapi/${api}.yaml → ${relative(root, file)}\n`);
}
