/**
 * The machine-readable reports. JUnit XML for CI systems: one testsuite per
 * phase, one testcase per case (`classname` = phase.check), failures with
 * their message and curl command. JSON for programs: every case, and for each
 * failure the request sent, the response received and what was expected.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type CaseResult, type Outcome, PHASES, type Summary } from '../engine/types.js';

export interface ReportMeta {
  api: string;
  target: string;
  outcome?: Outcome;
}

const xml = (s: string): string =>
  // Characters XML 1.0 cannot carry at all are dropped; the five special ones escaped.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '').replace(/[<>&'"]/g, (ch) => `&#${ch.charCodeAt(0)};`);

const seconds = (ms: number) => (ms / 1000).toFixed(3);

export function toJUnit(results: readonly CaseResult[], summary: Summary, meta: ReportMeta): string {
  const unusable = meta.outcome?.status === 'target-unusable' ? meta.outcome.reason : undefined;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(`apitwin contract ${meta.api}`)}" tests="${results.length + (unusable ? 1 : 0)}" failures="${summary.failed}" errors="${unusable ? 1 : 0}" skipped="${summary.skipped}" time="${seconds(summary.durationMs)}">`,
  ];
  if (unusable) {
    // No phase ran: one case says why, as an error (not a failed check).
    lines.push(
      `  <testsuite name="probe" tests="1" failures="0" skipped="0" errors="1" time="${seconds(summary.durationMs)}">`,
      `    <properties><property name="target" value="${xml(meta.target)}"/></properties>`,
      `    <testcase classname="probe.target" name="${xml(meta.target)}" time="${seconds(summary.durationMs)}">`,
      `      <error type="target-unusable" message="${xml(unusable)}"/>`,
      '    </testcase>',
      '  </testsuite>',
    );
  }
  for (const phase of PHASES) {
    const cases = results.filter((r) => r.phase === phase);
    if (!cases.length) continue;
    const failed = cases.filter((r) => r.status === 'fail').length;
    const skipped = cases.filter((r) => r.status === 'skip').length;
    const time = cases.reduce((t, r) => t + r.durationMs, 0);
    lines.push(
      `  <testsuite name="${xml(phase)}" tests="${cases.length}" failures="${failed}" skipped="${skipped}" errors="0" time="${seconds(time)}">`,
      `    <properties><property name="target" value="${xml(meta.target)}"/></properties>`,
    );
    for (const r of cases) {
      const open = `    <testcase classname="${xml(`${r.phase}.${r.check}`)}" name="${xml(r.name)}" time="${seconds(r.durationMs)}"`;
      if (r.status === 'pass') {
        lines.push(`${open}/>`);
      } else if (r.status === 'skip') {
        lines.push(`${open}>`, `      <skipped message="${xml(r.reason ?? '')}"/>`, '    </testcase>');
      } else {
        const text = r.failures
          .map((f) => [f.title, f.message, f.curl ? `Reproduce: ${f.curl}` : ''].filter(Boolean).join('\n'))
          .join('\n\n');
        lines.push(
          `${open}>`,
          `      <failure type="${xml(r.check)}" message="${xml(r.failures[0]?.title ?? 'failed')}">${xml(text)}</failure>`,
          '    </testcase>',
        );
      }
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

export interface JsonReport {
  api: string;
  target: string;
  /** `completed`, or `target-unusable` with the reason (no phase ran). */
  outcome: Outcome;
  summary: Summary;
  cases: {
    phase: string;
    check: string;
    name: string;
    status: string;
    reason?: string;
    durationMs: number;
    failures: {
      title: string;
      message: string;
      expected: string;
      curl?: string;
      request?: { method: string; url: string; headers: Record<string, string>; body?: string };
      response?: { status: number; headers: Record<string, string>; body: unknown };
    }[];
  }[];
}

export function toJson(results: readonly CaseResult[], summary: Summary, meta: ReportMeta): JsonReport {
  return {
    api: meta.api,
    target: meta.target,
    outcome: meta.outcome ?? { status: 'completed' },
    summary,
    cases: results.map((r) => ({
      phase: r.phase,
      check: r.check,
      name: r.name,
      status: r.status,
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
      durationMs: Math.round(r.durationMs * 10) / 10,
      failures: r.failures.map((f) => ({
        title: f.title,
        message: f.message,
        expected: f.expected,
        ...(f.curl ? { curl: f.curl } : {}),
        ...(f.exchange
          ? {
              request: f.exchange.request,
              response: {
                status: f.exchange.response.status,
                headers: f.exchange.response.headers,
                body: f.exchange.response.body !== undefined ? f.exchange.response.body : f.exchange.response.text || null,
              },
            }
          : {}),
      })),
    })),
  };
}

export function writeReport(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}
