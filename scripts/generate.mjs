// Regenerates generated/ from openapi/<api>.yaml, for every API listed in redocly.yaml:
// - generated/<api>.ts: the types, by openapi-typescript (its `x-openapi-ts.output` names the file);
// - generated/<api>.bundle.json and generated/<api>.validators.cjs: what the twin loads at start
//   instead of validating, bundling and compiling the spec (scripts/generate-runtime.ts).
// With --check, fails when a committed file is stale instead of writing it.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check') ? ['--check'] : [];
const run = (file, args) => {
  try {
    execFileSync(file, args, { cwd: root, stdio: 'inherit' });
  } catch {
    console.error("generated/ is out of date with openapi/: run 'make generate' and commit the result");
    process.exit(1);
  }
};
run(join(root, 'node_modules', '.bin', 'openapi-typescript'), ['--redocly', 'redocly.yaml', ...check]);
run(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'generate-runtime.ts'), ...check]);
