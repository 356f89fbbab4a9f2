/**
 * `apitwin contract --api pip-sessions --target URL --reference URL2`: does
 * the implementation at URL answer like the one at URL2? Sends the
 * differential cases to both (both must start empty: the cases open their
 * own sessions and later cases read them), prints each answer that differs
 * outside the intended deviations, and ends with a summary line.
 *
 * Exit code: 0 when no answer differs outside the deviations, 1 otherwise.
 */
import type { ApiName } from '../engine/types.js';
import { type CaseOutcome, type Deviation, type DiffCase, describeOutcome, runDifferential } from './engine.js';
import { PIP_DEVIATIONS, pipSessionsCases } from './pip-sessions.js';

interface Out {
  write(s: string): unknown;
}

/** The APIs with a differential case list. */
export const DIFFERENTIAL: Partial<Record<ApiName, { cases: () => DiffCase[]; deviations: readonly Deviation[] }>> = {
  'pip-sessions': { cases: pipSessionsCases, deviations: PIP_DEVIATIONS },
};

export async function runDifferentialCli(
  opts: { api: ApiName; target: string; reference: string; timeoutMs: number },
  streams: { stdout: Out; stderr: Out },
): Promise<number> {
  const suite = DIFFERENTIAL[opts.api];
  if (!suite) {
    streams.stderr.write(`apitwin contract: --reference is available for ${Object.keys(DIFFERENTIAL).join(', ')} only\n`);
    return 2;
  }
  streams.stdout.write(`Comparing ${opts.target} (target) with ${opts.reference} (reference); both must start empty.\n`);
  const printed = (o: CaseOutcome) => {
    if (o.verdict === 'different') streams.stdout.write(`\nDIFFERENT ${describeOutcome(o)}\n`);
  };
  let run: Awaited<ReturnType<typeof runDifferential>>;
  try {
    run = await runDifferential({
      cases: suite.cases(),
      deviations: suite.deviations,
      target: opts.target,
      reference: opts.reference,
      timeoutMs: opts.timeoutMs,
      onOutcome: printed,
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message;
    streams.stderr.write(`\napitwin contract: the run stopped: ${(err as Error).message}${why ? ` (${why})` : ''}\n`);
    return 1;
  }
  const used = new Set(run.outcomes.filter((o) => o.verdict === 'deviation').map((o) => o.case.deviation));
  streams.stdout.write('\nIntended deviations (allowed to differ):\n');
  for (const d of suite.deviations) streams.stdout.write(`  ${d.id}${used.has(d.id) ? ' (seen)' : ''}: ${d.reason}\n`);
  const { compared, same, deviations, different } = run.summary;
  streams.stdout.write(`\n${compared} requests compared: ${same} the same, ${deviations} differ as intended, ${different} different\n`);
  return different === 0 ? 0 : 1;
}
