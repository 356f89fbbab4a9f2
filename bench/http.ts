/**
 * `make bench`, side by side: the twin against the servers it should beat, in
 * one run, each in its own process on loopback, driven from this process by
 * autocannon (fixed connections and duration, a warm-up before each
 * measurement, several interleaved rounds, medians). Prints one table and
 * writes bench/results.json, with each target's ratio and whether it is met.
 *
 * - GET /v1/services, authenticated, as the twin answers it by default
 *   (response validation and request logging on; the log goes to /dev/null):
 *   raw node:http and bare Express answering the twin's own bytes
 *   (servers/raw.mjs, servers/express.mjs), Prism 5.14.2 mocking
 *   openapi/maxscale.yaml (bench/prism, its own install), and the twin;
 * - a write path: POST /v1/servers then DELETE of the same server;
 * - pip get_sessions (1,000 sessions of 100 users, a user's page of take 20):
 *   the twin against the real pip-services-sessions-node on Node 16
 *   (contract-tests/real-pip), on the same data;
 * - cold start (spawn → first 200; for the twin, both twins' first 200) and
 *   RSS at that moment;
 * - the contract suite against a started MaxScale twin (the built CLI).
 *
 * The machine is shared and small: numbers are only comparable within a run,
 * hence ratios. BENCH_ROUNDS, BENCH_SECONDS and BENCH_CONNECTIONS override the
 * defaults. Every loop is bounded; nothing leaves loopback.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { installRealPip, NODE16, REAL_PIP_DIR } from '../contract-tests/real-pip/harness.js';
import { projectRoot } from '../src/spec/load.js';
import { freePort } from '../src/testing/ports.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = 1;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const COLD_RUNS = 5;
const PIP_SESSIONS = 1_000;
const PIP_USERS = 100;
const PIP_TAKE = 20;

const TARGETS = {
  getVsExpress: 1.0,
  getVsPrism: 4,
  pipVsReal: 2,
  coldStartMs: 700,
  rssMiB: 100,
  contractSeconds: 20,
};

const root = projectRoot();
const CLI = join(root, 'dist', 'src', 'cli.js');
const PRISM = join(root, 'bench', 'prism', 'node_modules', '.bin', 'prism');
const AUTH = `Basic ${Buffer.from('admin:mariadb').toString('base64')}`;
const work = mkdtempSync(join(tmpdir(), 'apitwin-bench-'));
/** Every process started, so that none outlives the run, whatever fails. */
const running = new Set<Proc>();

// ---- processes ---------------------------------------------------------------------------------

interface Proc {
  child: ChildProcess;
  stderr: () => string;
  stop: () => Promise<void>;
}

