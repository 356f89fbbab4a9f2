/**
 * The package as users get it: `npm pack` of the build (`make build` runs
 * first), installed into an empty folder, with nothing else from the checkout.
 * From there `apitwin --version`, `apitwin serve` (default data, free ports),
 * `apitwin contract` against it (no tsx: the built JavaScript, Dredd and its
 * hooks included) and `import … from 'apitwin/client'` must all work.
 *
 * The same twin then proves the suite safe by default: its whole state (every
 * collection, read in full) is the same after a run as before, and a second
 * run, from the sources this time, passes with the same counts.
 *
 * The install uses npm's cache (`--prefer-offline`) and `--ignore-scripts`:
 * better-sqlite3 would compile its native module for minutes, and only
 * `--store sqlite:` loads it.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/spec/load.js';
import { runSuite } from '../engine/run.js';

const run = promisify(execFile);
const root = projectRoot();
const dir = mkdtempSync(join(tmpdir(), 'apitwin-pack-'));
const app = join(dir, 'app');
const bin = join(app, 'node_modules', '.bin', 'apitwin');
let twin: { child: ChildProcess; maxscale: string; pip: string } | undefined;

const summaryOf = (stdout: string) => {
  const m = /^(\d+) passed, (\d+) failed$/m.exec(stdout.trimEnd().split('\n').pop() ?? '');
  assert.ok(m, `no summary line at the end of:\n${stdout.slice(-3000)}`);
  return { passed: Number(m[1]), failed: Number(m[2]) };
};

/** Starts the installed `apitwin serve ARGS`; resolves with the `urls` its first log line names. */
function start<Urls>(args: string[]): Promise<{ child: ChildProcess; urls: Urls }> {
  const child = spawn(bin, ['serve', ...args], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    err += c;
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`apitwin serve did not start: ${err}`)), 60_000);
    child.stdout?.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const line = out.split('\n').find((l) => l.includes('"urls"'));
      if (!line) return;
      clearTimeout(timer);
      resolve({ child, urls: (JSON.parse(line) as { urls: Urls }).urls });
    });
    child.once('exit', (code) => reject(new Error(`apitwin serve exited with ${code}: ${err}`)));
  });
}

/** The installed `apitwin serve` (both twins, default data) on free ports. */
async function serve(): Promise<{ child: ChildProcess; maxscale: string; pip: string }> {
  const { child, urls } = await start<{ maxscale: string; pip: string }>([
    '--maxscale-port',
    '0',
    '--pip-port',
    '0',
    '--log-level',
    'warn',
  ]);
  return { child, ...urls };
}

/** The installed `apitwin contract ARGS --quiet`: its pass and fail counts, or its output where it fails. */
async function contract(args: string[]): Promise<{ passed: number; failed: number }> {
  const { stdout } = await run(bin, ['contract', ...args, '--quiet'], { cwd: app, maxBuffer: 1 << 26 }).catch(
    (err: { stdout?: string; stderr?: string }) => {
      throw new Error(`apitwin contract failed:\n${err.stdout?.slice(-5000)}\n${err.stderr}`);
    },
  );
  return summaryOf(stdout);
}

/** Every collection of the MaxScale twin, read in full, without what changes by itself (uptime, clocks). */
async function maxscaleState(base: string): Promise<unknown> {
  const auth = { Authorization: `Basic ${Buffer.from('admin:mariadb').toString('base64')}` };
  const paths = [
    '/services',
    '/servers',
    '/monitors',
    '/filters',
    '/users/inet',
    '/users/unix',
    '/maxscale',
    '/maxscale/logs',
    '/sessions',
  ];
  const state: Record<string, unknown> = {};
  for (const path of paths) {
    const res = await fetch(`${base}/v1${path}`, { headers: auth });
    state[path] = JSON.parse((await res.text()).replace(/"uptime":\s*\d+/g, '"uptime":0'));
  }
  return state;
}

