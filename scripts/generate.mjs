// Regenerates generated/<api>.ts from openapi/<api>.yaml with openapi-typescript,
// for every API listed in redocly.yaml (its `x-openapi-ts.output` names the file).
// With --check, fails when a committed file is stale instead of writing it.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const bin = join(root, 'node_modules', '.bin', 'openapi-typescript');
try {
  execFileSync(bin, ['--redocly', 'redocly.yaml', ...(check ? ['--check'] : [])], { cwd: root, stdio: 'inherit' });
} catch {
  console.error("generated/ is out of date with openapi/: run 'make generate' and commit the result");
  process.exit(1);
}
