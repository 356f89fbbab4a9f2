/**
 * `make bench`, the pip case: 1,000,000 sessions over 10,000 users in the
 * SQLite store, and `get_sessions` filtered by `user_id` with `take` 20 over
 * HTTP on loopback. Prints p50/p99 and memory, each next to a baseline
 * measured in the same run:
 *
 * - the same query through the SQLite store directly, in this process (what
 *   HTTP, validation and JSON add on top of the store);
 * - the same sessions in the memory store, in this process (what the memory
 *   store would cost for the same data, and why SQLite has an index).
 *
 * The server is the real `apitwin serve` (built `dist/` when present, else
 * through tsx) in a child process on a free loopback port, with its default
 * settings (response validation and request logging on). Loops are bounded;
 * nothing leaves loopback. Not a test: it prints, it does not assert, except
 * that every answer is a full page of the right user's sessions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MemorySessionsStore } from '../src/pip/memory-store.js';
import { newSessionId } from '../src/pip/model.js';
import { SqliteSessionsStore } from '../src/pip/sqlite-store.js';
import type { SessionRecord, SessionsStore } from '../src/pip/store.js';
import { projectRoot } from '../src/spec/load.js';
import { SqliteFile } from '../src/store/sqlite.js';

const SESSIONS = 1_000_000;
const USERS = 10_000;
const TAKE = 20;
const WARMUP = 500;
const HTTP_REQUESTS = 5_000;
const DIRECT_QUERIES = 20_000;
const MEMORY_QUERIES = 200;
const TARGET_P50_MS = 2;

/** A small seeded PRNG (mulberry32), so every run asks for the same users. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const userOf = (i: number) => `user-${i % USERS}`;

function makeSession(i: number, now: number): SessionRecord {
  const open = new Date(now - (SESSIONS - i) * 2_000).toISOString();
  const request_time = new Date(Date.parse(open) + (i % 600) * 1_000).toISOString();
  const closed = i % 10 === 0;
  return {
    id: newSessionId(),
    user_id: userOf(i),
    user_name: `User ${i % USERS}`,
    active: !closed,
    open_time: open,
    request_time,
    ...(closed ? { close_time: request_time } : {}),
    address: `10.0.${(i >> 8) & 255}.${i & 255}`,
    client: i % 3 === 0 ? 'web' : 'mobile',
    user: closed ? null : { id: userOf(i), roles: ['user'] },
    data: closed ? null : { cart: [i % 97, i % 89], theme: 'dark' },
  };
}

function load(store: SessionsStore): number {
  const started = performance.now();
  const now = Date.now();
  store.transaction(() => {
    for (let i = 0; i < SESSIONS; i++) store.insert(makeSession(i, now));
  });
  return performance.now() - started;
}

interface Stats {
  p50: number;
  p99: number;
  mean: number;
  n: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, n: sorted.length };
}

function check(data: { user_id: string }[], user: string): void {
  if (data.length !== TAKE || data.some((s) => s.user_id !== user)) {
    throw new Error(`expected ${TAKE} sessions of ${user}, got ${data.length}`);
  }
}

function timeDirect(store: SessionsStore, queries: number, seed: number): Stats {
  const next = random(seed);
  const samples: number[] = [];
  for (let q = 0; q < queries; q++) {
    const user = userOf(Math.floor(next() * USERS));
    const t0 = performance.now();
    const page = store.find({ user_id: user }, 0, TAKE);
    samples.push(performance.now() - t0);
    check(page, user);
  }
  return stats(samples);
}

interface Server {
  child: ChildProcess;
  url: string;
  exited: Promise<unknown>;
}

/** The real `apitwin serve` on free loopback ports; the pip URL is read from its startup log line. */
function startServer(path: string): Promise<Server> {
  const root = projectRoot();
  const built = join(root, 'dist', 'src', 'cli.js');
  const entry = existsSync(built) ? [built] : ['--import', 'tsx', join(root, 'src', 'cli.ts')];
  const child = spawn(
    process.execPath,
    [...entry, 'serve', '--store', `sqlite:${path}`, '--host', '127.0.0.1', '--maxscale-port', '0', '--pip-port', '0'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    let buffered = '';
    let found = false;
    const timer = setTimeout(() => reject(new Error(`the server did not start in 120 s: ${stderr}`)), 120_000);
    // Read stdout to the end (one log line per request) so the server never blocks on the pipe.
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      if (found) return;
      buffered += chunk;
      for (const line of buffered.split('\n')) {
        try {
          const pip = (JSON.parse(line) as { urls?: { pip?: unknown } }).urls?.pip;
          if (typeof pip === 'string') {
            found = true;
            clearTimeout(timer);
            resolve({ child, url: pip, exited });
            return;
          }
        } catch {
          // not a JSON line
        }
      }
    });
    exited.then(() => {
      if (!found) reject(new Error(`the server exited before it started: ${stderr}`));
    });
  });
}