/** Starts a server; its stdout (the twin's request log) goes to /dev/null, so nothing here reads it. */
function start(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Proc {
  const env = Object.fromEntries(Object.entries(opts.env ?? process.env).filter(([k]) => !k.startsWith('APITWIN_')));
  const child = spawn(command, args, { cwd: opts.cwd ?? root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr = (stderr + c).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: Proc = {
    child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      running.delete(proc);
    },
  };
  running.add(proc);
  return proc;
}

function rssMiB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/** Polls until the URL answers 200 (a refused connection is retried at once); the time it took. */
async function firstOk(url: string, init: RequestInit, proc: Proc, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`${url}: the server exited: ${proc.stderr()}`);
    try {
      const res = await fetch(url, init);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${url}: no 200 within ${timeoutMs} ms: ${proc.stderr()}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

interface Server {
  name: string;
  url: string;
  proc: Proc;
  /** The request that proves it is up. */
  probe: () => Promise<void>;
  /** Where it serves GET /v1/services, when elsewhere. */
  path?: string;
}

const get = (_url: string): RequestInit => ({ method: 'GET', headers: { authorization: AUTH } });

async function startTwin(): Promise<Server & { pipUrl: string }> {
  const [m, p] = [await freePort(), await freePort()];
  const proc = start(process.execPath, [CLI, 'serve', '--host', '127.0.0.1', '--maxscale-port', String(m), '--pip-port', String(p)]);
  const url = `http://127.0.0.1:${m}`;
  const pipUrl = `http://127.0.0.1:${p}`;
  const probe = () =>
    Promise.all([firstOk(`${url}/v1/services`, get(url), proc), firstOk(`${pipUrl}/heartbeat`, { method: 'GET' }, proc)]).then(() => {});
  return { name: 'apitwin serve', url, pipUrl, proc, probe };
}

async function startBaseline(name: string, script: string, bodyFile: string): Promise<Server> {
  const port = await freePort();
  const proc = start(process.execPath, [join(root, 'bench', 'servers', script), String(port), bodyFile]);
  const url = `http://127.0.0.1:${port}`;
  return { name, url, proc, probe: () => firstOk(`${url}/v1/services`, get(url), proc) };
}

async function startPrism(): Promise<Server> {
  const port = await freePort();
  const proc = start(PRISM, ['mock', join(root, 'openapi', 'maxscale.yaml'), '-h', '127.0.0.1', '-p', String(port), '-v', 'silent']);
  const url = `http://127.0.0.1:${port}`;
  // Prism takes the spec's first server (…/v1) as its base and serves the paths below it.
  return { name: 'Prism 5.14.2 mock', url, proc, probe: () => firstOk(`${url}/services`, get(url), proc), path: '/services' };
}

async function startRealPip(): Promise<Server> {
  const port = await freePort();
  const proc = start(NODE16, ['--no-deprecation', 'serve.cjs'], {
    cwd: REAL_PIP_DIR,
    env: { PATH: process.env.PATH ?? '', REAL_PIP_HOST: '127.0.0.1', REAL_PIP_PORT: String(port) },
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    name: 'real pip-services-sessions-node (Node 16)',
    url,
    proc,
    probe: () => firstOk(`${url}/heartbeat`, { method: 'GET' }, proc),
  };
}

// ---- measuring ---------------------------------------------------------------------------------

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

interface Load {
  rps: number;
  p50: number;
  p99: number;
  /** Answers that were not 2xx, and socket errors or timeouts: each must be 0 for the row to count. */
  bad: number;
  /** What the bad ones were: status codes, errors, timeouts. */
  why?: string;
}

async function cannon(opts: autocannon.Options): Promise<Load> {
  const r = await autocannon({ connections: CONNECTIONS, ...opts });
  const bad = r.non2xx + r.errors + r.timeouts;
  const codes = Object.entries(r.statusCodeStats ?? {}).map(([code, { count }]) => `${code}×${count}`);
  const why = `${codes.join(' ')} errors×${r.errors} timeouts×${r.timeouts}`;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bad, ...(bad ? { why } : {}) };
}

interface Row {
  name: string;
  rounds: Load[];
  median: Load;
}

/** Interleaved rounds: each round measures every case once (a warm-up first), in a rotating order. */
async function rounds(cases: { name: string; opts: () => autocannon.Options }[]): Promise<Row[]> {
  const results = new Map<string, Load[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = cases.map((_, i) => cases[(i + r) % cases.length]).filter((c) => c !== undefined);
    for (const c of order) {
      await cannon({ ...c.opts(), duration: WARMUP_SECONDS });
      const load = await cannon({ ...c.opts(), duration: SECONDS });
      results.get(c.name)?.push(load);
      process.stderr.write(
        `  round ${r + 1}/${ROUNDS} ${c.name}: ${Math.round(load.rps)} req/s, p99 ${load.p99} ms${load.why ? ` (${load.why})` : ''}\n`,
      );
    }
  }
  return cases.map((c) => {
    const all = results.get(c.name) ?? [];
    return {
      name: c.name,
      rounds: all,
      median: {
        rps: median(all.map((l) => l.rps)),
        p50: median(all.map((l) => l.p50)),
        p99: median(all.map((l) => l.p99)),
        bad: all.reduce((a, l) => a + l.bad, 0),
      },
    };
  });
}

interface Cold {
  name: string;
  ms: number;
  rssMiB: number;
}

/** Spawn → first 200, COLD_RUNS times; medians of the time and of the RSS at that moment. */
async function coldStart(name: string, launch: () => Promise<Server>, runs = COLD_RUNS): Promise<Cold> {
  const times: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const server = await launch();
    await server.probe();
    times.push(performance.now() - t0);
    rss.push(rssMiB(server.proc.child.pid));
    await server.proc.stop();
  }
  return { name, ms: median(times), rssMiB: median(rss) };
}

// ---- the cases ---------------------------------------------------------------------------------

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

/** The same 1,000 sessions of 100 users on a pip implementation. */
async function seedPip(url: string): Promise<void> {
  for (let i = 0; i < PIP_SESSIONS; i++) {
    const user = i % PIP_USERS;
    await post(`${url}/v1/sessions/open_session`, {
      user_id: `user-${user}`,
      user_name: `User ${user}`,
      address: `10.0.0.${i % 250}`,
      client: i % 3 ? 'mobile' : 'web',
      data: { cart: [i % 97], theme: 'dark' },
    });
  }
}

function getSessions(url: string): autocannon.Options {
  let n = 0;
  return {
    url,
    requests: [
      {
        method: 'POST',
        path: '/v1/sessions/get_sessions',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({ filter: { user_id: `user-${n++ % PIP_USERS}` }, paging: { skip: 0, take: PIP_TAKE } }),
        }),
      },
    ],
  };
}

