/**
 * Where an implementation breaks the contract, condensed: the failures of a
 * run grouped by check, title and what was received, each with the
 * operations it happened on. The real-pip test asserts these exactly; the
 * findings table in contract-tests/README.md is written from them.
 */
import type { CaseResult, Failure } from '../engine/types.js';

export interface Finding {
  check: string;
  title: string;
  /** What came back, without what varies from run to run (ids, times). */
  received: string;
  /** For schema violations: what the schema says about it. */
  documented?: string;
  /** Operation ids (or scenario names) it happened on, sorted. */
  on: string[];
}

const statusOf = (line: string): string => /^(\d{3})/.exec(line)?.[1] ?? line.split(' ')[0] ?? '';

function receivedOf(result: CaseResult, f: Failure): string {
  const line = /Received: ([^\n]*)/.exec(f.message)?.[1] ?? '';
  const status = f.exchange ? String(f.exchange.response.status) : statusOf(line);
  if (result.check === 'negative_data_rejection') {
    const what = / for (.+)$/.exec(line)?.[1] ?? '';
    // A 4xx the operation does not document says the same whatever was sent.
    return status.startsWith('4') ? status : `${status} for ${what}`;
  }
  return status;
}

/** `getSessions` from `POST /v1/sessions/get_sessions (getSessions): 13 invalid requests`; scenario names as they are. */
function subjectOf(result: CaseResult): string {
  return /\(([A-Za-z0-9_]+)\)(?::|$)/.exec(result.name)?.[1] ?? result.name;
}

export function findingsOf(results: readonly CaseResult[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const r of results) {
    if (r.status !== 'fail') continue;
    for (const f of r.failures) {
      const received = receivedOf(r, f);
      const documented = r.check === 'response_schema_conformance' ? (/Documented: ([^\n]*)/.exec(f.message)?.[1] ?? '') : undefined;
      const key = [r.check, f.title, received, documented ?? ''].join('|');
      const finding = byKey.get(key) ?? {
        check: r.check,
        title: f.title,
        received,
        ...(documented !== undefined ? { documented } : {}),
        on: [],
      };
      const subject = subjectOf(r);
      if (!finding.on.includes(subject)) finding.on.push(subject);
      byKey.set(key, finding);
    }
  }
  const out = [...byKey.values()];
  for (const f of out) f.on.sort();
  return out.sort((a, b) => a.check.localeCompare(b.check) || a.title.localeCompare(b.title) || a.received.localeCompare(b.received));
}
