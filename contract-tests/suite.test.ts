/**
 * The contract suite against our own twins, in-process on free loopback ports:
 * both pass every check, every documented operation is exercised, and the
 * `apitwin contract` command behaves as documented (help, usage errors, exit
 * codes, the closing `N passed, N failed` line, JUnit and JSON reports).
 *
 * Dredd's example_replay is left to `make contract` (the lead's Dredd run
 * against the built twins); everything else runs here.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runContractCli } from './cli.js';
import { runSuite } from './engine/run.js';
import { loadSpecModel } from './engine/spec.js';
import { type ApiName, type CaseResult, CHECK_NAMES } from './engine/types.js';
import { FAULTS, type RunningTwin, startTwin } from './faults/index.js';
import { formatFailure } from './reporting/terminal.js';

const ONLY = CHECK_NAMES.filter((c) => c !== 'example_replay');
const twins = {} as Record<ApiName, RunningTwin>;
const dir = mkdtempSync(join(tmpdir(), 'apitwin-contract-'));

before(async () => {
  twins.maxscale = await startTwin('maxscale');
  twins['pip-sessions'] = await startTwin('pip-sessions');
});
after(async () => {
  await twins.maxscale?.close();
  await twins['pip-sessions']?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Captures what the command writes. */
function streams() {
  const out = { text: '', isTTY: false, write: (s: string) => (out.text += s) };
  const err = { text: '', write: (s: string) => (err.text += s) };
  return { stdout: out, stderr: err };
}

const lastLine = (text: string) => text.trimEnd().split('\n').pop();

for (const api of ['maxscale', 'pip-sessions'] as const) {
  describe(`our ${api} twin`, () => {
    let results: CaseResult[];
    before(async () => {
      await twins[api].inject(undefined);
      // Our twin is ours to change: the destructive requests too, so every operation is called.
      results = (await runSuite({ api, target: twins[api].url, only: ONLY, allowDestructive: true })).results;
    });

    test('passes every check', () => {
      const failed = results.filter((r) => r.status === 'fail');
      assert.equal(failed.length, 0, failed.map((r, i) => formatFailure(r, i + 1)).join('\n'));
    });

    test('has every documented operation called and judged by the conformance checks', async () => {
      const spec = await loadSpecModel(api);
      const judged = new Set(results.filter((r) => r.phase === 'conformance' && r.status === 'pass').map((r) => r.name));
      const missing = spec.operations.map((o) => `${o.method} ${o.path} (${o.id})`).filter((name) => !judged.has(name));
      assert.deepEqual(missing, []);
    });
  });
}

describe('apitwin contract', () => {
  test('--help lists every check and exits 0', async () => {
    const s = streams();
    assert.equal(await runContractCli(['--help'], s), 0);
    for (const check of CHECK_NAMES) assert.match(s.stdout.text, new RegExp(`\\b${check}\\b`));
  });

  const usageErrors: [string, string[], RegExp][] = [
    ['no --api', ['--target', 'http://127.0.0.1:1'], /--api \(maxscale or pip-sessions\) or --spec FILE_OR_URL is required/],
    ['an unknown api', ['--api', 'nope', '--target', 'http://127.0.0.1:1'], /--api must be/],
    ['no --target', ['--api', 'maxscale'], /--target is required/],
    ['a target that is not a URL', ['--api', 'maxscale', '--target', 'localhost:8989'], /--target must be an http/],
    ['an unknown check', ['--api', 'maxscale', '--target', 'http://127.0.0.1:1', '--only', 'nope'], /unknown check or phase 'nope'/],
    ['a malformed --report', ['--api', 'maxscale', '--target', 'http://127.0.0.1:1', '--report', 'xml=a'], /--report must be/],
  ];
  for (const [what, argv, message] of usageErrors) {
    test(`${what} is a usage error: exit 2 with a message`, async () => {
      const s = streams();
      assert.equal(await runContractCli(argv, s), 2);
      assert.match(s.stderr.text, message);
    });
  }

  test('a passing run exits 0, ends with the summary line, and writes JUnit and JSON reports', async () => {
    const s = streams();
    const junit = join(dir, 'pass.xml');
    const json = join(dir, 'pass.json');
    const code = await runContractCli(
      [
        '--api',
        'pip-sessions',
        '--target',
        twins['pip-sessions'].url,
        '--only',
        'conformance,stateful',
        '--report',
        `junit=${junit}`,
        '--report',
        `json=${json}`,
      ],
      s,
    );
    assert.equal(code, 0, s.stdout.text);
    assert.match(lastLine(s.stdout.text) ?? '', /^\d+ passed, 0 failed$/);
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    assert.match(xml, /<testsuite name="conformance" tests="\d+" failures="0"/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      summary: { failed: number; passed: number; skipped: number };
      cases: unknown[];
    };
    assert.equal(report.summary.failed, 0);
    assert.equal(report.cases.length, report.summary.passed + report.summary.skipped);
  });

  test('a failing run exits 1 and shows each failure with Received/Documented and a curl command; the JSON has request, response and expectation', async () => {
    const fault = FAULTS.find((f) => f.check === 'status_code_conformance');
    assert.ok(fault);
    await twins.maxscale.inject(fault);
    try {
      const s = streams();
      const json = join(dir, 'fail.json');
      const code = await runContractCli(
        ['--api', 'maxscale', '--target', twins.maxscale.url, '--only', 'status_code_conformance', '--report', `json=${json}`],
        s,
      );
      assert.equal(code, 1);
      assert.match(s.stdout.text, /status_code_conformance · conformance · POST \/services \(createService\)/);
      assert.match(s.stdout.text, /Undocumented HTTP status code\n\s+Received: 200\n\s+Documented: 204, 304, 400, 401, 403, 412, 415/);
      assert.match(
        s.stdout.text,
        /Reproduce: curl -i -X POST -u 'admin:mariadb' -H 'Content-Type: application\/json' --data-raw '\{"data"/,
      );
      assert.match(lastLine(s.stdout.text) ?? '', /^\d+ passed, [1-9]\d* failed$/);
      const report = JSON.parse(readFileSync(json, 'utf8')) as {
        cases: {
          status: string;
          failures: { request: { method: string; url: string }; response: { status: number }; expected: string }[];
        }[];
      };
      const failure = report.cases.find((c) => c.status === 'fail')?.failures[0];
      assert.equal(failure?.request.method, 'POST');
      assert.match(failure?.request.url ?? '', /\/v1\/services\?pretty=true$/);
      assert.equal(failure?.response.status, 200);
      assert.match(failure?.expected ?? '', /204/);
    } finally {
      await twins.maxscale.inject(undefined);
    }
  });

  test('a target that does not answer stops the run at once with exit 3 and one sentence, and still writes the reports', async () => {
    const s = streams();
    // A port the OS gave a server that is closed again: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const json = join(dir, 'dead.json');
    assert.equal(await runContractCli(['--api', 'pip-sessions', '--target', url, '--report', `json=${json}`], s), 3);
    assert.match(s.stderr.text, /^apitwin contract: nothing answers at http:\/\/127\.0\.0\.1:\d+: it refused the connection\.$/m);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { outcome: { status: string; reason: string }; cases: unknown[] };
    assert.equal(report.outcome.status, 'target-unusable');
    assert.deepEqual(report.cases, []);
  });
});
