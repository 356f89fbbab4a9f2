/**
 * The twin against the real pip-services-sessions-node 1.1.0 (on Node 16,
 * contract-tests/real-pip), each started fresh and empty: every case of
 * pip-sessions.ts is sent to both, and the answers must be the same after
 * normalising ids and times, except where an intended deviation allows a
 * difference. Each deviation is explained in the spec's description.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createApp } from '../../src/app.js';
import { testConfig } from '../../src/config.js';
import { runContractCli } from '../cli.js';
import { type RealPip, startRealPip } from '../real-pip/harness.js';
import { type DiffRun, describeOutcome, runDifferential } from './engine.js';
import { COMMANDS, PIP_DEVIATIONS, pipSessionsCases } from './pip-sessions.js';

let real: RealPip;
let twin: import('node:http').Server;
let run: DiffRun;

before(
  async () => {
    const apps = await createApp(testConfig({ adminApi: false }));
    twin = createServer(apps.pip).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => twin.once('listening', () => resolve()));
    real = await startRealPip({ timeoutMs: 60_000 });
    run = await runDifferential({
      cases: pipSessionsCases(),
      deviations: PIP_DEVIATIONS,
      target: `http://127.0.0.1:${(twin.address() as AddressInfo).port}`,
      reference: real.url,
    });
  },
  { timeout: 180_000 },
);
after(async () => {
  await real?.close();
  await new Promise<void>((resolve) => (twin ? twin.close(() => resolve()) : resolve()));
});

describe('the twin answers as the real pip-services-sessions-node 1.1.0', () => {
  test('sends a few hundred requests covering every command, odd bodies, routing, paging and filters', () => {
    assert.ok(run.summary.compared >= 300, `only ${run.summary.compared} cases`);
    const paths = new Set(run.outcomes.map((o) => o.case.path.split('?')[0]));
    for (const command of COMMANDS) {
      assert.ok(paths.has(`/v1/sessions/${command}`), command);
    }
  });

  test('every answer is the same, except where a listed deviation allows it', () => {
    const different = run.outcomes.filter((o) => o.verdict === 'different');
    assert.equal(
      different.length,
      0,
      `${different.length} of ${run.summary.compared} answers differ:\n\n${different.map(describeOutcome).join('\n\n')}`,
    );
  });

  test('each case-level deviation does differ (the list stays honest)', () => {
    const notDiffering = run.outcomes.filter((o) => o.case.deviation !== undefined && o.verdict === 'same');
    assert.deepEqual(
      notDiffering.map((o) => o.case.name),
      [],
    );
  });

  test('every deviation is explained in the spec’s description', () => {
    const spec = readFileSync(new URL('../../openapi/pip-sessions.yaml', import.meta.url), 'utf8');
    for (const d of PIP_DEVIATIONS) assert.ok(spec.includes(`(deviation \`${d.id}\`)`), `the spec does not explain the deviation ${d.id}`);
  });
});

describe('apitwin contract --reference', () => {
  test('runs the differential cases instead of the checks, and stops with exit 1 when the reference does not answer', async () => {
    let out = '';
    const stream = { write: (s: string) => (out += s) };
    const twinUrl = `http://127.0.0.1:${(twin.address() as AddressInfo).port}`;
    const code = await runContractCli(['--api', 'pip-sessions', '--target', twinUrl, '--reference', 'http://127.0.0.1:1'], {
      stdout: stream,
      stderr: stream,
    });
    assert.equal(code, 1);
    assert.match(out, /^Comparing http:\/\/127\.0\.0\.1:\d+ \(target\) with http:\/\/127\.0\.0\.1:1 \(reference\)/);
    assert.match(out, /the run stopped: fetch failed/);
  });

  test('refuses a reference that is not a URL (usage error, exit 2)', async () => {
    let err = '';
    const code = await runContractCli(['--api', 'pip-sessions', '--target', 'http://127.0.0.1:1', '--reference', 'nowhere'], {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (err += s) },
    });
    assert.equal(code, 2);
    assert.match(err, /--reference must be an http\(s\) URL/);
  });
});
