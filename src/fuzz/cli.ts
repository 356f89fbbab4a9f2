/**
 * `make fuzz`: a longer fuzz run than `make test`'s, with any seed.
 *
 *   node --import tsx src/fuzz/cli.ts [--seed N] [--runs N]
 *
 * Without --seed a random one is used and printed, so a failing run can be repeated.
 */
import { parseArgs } from 'node:util';
import { describeFailure, runFuzz } from './run.js';

const { values } = parseArgs({ options: { seed: { type: 'string' }, runs: { type: 'string' } }, strict: true });
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const runs = values.runs !== undefined ? Number(values.runs) : 100_000;
if (!Number.isInteger(seed) || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: fuzz [--seed N] [--runs N]');
  process.exit(2);
}
console.log(`fuzz: seed ${seed}, ${runs} requests`);
const started = Date.now();
const report = await runFuzz({ seed, runs });
console.log(JSON.stringify({ ...report, failures: report.failures.length, seconds: Math.round((Date.now() - started) / 1000) }, null, 2));
for (const f of report.failures.slice(0, Number(process.env.FUZZ_SHOW ?? 20))) console.log(describeFailure(f));
process.exit(report.failures.length === 0 && report.healthy ? 0 : 1);
