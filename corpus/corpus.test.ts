/**
 * `make test`'s corpus sample: the 100 specs of corpus/sample.txt (a seeded
 * draw from the APIs.guru directory), each served as a generic twin in a
 * worker process and given the light pass (corpus/light.ts: every operation
 * once with its documented example, no 5xx, which includes every response
 * validating against the spec; each resource's create → read → delete → 404
 * round trip). The whole contract suite per spec is `make corpus`: it takes
 * too long for `make test`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runCorpus, totalsOf } from './run.js';

const ids = readFileSync(new URL('./sample.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

test('the 100-spec corpus sample: at least 99 load and serve, at least 95 pass the light pass', { timeout: 600_000 }, async () => {
  assert.equal(ids.length, 100);
  const started = performance.now();
  const results = await runCorpus({ ids, mode: 'light', jobs: 2, timeoutMs: 120_000 });
  const totals = totalsOf(results, performance.now() - started);
  const failures = results.filter((r) => !r.passed).map((r) => `${r.id}: ${r.reasons.join(' | ')}`);
  assert.ok(totals.loaded >= 99, `loaded ${totals.loaded}/100:\n${failures.join('\n')}`);
  assert.ok(totals.served >= 99, `served ${totals.served}/100:\n${failures.join('\n')}`);
  // The target is 95; 98 pass today (Jira's and Zuora's are left, see corpus/results.md).
  // This floor keeps what works from going backwards, with a little margin.
  assert.ok(totals.passed >= 95, `passed ${totals.passed}/100:\n${failures.join('\n')}`);
});
