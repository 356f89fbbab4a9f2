/**
 * Runs the contract suite against one implementation: the phases in order
 * (examples, conformance, negative, stateful, auth), each only when one of
 * its checks is selected, reporting every verdict as an event. The
 * conformance checks judge every response of every phase.
 */
import { type ConformanceChecker, createConformanceChecker } from '../../src/spec/conformance.js';
import { runAuthPhase } from '../checks/auth.js';
import { runConformancePhase } from '../checks/conformance.js';
import { runExamplesPhase } from '../checks/examples.js';
import { runNegativePhase } from '../checks/negative.js';
import { runStatefulPhase } from '../checks/stateful.js';
import { type Credentials, RunContext } from './context.js';
import { createHttpClient } from './http.js';
import { probeTarget } from './probe.js';
import { cleanup } from './safety.js';
import { isOurApi, loadSpecModel, type SpecModel } from './spec.js';
import {
  type CaseResult,
  CHECK_NAMES,
  CHECKS,
  type CheckName,
  PHASES,
  type Phase,
  type SuiteOptions,
  type SuiteOutcome,
  type Summary,
} from './types.js';

const checkers = new Map<string, Promise<ConformanceChecker>>();

function checkerFor(spec: SpecModel, key: string): Promise<ConformanceChecker> {
  let checker = checkers.get(key);
  if (!checker) {
    checker = createConformanceChecker(isOurApi(spec.api) && key === spec.api ? spec.api : spec.bundled);
    checkers.set(key, checker);
  }
  return checker;
}

/** MaxScale's default administrative account, used when no --user is given. */
const DEFAULT_CREDENTIALS: Partial<Record<string, Credentials>> = { maxscale: { user: 'admin', password: 'mariadb' } };

/** The URL requests go to: the target, or the target plus the spec's server path when the target has no path. */
export function baseUrlOf(target: string, spec: SpecModel): string {
  const url = new URL(target);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path || spec.basePath}`;
}

export function summarize(results: readonly CaseResult[], durationMs: number): Summary {
  return {
    passed: results.filter((r) => r.status === 'pass').length,
    failed: results.filter((r) => r.status === 'fail').length,
    skipped: results.filter((r) => r.status === 'skip').length,
    durationMs,
  };
}

const RUNNERS: Record<Phase, (ctx: RunContext) => Promise<void>> = {
  examples: runExamplesPhase,
  conformance: runConformancePhase,
  negative: runNegativePhase,
  stateful: runStatefulPhase,
  auth: runAuthPhase,
};

export async function runSuite(options: SuiteOptions): Promise<SuiteOutcome> {
  const started = performance.now();
  const emit = options.onEvent ?? (() => {});
  const spec = await loadSpecModel(options.api, options.spec);
  const secured = spec.operations.some((o) => o.secured);
  const credentials =
    options.user !== undefined || options.password !== undefined
      ? { user: options.user ?? DEFAULT_CREDENTIALS[options.api]?.user ?? '', password: options.password ?? '' }
      : secured
        ? DEFAULT_CREDENTIALS[options.api]
        : undefined;
  const http = createHttpClient(baseUrlOf(options.target, spec), {
    ...(credentials ? { auth: credentials } : {}),
    timeoutMs: options.timeoutMs ?? 10_000,
  });
  const selected = new Set<CheckName>(options.only?.length ? options.only : CHECK_NAMES);
  const phases = PHASES.filter((p) => CHECK_NAMES.some((c) => CHECKS[c].phase === p && selected.has(c)));
  emit({ type: 'start', api: options.api, target: http.baseUrl, phases, checks: [...selected] });
  const unusable = await probeTarget(spec, http, credentials);
  if (unusable) {
    emit({ type: 'aborted', reason: unusable });
    return {
      results: [],
      summary: summarize([], performance.now() - started),
      outcome: { status: 'target-unusable', reason: unusable },
      restoreProblems: [],
    };
  }
  // Compiled only for a target worth it (compiling blocks the event loop for a second or more).
  const checker = await checkerFor(spec, options.spec ?? options.api);
  const ctx = new RunContext(options, spec, checker, http, credentials, selected, emit);
  try {
    for (const phase of phases) await RUNNERS[phase](ctx);
  } finally {
    await cleanup(ctx).catch(() => {});
  }
  const summary = summarize(ctx.results, performance.now() - started);
  emit({ type: 'done', summary, results: ctx.results });
  return { results: ctx.results, summary, outcome: { status: 'completed' }, restoreProblems: ctx.restoreProblems };
}
