/**
 * One corpus worker (a child process of corpus/run.ts): for each spec it is
 * sent, it loads the spec, serves its generic twin on a free loopback port,
 * and runs the contract suite (`--spec`) against it, in-process; it answers
 * one result per spec. Run apart from the parent so that a spec that hangs or
 * eats memory costs only its worker, and so that each worker's caches (the
 * suite keeps spec models and checkers per process) are dropped when it is
 * replaced.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runSuite } from '../contract-tests/engine/run.js';
import type { CaseResult } from '../contract-tests/engine/types.js';
import { createGenericApp } from '../src/generic/app.js';
import { loadAnySpec } from '../src/generic/load.js';
import { projectRoot } from '../src/spec/load.js';
import { lightCheck } from './light.js';
import { emptyResult, type SpecResult } from './result.js';

export interface SpecJob {
  id: string;
  file: string;
  /** `contract`: the whole contract suite; `light`: load, serve, one request per operation, a CRUD round trip. */
  mode: 'contract' | 'light';
}

export type { SpecResult } from './result.js';

/** What a worker sends its runner: ready for a job; how far the current spec got; its result. */
export type WorkerMessage =
  | { ready: true }
  | { progress: SpecResult }
  | { result: SpecResult; workerRssMiB: number }
  | { id: string; error: string; workerRssMiB: number };

/** Tells the runner how far a spec got, so that a timeout is reported at the right stage. */
const progress = (result: SpecResult) => process.send?.({ progress: result } satisfies WorkerMessage);

function listen(app: import('express').Express): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
    server.on('error', reject);
  });
}

function failureLines(results: readonly CaseResult[]): string[] {
  return results
    .filter((r) => r.status === 'fail')
    .slice(0, 5)
    .map((r) => {
      const f = r.failures[0];
      const message = (f?.message ?? '').replace(/\s+/g, ' ').slice(0, 300);
      return `${r.check} ${r.name}: ${f?.title ?? 'failed'}: ${message}`;
    });
}

export async function runJob(job: SpecJob): Promise<SpecResult> {
  const started = performance.now();
  const result = emptyResult(job.id);
  let server: Server | undefined;
  try {
    const t0 = performance.now();
    let generic: Awaited<ReturnType<typeof createGenericApp>>;
    try {
      const loaded = await loadAnySpec(job.file);
      generic = await createGenericApp(loaded, { corsOrigins: [] });
      result.loaded = true;
    } catch (err) {
      result.reasons.push(`load: ${(err as Error).message.replace(/\s+/g, ' ').slice(0, 300)}`);
      return result;
    }
    result.operations = generic.model.operations.length;
    result.resources = generic.twin.resources.length;
    server = await listen(generic.app);
    result.coldStartMs = Math.round(performance.now() - t0);
    result.rssMiB = Math.round(process.memoryUsage().rss / 1048576);
    progress(result);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (job.mode === 'light') {
      const light = await lightCheck(generic, url, () => {
        result.served = true;
        progress(result);
      });
      result.served = light.served;
      result.passed = light.problems.length === 0;
      result.checks = { passed: light.passed, failed: light.problems.length, skipped: 0 };
      result.reasons.push(...light.problems.slice(0, 5));
      return result;
    }
    const outcome = await runSuite({
      api: job.id,
      spec: job.file,
      target: url,
      timeoutMs: 10_000,
      // The probe passed once the first phase starts: the twin serves the API.
      onEvent: (e) => {
        if (e.type === 'phase-start' && !result.served) {
          result.served = true;
          progress(result);
        }
      },
    });
    if (outcome.outcome.status === 'target-unusable') {
      result.reasons.push(`serve: ${outcome.outcome.reason}`);
      return result;
    }
    result.served = true;
    const { passed, failed, skipped } = outcome.summary;
    result.checks = { passed, failed, skipped };
    result.passed = failed === 0;
    result.reasons.push(...failureLines(outcome.results));
    return result;
  } catch (err) {
    // The stack's files named from the project root: the results are committed, this machine's paths are not.
    const stack = ((err as Error).stack ?? String(err)).replaceAll(`${projectRoot()}/`, '');
    result.reasons.push(`error: ${stack.replace(/\s+/g, ' ').slice(0, 400)}`);
    return result;
  } finally {
    result.durationMs = Math.round(performance.now() - started);
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
  }
}

// As a child process: one job per message, one result back.
if (process.send) {
  const rss = () => Math.round(process.memoryUsage().rss / 1048576);
  process.on('message', (job: SpecJob) => {
    runJob(job).then(
      (result) => process.send?.({ result, workerRssMiB: rss() } satisfies WorkerMessage),
      (err: unknown) => process.send?.({ id: job.id, error: String(err), workerRssMiB: rss() } satisfies WorkerMessage),
    );
  });
  // The runner gone (stopped, or killed): nothing will ask for more.
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: true } satisfies WorkerMessage);
}
