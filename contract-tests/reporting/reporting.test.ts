/**
 * The reports: the terminal's closing lines (CI reads the last one), JUnit
 * XML that escapes what the target sent, the JSON report's request/response/
 * expectation per failure, and curl commands that survive shell quoting.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toCurl } from '../engine/http.js';
import type { CaseResult, HttpExchange, SuiteEvent, Summary } from '../engine/types.js';
import { toJson, toJUnit } from './files.js';
import { formatClosing, terminalReporter } from './terminal.js';

const exchange: HttpExchange = {
  operationId: 'createService',
  request: {
    method: 'POST',
    url: 'http://127.0.0.1:1/v1/services',
    headers: {
      Accept: 'application/json',
      Authorization: `Basic ${Buffer.from('admin:mariadb').toString('base64')}`,
      'Content-Type': 'application/json',
    },
    body: `{"name":"it's <here> & \u0001"}`,
  },
  response: { status: 200, headers: { 'content-type': 'application/json' }, body: { ok: true }, text: '{"ok":true}' },
  durationMs: 3,
};

const results: CaseResult[] = [
  {
    phase: 'conformance',
    check: 'status_code_conformance',
    name: 'GET /services (listServices)',
    status: 'pass',
    failures: [],
    durationMs: 2,
  },
  {
    phase: 'conformance',
    check: 'status_code_conformance',
    name: 'POST /services (createService)',
    status: 'fail',
    failures: [
      {
        title: 'Undocumented HTTP status code',
        message: 'Received: 200\nDocumented: 204, 400',
        expected: '204, 400',
        exchange,
        curl: toCurl(exchange.request),
      },
    ],
    durationMs: 3,
  },
  { phase: 'auth', check: 'ignored_auth', name: 'pip-sessions', status: 'skip', reason: 'no credentials', failures: [], durationMs: 0 },
];
const summary: Summary = { passed: 1, failed: 1, skipped: 1, durationMs: 1234 };

describe('toCurl', () => {
  test('repeats the request: method, credentials as -u, headers and a body quoted for the shell', () => {
    assert.equal(
      toCurl(exchange.request),
      `curl -i -X POST -u 'admin:mariadb' -H 'Content-Type: application/json' --data-raw '{"name":"it'\\''s <here> & \u0001"}' 'http://127.0.0.1:1/v1/services'`,
    );
  });
});

describe('the terminal report', () => {
  test('ends with the failures in full, the skipped cases with their reasons, and `N passed, N failed` alone on the last line', () => {
    const text = formatClosing(results, summary);
    assert.match(
      text,
      /1\) status_code_conformance · conformance · POST \/services \(createService\)\n {3}Undocumented HTTP status code\n {3}Received: 200\n {3}Documented: 204, 400\n {3}Reproduce: curl /,
    );
    assert.match(text, /ignored_auth · pip-sessions: no credentials/);
    assert.equal(text.trimEnd().split('\n').pop(), '1 passed, 1 failed');
  });

  test('off a terminal, prints one plain line per case and no control characters', () => {
    let out = '';
    const report = terminalReporter({ write: (s: string) => (out += s), isTTY: false });
    const events: SuiteEvent[] = [
      { type: 'start', api: 'maxscale', target: 'http://127.0.0.1:1/v1', phases: ['conformance'], checks: ['status_code_conformance'] },
      { type: 'phase-start', phase: 'conformance' },
      { type: 'progress', phase: 'conformance', label: 'createService' },
      ...results.map((result) => ({ type: 'case' as const, result })),
      { type: 'phase-end', phase: 'conformance', durationMs: 5 },
      { type: 'done', summary, results },
    ];
    for (const e of events) report(e);
    assert.match(out, /^PASS status_code_conformance · GET \/services \(listServices\)$/m);
    assert.match(out, /^FAIL status_code_conformance · POST \/services \(createService\)$/m);
    assert.match(out, /^SKIP ignored_auth · pip-sessions \(no credentials\)$/m);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting there are none
    assert.doesNotMatch(out, /\x1b/);
  });

  test('on a terminal, redraws one status line in place and prints failures as they happen', () => {
    let out = '';
    const report = terminalReporter({ write: (s: string) => (out += s), isTTY: true }, { color: false });
    report({ type: 'phase-start', phase: 'conformance' });
    report({ type: 'progress', phase: 'conformance', label: 'createService' });
    report({ type: 'case', result: results[1] as CaseResult });
    assert.ok(out.includes('\r\x1b[K  conformance: 0 passed, 0 failed, 0 skipped  createService'), JSON.stringify(out));
    assert.match(out, /FAIL status_code_conformance · POST \/services \(createService\): Undocumented HTTP status code\n/);
  });
});

describe('the JUnit report', () => {
  const xml = toJUnit(results, summary, { api: 'maxscale', target: 'http://127.0.0.1:1' });

  test('has one testsuite per phase and one testcase per case, failed and skipped ones marked', () => {
    assert.match(xml, /<testsuites name="apitwin contract maxscale" tests="3" failures="1" errors="0" skipped="1" time="1.234">/);
    assert.match(xml, /<testsuite name="conformance" tests="2" failures="1" skipped="0"/);
    assert.match(xml, /<testcase classname="conformance.status_code_conformance" name="POST \/services \(createService\)" time="0.003">/);
    assert.match(xml, /<failure type="status_code_conformance" message="Undocumented HTTP status code">/);
    assert.match(xml, /<skipped message="no credentials"\/>/);
  });

  test('escapes what the target sent and drops characters XML cannot carry', () => {
    assert.match(xml, /it&#39;\\&#39;&#39;s &#60;here&#62; &#38; /);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting there are none
    assert.doesNotMatch(xml, /\u0001/);
  });
});

describe('the JSON report', () => {
  test('gives each failure its request, its response and what was expected', () => {
    const report = toJson(results, summary, { api: 'maxscale', target: 'http://127.0.0.1:1' });
    assert.deepEqual(report.summary, summary);
    const failure = report.cases[1]?.failures[0];
    assert.equal(failure?.request?.method, 'POST');
    assert.equal(failure?.request?.body, exchange.request.body);
    assert.deepEqual(failure?.response, { status: 200, headers: { 'content-type': 'application/json' }, body: { ok: true } });
    assert.equal(failure?.expected, '204, 400');
    assert.equal(report.cases[2]?.reason, 'no credentials');
  });
});
