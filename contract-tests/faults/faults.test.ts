/**
 * The checks bite: each deliberately broken twin (one fault injected in front
 * of our app) makes exactly the check named for the broken property fail.
 * "Exactly" is measured against a run on the unbroken twin: every case that
 * fails with the fault and not without it must belong to the expected check
 * (so a gap between the twin and its spec elsewhere does not blur the verdict,
 * and suite.test.ts reports such a gap on its own).
 *
 * Dredd's example_replay is left out: it replays examples, so it sees most
 * faults too (a wrong status, an extra field); the named checks are what the
 * faults are for. Every named check has a fault here.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { runSuite } from '../engine/run.js';
import { type ApiName, type CaseResult, CHECK_NAMES, type CheckName } from '../engine/types.js';
import { formatFailure } from '../reporting/terminal.js';
import { FAULTS, type Fault, type RunningTwin, startTwin } from './index.js';

const ONLY = CHECK_NAMES.filter((c) => c !== 'example_replay');
const key = (r: CaseResult) => `${r.phase} ${r.check} ${r.name}`;

// One twin per API for the whole file; each run starts from its initial state.
const twins = new Map<ApiName, Promise<RunningTwin>>();
const twinFor = (api: ApiName) => {
  let twin = twins.get(api);
  if (!twin) {
    twin = startTwin(api);
    twins.set(api, twin);
  }
  return twin;
};
after(async () => {
  for (const twin of twins.values()) await (await twin).close();
});

async function run(api: ApiName, fault?: Fault): Promise<CaseResult[]> {
  const twin = await twinFor(api);
  await twin.inject(fault);
  return (await runSuite({ api, target: twin.url, only: ONLY, allowDestructive: true })).results;
}

// One clean run per API, the reference the faulty runs are compared with.
const baselines = new Map<ApiName, Set<string>>();
async function baseline(api: ApiName): Promise<Set<string>> {
  let b = baselines.get(api);
  if (!b) {
    b = new Set((await run(api)).filter((r) => r.status === 'fail').map(key));
    baselines.set(api, b);
  }
  return b;
}

describe('fault-injected twins', () => {
  test('every named check has a fault that must make it fail', () => {
    const covered = new Set<CheckName>(FAULTS.map((f) => f.check));
    assert.deepEqual(
      ONLY.filter((c) => !covered.has(c)),
      [],
    );
  });

  for (const fault of FAULTS) {
    test(`${fault.check} fails, and only it, when ${fault.description} (${fault.api})`, async () => {
      const clean = await baseline(fault.api);
      const results = await run(fault.api, fault);
      const newlyFailing = results.filter((r) => r.status === 'fail' && !clean.has(key(r)));
      const why = newlyFailing.map((r, i) => formatFailure(r, i + 1)).join('\n');
      assert.ok(
        newlyFailing.some((r) => r.check === fault.check),
        `${fault.check} did not fail`,
      );
      assert.deepEqual([...new Set(newlyFailing.map((r) => r.check))], [fault.check], `other checks failed too:\n${why}`);
      // Each failure says what was received and what is documented, with a request to repeat.
      for (const f of newlyFailing.flatMap((r) => r.failures)) {
        assert.match(f.message, /Received: .*\nDocumented: /s);
        assert.match(f.curl ?? '', /^curl -i -X [A-Z]+ .*'http:\/\/127\.0\.0\.1:\d+\//);
      }
    });
  }
});