before(async () => {
  assert.ok(existsSync(join(root, 'dist', 'src', 'cli.js')), 'run `make build` first');
  const packed = await run('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root, maxBuffer: 1 << 24 });
  const tarball = join(dir, packed.stdout.trim().split('\n').pop() ?? '');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'try-apitwin', private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', tarball], {
    cwd: app,
    maxBuffer: 1 << 24,
  });
  twin = await serve();
});

after(async () => {
  twin?.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

describe('the package installed from npm pack', () => {
  test('holds the build, the specs and the data, and no TypeScript sources or tests', () => {
    const pkg = join(app, 'node_modules', 'apitwin');
    for (const file of [
      'dist/src/cli.js',
      'dist/contract-tests/cli.js',
      'openapi/maxscale.yaml',
      // What the twins start from instead of bundling the specs and compiling validators (make generate).
      'generated/maxscale.bundle.json',
      'generated/maxscale.validators.cjs',
      'generated/maxscale.validators/listServices.cjs',
      'generated/pip-sessions.validators/getSessions.cjs',
      'data/maxscale.json',
      'LICENSE',
      'CHANGELOG.md',
    ]) {
      assert.ok(existsSync(join(pkg, file)), `${file} is missing`);
    }
    assert.deepEqual(
      readdirSync(pkg).filter((f) => f === 'src' || f === 'contract-tests'),
      [],
    );
  });

  test('apitwin --version prints the version', async () => {
    const { stdout } = await run(bin, ['--version'], { cwd: app });
    assert.match(stdout, /^apitwin \d+\.\d+\.\d+\n$/);
  });

  test('apitwin/client imports and calls the served twin', async () => {
    const script = `import { createMaxscaleClient } from 'apitwin/client';
const c = createMaxscaleClient({ baseUrl: '${twin?.maxscale}/v1', user: 'admin', password: 'mariadb' });
const r = await c.GET('/services');
console.log(r.data.data.map((s) => s.id).join(','));`;
    writeFileSync(join(app, 'client.mjs'), script);
    const { stdout } = await run(process.execPath, ['client.mjs'], { cwd: app });
    assert.match(stdout, /Read-Connection-Router/);
  });

  test('apitwin contract passes against the served MaxScale twin, leaves its state as it was, and a second run (from the sources) gives the same counts', async () => {
    assert.ok(twin);
    const before = await maxscaleState(twin.maxscale);
    const counts = await contract(['--api', 'maxscale', '--target', twin.maxscale]);
    assert.equal(counts.failed, 0);
    assert.ok(counts.passed > 900, `only ${counts.passed} passed`);
    assert.deepEqual(await maxscaleState(twin.maxscale), before, 'the run changed the twin');

    const second = await runSuite({ api: 'maxscale', target: twin.maxscale });
    assert.deepEqual({ passed: second.summary.passed, failed: second.summary.failed }, counts);
    assert.deepEqual(await maxscaleState(twin.maxscale), before, 'the second run changed the twin');
  });

  test('apitwin contract passes against the served pip-sessions twin', async () => {
    assert.ok(twin);
    const counts = await contract(['--api', 'pip-sessions', '--target', twin.pip]);
    assert.equal(counts.failed, 0);
    assert.ok(counts.passed > 100);
  });

  // The command as installed is a bundle with stand-ins for modules and parts of modules a twin
  // does not use (scripts/bundle.mjs); the generic twin is its largest user of them.
  test('apitwin serve --spec serves the Pet Store, logging at the default level, and apitwin contract --spec passes against it', async () => {
    const spec = join(root, 'contract-tests', 'fixtures', 'petstore.yaml');
    const petstore = await start<{ api: string }>(['--spec', spec, '--port', '0']);
    try {
      const counts = await contract(['--spec', spec, '--target', petstore.urls.api]);
      assert.equal(counts.failed, 0);
      assert.ok(counts.passed > 20, `only ${counts.passed} passed`);
    } finally {
      petstore.child.kill('SIGTERM');
    }
  });
});