/** Server names never repeat within a run: a run can end between a POST and its DELETE. */
let created = 0;

function createAndDelete(url: string): autocannon.Options {
  return {
    url,
    requests: [
      {
        method: 'POST',
        path: '/v1/servers',
        headers: { authorization: AUTH, 'content-type': 'application/json' },
        setupRequest: (req, context) => {
          const id = `bench-${created++}`;
          (context as { id?: string }).id = id;
          return {
            ...req,
            body: JSON.stringify({ data: { id, type: 'servers', attributes: { parameters: { address: '127.0.0.1', port: 3306 } } } }),
          };
        },
      },
      {
        method: 'DELETE',
        headers: { authorization: AUTH },
        setupRequest: (req, context) => ({ ...req, path: `/v1/servers/${(context as { id?: string }).id}` }),
      },
    ],
  };
}

async function contractSuite(): Promise<{ seconds: number; exitCode: number | null }> {
  const twin = await startTwin();
  try {
    await twin.probe();
    const t0 = performance.now();
    const suite = start(process.execPath, [CLI, 'contract', '--api', 'maxscale', '--target', twin.url]);
    const exitCode = await new Promise<number | null>((resolve) => suite.child.once('exit', (code) => resolve(code)));
    return { seconds: (performance.now() - t0) / 1000, exitCode };
  } finally {
    await twin.proc.stop();
  }
}

// ---- the run -----------------------------------------------------------------------------------

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');