function post(agent: Agent, url: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function timeHttp(base: string, requests: number, seed: number, full = true): Promise<Stats> {
  // One keep-alive connection, one request at a time: latency, not throughput.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL('/v1/sessions/get_sessions', base);
  const next = random(seed);
  const samples: number[] = [];
  try {
    for (let q = 0; q < requests; q++) {
      const user = userOf(Math.floor(next() * USERS));
      const body = JSON.stringify({ filter: { user_id: user }, paging: { take: TAKE } });
      const t0 = performance.now();
      const res = await post(agent, url, body);
      samples.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`get_sessions answered ${res.status}: ${res.text}`);
      if (full) check((JSON.parse(res.text) as { data: { user_id: string }[] }).data, user);
    }
  } finally {
    agent.destroy();
  }
  return stats(samples);
}

/** Resident and peak memory of a process, from /proc (Linux). */
function memoryOf(pid: number | undefined): { rss: number; peak: number } | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/status`)) return undefined;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const ms = (x: number) => `${x.toFixed(3)} ms`;
const line = (label: string, s: Stats, base?: Stats) =>
  `  ${label.padEnd(46)} p50 ${ms(s.p50).padStart(10)}  p99 ${ms(s.p99).padStart(10)}  (n=${s.n})${
    base ? `  ${(s.p50 / base.p50).toFixed(1)}x / ${(s.p99 / base.p99).toFixed(1)}x baseline` : '  baseline'
  }`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'apitwin-bench-'));
  const path = join(dir, 'sessions.db');
  const out = (s: string) => process.stdout.write(`${s}\n`);
  try {
    out(`pip get_sessions by user_id, take ${TAKE}: ${SESSIONS.toLocaleString('en')} sessions over ${USERS.toLocaleString('en')} users`);

    // 1. Bulk load into SQLite: one transaction, the store's prepared insert.
    const file = SqliteFile.open(path);
    const sqlite = new SqliteSessionsStore(file);
    const loadMs = load(sqlite);
    out(
      `  load: ${SESSIONS.toLocaleString('en')} rows in ${(loadMs / 1000).toFixed(1)} s (${Math.round(SESSIONS / (loadMs / 1000)).toLocaleString('en')} rows/s)`,
    );

    // 2. Baseline: the same query through the store, in process.
    timeDirect(sqlite, WARMUP, 1);
    const direct = timeDirect(sqlite, DIRECT_QUERIES, 2);
    const cache = Number(file.db.pragma('cache_size', { simple: true }));
    sqlite.close();
    file.release();
    const fileSize = statSync(path).size;

    // 3. Memory baseline: the same server on an empty SQLite file, after the same warm-up.
    const empty = await startServer(join(dir, 'empty.db'));
    let emptyMemory: { rss: number; peak: number } | undefined;
    try {
      await timeHttp(empty.url, WARMUP, 3, false);
      emptyMemory = memoryOf(empty.child.pid);
    } finally {
      empty.child.kill('SIGTERM');
      await empty.exited;
    }

    // 4. Over HTTP: the real server on the loaded file.
    const server = await startServer(path);
    let http: Stats;
    let warmMemory: { rss: number; peak: number } | undefined;
    let serverMemory: { rss: number; peak: number } | undefined;
    try {
      await timeHttp(server.url, WARMUP, 3);
      warmMemory = memoryOf(server.child.pid);
      http = await timeHttp(server.url, HTTP_REQUESTS, 4);
      serverMemory = memoryOf(server.child.pid);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }

    // 5. The memory store with the same sessions, for comparison.
    const heapBefore = process.memoryUsage().heapUsed;
    const memory = new MemorySessionsStore();
    const memoryLoadMs = load(memory);
    globalThis.gc?.();
    const heapAfter = process.memoryUsage().heapUsed;
    const memoryDirect = timeDirect(memory, MEMORY_QUERIES, 2);
    memory.clear();

    out('');
    out(line('SQLite store, in process (store.find)', direct));
    out(line('HTTP POST /v1/sessions/get_sessions, loopback', http, direct));
    out(line('memory store, in process (store.find)', memoryDirect, direct));
    out('');
    out(`  target p50 <= ${TARGET_P50_MS} ms over HTTP: ${http.p50 <= TARGET_P50_MS ? 'met' : 'NOT met'} (p50 ${ms(http.p50)})`);
    out(`  SQLite file ${mb(fileSize)} on disk; page cache ${cache < 0 ? `${mb(-cache * 1024)} (cache_size ${cache})` : `${cache} pages`}`);
    if (emptyMemory && warmMemory && serverMemory) {
      out(
        `  server RSS after warm-up: ${mb(warmMemory.rss)} on the 1M-session file vs ${mb(emptyMemory.rss)} on an empty file (baseline; peaks ${mb(serverMemory.peak)} / ${mb(emptyMemory.peak)}); ${mb(serverMemory.rss)} after the run`,
      );
    }
    out(
      `  memory store, same sessions: ~${mb(heapAfter - heapBefore)} of heap, loaded in ${(memoryLoadMs / 1000).toFixed(1)} s (baseline for what SQLite keeps on disk)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
