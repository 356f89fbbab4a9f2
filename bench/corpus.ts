/**
 * `make bench`, the generic twin on real specs: cold start of `apitwin serve --spec` (from the
 * process starting to its first answer) for the median and the 90th-percentile spec by operation
 * count of `make test`'s corpus sample (corpus/sample.txt), against the targets (≤ 300 ms and
 * ≤ 700 ms); then Prism 5.14.2 (bench/prism) and the twin on every spec of that sample: how many
 * each loads (answers HTTP within 30 s without exiting), and their cold starts, side by side.
 * Writes bench/corpus-results.json. `--cold-only`: the two cold starts alone (a few seconds, not minutes).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_DIR } from '../corpus/run.js';
import { freePort } from '../src/testing/ports.js';

const root = join(import.meta.dirname, '..');
const CLI = join(root, 'dist', 'src', 'cli.js');
const PRISM = join(root, 'bench', 'prism', 'node_modules', '.bin', 'prism');
const LOAD_TIMEOUT_MS = 30_000;
const RUNS = 3;

/** Starts a server and waits for any HTTP answer on `/`: the time it took, or undefined when it exited or took too long. */
async function coldStart(command: string, args: (port: number) => string[]): Promise<number | undefined> {
  const port = await freePort();
  const t0 = performance.now();
  const child: ChildProcess = spawn(command, args(port), { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    while (performance.now() - t0 < LOAD_TIMEOUT_MS) {
      if (child.exitCode !== null) return undefined;
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(LOAD_TIMEOUT_MS) });
        await res.arrayBuffer();
        return performance.now() - t0;
      } catch {
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    return undefined;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }
}

const twin = (file: string) =>
  coldStart(process.execPath, (p) => [CLI, 'serve', '--spec', file, '--port', String(p), '--log-level', 'silent']);
const prism = (file: string) => coldStart(PRISM, (p) => ['mock', file, '-h', '127.0.0.1', '-p', String(p), '-v', 'silent']);

const helloServer = (port: number) => `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const ids = readFileSync(join(root, 'corpus', 'sample.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const specs = ids.map((id) => {
    const file = join(API_DIR, `${id}.json`);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { paths?: Record<string, Record<string, unknown>> };
    const operations = Object.values(doc.paths ?? {}).reduce(
      (n, item) =>
        n + Object.keys(item).filter((k) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'].includes(k)).length,
      0,
    );
    return { id, file, operations };
  });
  const byOps = [...specs].sort((a, b) => a.operations - b.operations);
  const pick = (q: number) => byOps[Math.min(byOps.length - 1, Math.floor(q * byOps.length))] as (typeof specs)[number];
  const targets = [
    { label: 'median spec', spec: pick(0.5), limitMs: 300 },
    { label: '90th-percentile spec', spec: pick(0.9), limitMs: 700 },
  ];
  // The floor on this machine now: a node:http server that answers at once (a loaded machine raises every figure).
  const floorTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) floorTimes.push((await coldStart(process.execPath, (p) => ['-e', helloServer(p)])) ?? Number.NaN);
  const floorMs = Math.round(median(floorTimes));
  process.stdout.write(`cold start of a bare node:http server (the floor on this machine now): ${floorMs} ms\n`);
  const coldRows = [];
  for (const t of targets) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push((await twin(t.spec.file)) ?? Number.NaN);
    const ms = Math.round(median(times));
    coldRows.push({ ...t, ms, ok: ms <= t.limitMs });
    process.stdout.write(
      `cold start, ${t.label} (${t.spec.id}, ${t.spec.operations} operations): ${ms} ms (target ≤ ${t.limitMs} ms) ${ms <= t.limitMs ? 'ok' : 'MISSED'}\n`,
    );
  }
  if (process.argv.includes('--cold-only')) {
    if (coldRows.some((r) => !r.ok)) process.exitCode = 1;
    return;
  }
  const side: { id: string; operations: number; twinMs: number | undefined; prismMs: number | undefined }[] = [];
  for (const s of specs) {
    const twinMs = await twin(s.file);
    const prismMs = await prism(s.file);
    side.push({ id: s.id, operations: s.operations, twinMs, prismMs });
  }
  const loaded = (key: 'twinMs' | 'prismMs') => side.filter((r) => r[key] !== undefined);
  const summary = (key: 'twinMs' | 'prismMs') => ({
    loaded: loaded(key).length,
    medianMs: Math.round(median(loaded(key).map((r) => r[key] as number))),
  });
  const twinSummary = summary('twinMs');
  const prismSummary = summary('prismMs');
  process.stdout.write(
    `\n| on the ${specs.length}-spec sample | loads | cold start median |\n|---|---|---|\n` +
      `| apitwin serve --spec | ${twinSummary.loaded} | ${twinSummary.medianMs} ms |\n` +
      `| Prism 5.14.2 mock | ${prismSummary.loaded} | ${prismSummary.medianMs} ms |\n`,
  );
  writeFileSync(
    join(root, 'bench', 'corpus-results.json'),
    `${JSON.stringify({ floorMs, coldStart: coldRows, twin: twinSummary, prism: prismSummary, specs: side }, null, 1)}\n`,
  );
  if (coldRows.some((r) => !r.ok)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/corpus.ts: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