async function main(): Promise<void> {
  installRealPip();
  const loadBefore = loadavg();
  process.stderr.write(
    `make bench: ${ROUNDS} rounds × ${SECONDS} s (+${WARMUP_SECONDS} s warm-up), ${CONNECTIONS} connections; load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}\n`,
  );

  // The twin's own answer, which the baselines serve byte for byte.
  const twin = await startTwin();
  await twin.probe();
  const body = Buffer.from(await (await fetch(`${twin.url}/v1/services`, get(twin.url))).arrayBuffer());
  const bodyFile = join(work, 'services.json');
  writeFileSync(bodyFile, body);

  const raw = await startBaseline('raw node:http (pre-serialised)', 'raw.mjs', bodyFile);
  const bare = await startBaseline('bare Express 5 (res.json)', 'express.mjs', bodyFile);
  const prism = await startPrism();
  const real = await startRealPip();
  await Promise.all([raw.probe(), bare.probe(), prism.probe(), real.probe()]);
  for (const s of [raw, bare]) {
    const same = Buffer.from(await (await fetch(`${s.url}/v1/services`, get(s.url))).arrayBuffer());
    if (!same.equals(body)) throw new Error(`${s.name} does not answer the twin's ${body.length} bytes`);
  }

  process.stderr.write('GET /v1/services\n');
  const getRows = await rounds(
    [raw, bare, prism, twin].map((s) => ({
      name: s.name,
      opts: () => ({ url: `${s.url}${s.path ?? '/v1/services'}`, headers: { authorization: AUTH } }),
    })),
  );
  process.stderr.write('POST /v1/servers + DELETE\n');
  const [writeRow] = await rounds([{ name: 'apitwin serve', opts: () => createAndDelete(twin.url) }]);
  process.stderr.write('pip get_sessions\n');
  await Promise.all([seedPip(twin.pipUrl), seedPip(real.url)]);
  const pipRows = await rounds([
    { name: real.name, opts: () => getSessions(real.url) },
    { name: 'apitwin serve', opts: () => getSessions(twin.pipUrl) },
  ]);
  for (const s of [raw, bare, prism, real, twin]) await s.proc.stop();

  process.stderr.write('cold start\n');
  const cold = [
    await coldStart('raw node:http', () => startBaseline('raw', 'raw.mjs', bodyFile), 3),
    await coldStart('bare Express 5', () => startBaseline('express', 'express.mjs', bodyFile), 3),
    await coldStart('Prism 5.14.2', startPrism, 3),
    await coldStart('apitwin serve (both twins)', startTwin),
  ];
  process.stderr.write('contract suite\n');
  const contract = await contractSuite();
  const loadAfter = loadavg();

  const row = (rows: Row[], name: string) => rows.find((r) => r.name === name)?.median ?? { rps: Number.NaN, p50: 0, p99: 0, bad: 1 };
  const twinGet = row(getRows, twin.name);
  const expressGet = row(getRows, bare.name);
  const prismGet = row(getRows, prism.name);
  const twinPip = row(pipRows, 'apitwin serve');
  const realPip = row(pipRows, real.name);
  const twinCold = cold[3] ?? { name: '', ms: Number.NaN, rssMiB: Number.NaN };
  const targets = [
    { target: 'GET /v1/services ≥ 1.0 × bare Express', value: twinGet.rps / expressGet.rps, limit: TARGETS.getVsExpress, higher: true },
    { target: 'GET /v1/services ≥ 4 × Prism', value: twinGet.rps / prismGet.rps, limit: TARGETS.getVsPrism, higher: true },
    { target: "GET /v1/services p99 ≤ bare Express's (ms)", value: twinGet.p99, limit: expressGet.p99, higher: false },
    { target: 'pip get_sessions ≥ 2 × the real service', value: twinPip.rps / realPip.rps, limit: TARGETS.pipVsReal, higher: true },
    { target: 'cold start ≤ 700 ms', value: twinCold.ms, limit: TARGETS.coldStartMs, higher: false },
    { target: 'RSS after start ≤ 100 MiB', value: twinCold.rssMiB, limit: TARGETS.rssMiB, higher: false },
    { target: 'contract suite (MaxScale twin) ≤ 20 s', value: contract.seconds, limit: TARGETS.contractSeconds, higher: false },
  ].map((t) => ({ ...t, met: t.higher ? t.value >= t.limit : t.value <= t.limit }));
  const clean = [...getRows, ...pipRows, ...(writeRow ? [writeRow] : [])].every((r) => r.median.bad === 0);

  const lines = [
    '',
    `make bench (${new Date().toISOString()}; load ${loadBefore[0]?.toFixed(2)} → ${loadAfter[0]?.toFixed(2)}; ${ROUNDS} interleaved rounds × ${SECONDS} s, ${CONNECTIONS} connections; medians)`,
    '',
    `GET /v1/services (${body.length} bytes, HTTP Basic)      req/s    p50 ms   p99 ms   × bare Express`,
    ...getRows.map(
      (r) =>
        `  ${r.name.padEnd(42)} ${fmt(r.median.rps).padStart(7)} ${fmt(r.median.p50).padStart(9)} ${fmt(r.median.p99).padStart(8)}   ${fmt(r.median.rps / expressGet.rps, 2).padStart(6)}${r.median.bad ? `  (${r.median.bad} errors)` : ''}`,
    ),
    '',
    'POST /v1/servers + DELETE (the twin)               req/s    p50 ms   p99 ms',
    ...(writeRow ? [writeRow] : []).map(
      (r) => `  ${r.name.padEnd(42)} ${fmt(r.median.rps).padStart(7)} ${fmt(r.median.p50).padStart(9)} ${fmt(r.median.p99).padStart(8)}`,
    ),
    '',
    `pip get_sessions (${PIP_SESSIONS} sessions, ${PIP_USERS} users, take ${PIP_TAKE})   req/s    p50 ms   p99 ms   × real`,
    ...pipRows.map(
      (r) =>
        `  ${r.name.padEnd(42)} ${fmt(r.median.rps).padStart(7)} ${fmt(r.median.p50).padStart(9)} ${fmt(r.median.p99).padStart(8)}   ${fmt(r.median.rps / realPip.rps, 2).padStart(6)}`,
    ),
    '',
    'cold start (spawn → first 200)                     ms       RSS MiB',
    ...cold.map((c) => `  ${c.name.padEnd(42)} ${fmt(c.ms).padStart(7)} ${fmt(c.rssMiB).padStart(9)}`),
    '',
    `contract suite against the MaxScale twin: ${fmt(contract.seconds, 1)} s (exit ${contract.exitCode})`,
    '',
    'targets                                            measured   target   verdict',
    ...targets.map((t) => `  ${t.target.padEnd(48)} ${fmt(t.value, 2).padStart(8)} ${fmt(t.limit, 2).padStart(8)}   ${verdict(t.met)}`),
    ...(clean ? [] : ['  (some load-test answers were errors or not 2xx: see the rows marked)']),
    ...(loadBefore[0] !== undefined && loadBefore[0] > 1.5 ? ['  (the machine was busy when the run began: numbers are noisy)'] : []),
    '',
  ];
  process.stdout.write(lines.join('\n'));
  const results = {
    date: new Date().toISOString(),
    loadavg: { before: loadBefore, after: loadAfter },
    settings: { rounds: ROUNDS, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, connections: CONNECTIONS, bodyBytes: body.length },
    get: getRows,
    write: writeRow,
    pip: pipRows,
    coldStart: cold,
    contract,
    targets,
    allMet: targets.every((t) => t.met) && clean,
  };
  writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write('written to bench/results.json\n');
}

try {
  await main();
} finally {
  await Promise.all([...running].map((p) => p.stop()));
  rmSync(work, { recursive: true, force: true });
}
