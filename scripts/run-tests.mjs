// Runs every *.test.ts under src/, contract-tests/ and corpus/ with Node's test runner (through tsx).
// Extra arguments are passed on as file filters: `node scripts/run-tests.mjs services`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const roots = ['src', 'contract-tests', 'corpus'];
const skip = new Set(['node_modules', 'dist', 'test-output']);
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts')) files.push(relative('.', path));
  }
};
for (const root of roots) walk(root);
const filters = process.argv.slice(2);
const selected = files.sort().filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (selected.length === 0) {
  console.error('no test files selected');
  process.exit(1);
}
const reporter = process.env.CI ? 'spec' : process.stdout.isTTY ? 'spec' : 'spec';
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-reporter=${reporter}`, ...selected], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test' },
});
process.exit(result.status ?? 1);
