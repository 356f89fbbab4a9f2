/**
 * The terminal report. On a TTY: one status line per phase, redrawn in place
 * as requests go out, failures printed as they happen. Otherwise (CI logs):
 * one plain line per case. Both end with every failure in full (title,
 * `Received … / Documented …`, a curl command to reproduce it), the skipped
 * cases with their reasons, and the summary line `N passed, N failed` alone
 * on the last line, which CI reads.
 */
import type { CaseResult, Phase, SuiteEvent, Summary } from '../engine/types.js';

export interface TerminalOptions {
  /** Redraw a live status line (default: whether the stream is a TTY). */
  live?: boolean;
  color?: boolean;
  /** Only the failures and the summary. */
  quiet?: boolean;
}

interface Stream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

const paint = (on: boolean) => (code: number, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** One failure, in full. */
export function formatFailure(result: CaseResult, index: number, color = false): string {
  const c = paint(color);
  const lines = [`${index}) ${c(1, result.check)} · ${result.phase} · ${result.name}`];
  for (const f of result.failures) {
    lines.push(`   ${c(31, f.title)}`);
    for (const line of f.message.split('\n')) lines.push(`   ${line}`);
    if (f.curl) lines.push(`   Reproduce: ${f.curl}`);
  }
  return lines.join('\n');
}

/** Everything after the run: failures, skipped cases, then the summary line last. */
export function formatClosing(results: readonly CaseResult[], summary: Summary, color = false, quiet = false): string {
  const c = paint(color);
  const out: string[] = [];
  const failed = results.filter((r) => r.status === 'fail');
  if (failed.length) {
    out.push('', c(1, 'Failures'), '');
    failed.forEach((r, i) => {
      out.push(formatFailure(r, i + 1, color), '');
    });
  }
  const skipped = results.filter((r) => r.status === 'skip');
  if (skipped.length && !quiet) {
    out.push('', c(1, `Skipped (${skipped.length})`));
    for (const r of skipped) out.push(`  ${r.check} · ${r.name}: ${r.reason ?? ''}`);
  }
  out.push('', `${summary.skipped} skipped; took ${formatDuration(summary.durationMs)}`);
  out.push(`${summary.passed} passed, ${summary.failed} failed`);
  return `${out.join('\n')}\n`;
}

export function terminalReporter(stream: Stream, options: TerminalOptions = {}): (event: SuiteEvent) => void {
  if (options.quiet) {
    // Only the closing: every failure in full, then the summary line.
    return (event) => {
      if (event.type === 'done') stream.write(formatClosing(event.results, event.summary, false, true));
    };
  }
  const live = options.live ?? Boolean(stream.isTTY);
  const color = options.color ?? (live && !process.env.NO_COLOR);
  const c = paint(color);
  let phase: Phase | undefined;
  let counts = { pass: 0, fail: 0, skip: 0 };
  let label = '';
  const statusLine = () => {
    if (!live || !phase) return;
    const text = `  ${phase}: ${c(32, `${counts.pass} passed`)}, ${counts.fail ? c(31, `${counts.fail} failed`) : '0 failed'}, ${counts.skip} skipped  ${label}`;
    stream.write(`\r\x1b[K${text.slice(0, 200)}`);
  };
  const clearLine = () => {
    if (live) stream.write('\r\x1b[K');
  };
  return (event) => {
    switch (event.type) {
      case 'start':
        stream.write(`apitwin contract: ${event.api} at ${event.target}\nphases: ${event.phases.join(', ')}\n`);
        break;
      case 'phase-start':
        phase = event.phase;
        counts = { pass: 0, fail: 0, skip: 0 };
        label = '';
        stream.write(live ? '' : `\n== ${event.phase}\n`);
        statusLine();
        break;
      case 'progress':
        label = event.label;
        statusLine();
        break;
      case 'case': {
        const r = event.result;
        counts[r.status] += 1;
        if (live) {
          if (r.status === 'fail') {
            clearLine();
            stream.write(`  ${c(31, 'FAIL')} ${r.check} · ${r.name}: ${r.failures[0]?.title ?? ''}\n`);
          }
          statusLine();
        } else {
          const tag = r.status === 'pass' ? 'PASS' : r.status === 'fail' ? 'FAIL' : 'SKIP';
          stream.write(`${tag} ${r.check} · ${r.name}${r.status === 'skip' ? ` (${r.reason ?? ''})` : ''}\n`);
        }
        break;
      }
      case 'phase-end':
        clearLine();
        stream.write(
          `${live ? '' : '-- '}${event.phase}: ${counts.pass} passed, ${counts.fail} failed, ${counts.skip} skipped (${formatDuration(event.durationMs)})\n`,
        );
        phase = undefined;
        break;
      case 'aborted':
        break;
      case 'done':
        stream.write(formatClosing(event.results, event.summary, color));
        break;
    }
  };
}
