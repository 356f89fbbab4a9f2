/**
 * Issue 14: the spec-driven fuzz test in `make test`. A fixed seed, so a
 * failure repeats; `make fuzz` runs longer with any seed. Every failure is
 * printed as the request that caused it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeFailure, runFuzz } from './run.js';

const SEED = 14;
const RUNS = 10_000;

test(`${RUNS.toLocaleString('en')} generated requests over every operation of both specs: no 5xx, every response as the spec says, no state change after a 4xx, both twins healthy at the end`, async (t) => {
  const report = await runFuzz({ seed: SEED, runs: RUNS });
  t.diagnostic(
    `seed ${report.seed}: ${report.requests} requests (${Object.entries(report.byApi)
      .map(([api, n]) => `${api} ${n}`)
      .join(
        ', ',
      )}) over ${report.operations} operations (at least ${report.fewestPerOperation} each); statuses ${JSON.stringify(report.byStatus)}; bodies ${JSON.stringify(report.byKind)}`,
  );
  assert.deepEqual(report.failures.slice(0, 10).map(describeFailure), [], `${report.failures.length} failures`);
  assert.equal(report.requests, RUNS);
  assert.ok(report.fewestPerOperation > 0, 'every operation got requests');
  assert.ok(report.healthy, 'both twins answer their health request at the end');
});
