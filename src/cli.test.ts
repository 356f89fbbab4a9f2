/**
 * The `apitwin` command as a user runs it: a child process
 * (`node --import tsx src/cli.ts`), its exit code, its stdout and stderr.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OPTIONS } from './config.js';
import { projectRoot } from './spec/load.js';
import { slowCreate } from './testing/slow-request.js';

interface Cli {
  child: ChildProcess;
  stdout: string[];
  stderr: () => string;
  /** Resolves with the first stdout line (JSON lines parsed) that `match` accepts. */
  line: (match: (line: Record<string, unknown>) => boolean, timeoutMs?: number) => Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

/** The environment without the caller's APITWIN_* settings, plus `env`. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('APITWIN_')));
  return { ...base, ...env };
}

function apitwin(args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot(), 'src', 'cli.ts'), ...args], {
    cwd: projectRoot(),
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  let err = '';
  let partial = '';
  const waiters: (() => void)[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    stdout.push(...parts);
    for (const w of waiters) w();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const parse = (l: string): Record<string, unknown> | undefined => {
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  const line = (match: (line: Record<string, unknown>) => boolean, timeoutMs = 90_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no such line within ${timeoutMs} ms; stdout:\n${stdout.join('\n')}\nstderr:\n${err}`)),
        timeoutMs,
      );
      const look = () => {
        const found = stdout.map(parse).find((l) => l !== undefined && match(l));
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      };
      waiters.push(look);
      look();
      void exited.then(() => setTimeout(look, 10));
    });
  return { child, stdout, stderr: () => err, line, exited };
}

/** Runs a command to its end. */
async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = apitwin(args, env);
  const code = await cli.exited;
  return { code, stdout: cli.stdout.join('\n'), stderr: cli.stderr() };
}

const FREE_PORTS = { APITWIN_MAXSCALE_PORT: '0', APITWIN_PIP_PORT: '0' };

describe('apitwin --help', () => {
  test('the main help names the commands and exits 0; no command at all is a usage error', async () => {
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: apitwin <command>/);
    assert.match(help.stdout, /serve {2,}/);
    assert.match(help.stdout, /contract {2,}/);
    const none = await run([]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /Usage: apitwin <command>/);
  });

  test('serve --help lists every option with its environment variable', async () => {
    const { code, stdout } = await run(['serve', '--help']);
    assert.equal(code, 0);
    for (const [flag, option] of Object.entries(OPTIONS)) {
      assert.ok(stdout.includes(`--${flag}=${option.arg}`), `--${flag} is listed`);
      assert.ok(stdout.includes(option.env), `${option.env} is listed`);
    }
  });

  const hasContractCli = existsSync(join(projectRoot(), 'contract-tests', 'cli.ts'));
  test('contract --help is answered by the contract suite', { skip: !hasContractCli && 'contract-tests/cli.ts is not there' }, async () => {
    const { code, stdout } = await run(['contract', '--help']);
    assert.equal(code, 0);
    assert.match(stdout, /Usage: apitwin contract/);
  });

  test('apitwin contract exits with the contract suite’s own code', {
    skip: !hasContractCli && 'contract-tests/cli.ts is not there',
  }, async () => {
    // The suite answers a usage error with 2 (contract-tests/cli.ts); apitwin passes it on.
    const { code, stderr } = await run(['contract', '--api', 'no-such-api']);
    assert.equal(code, 2);
    assert.match(stderr, /no-such-api/);
  });
});

describe('apitwin usage errors', () => {
  const cases: [string, { args: string[]; env?: Record<string, string>; says: RegExp }][] = [
    ['an unknown option', { args: ['serve', '--bogus'], says: /^apitwin: unknown option '--bogus' \(see 'apitwin serve --help'\)$/ }],
    ['an unknown command', { args: ['srve'], says: /^apitwin: unknown command 'srve' \(see 'apitwin --help'\)$/ }],
    [
      'a bad value from the environment',
      { args: ['serve'], env: { APITWIN_PIP_PORT: 'eighty' }, says: /^apitwin: APITWIN_PIP_PORT must be a port number/ },
    ],
    [
      'a data file that cannot be read',
      {
        args: ['serve'],
        env: { ...FREE_PORTS, APITWIN_DATA_FILE: '/nonexistent/data.json' },
        says: /^apitwin: Cannot read MaxScale data file \/nonexistent\/data\.json/,
      },
    ],
  ];
  for (const [name, { args, env, says }] of cases) {
    test(`${name} exits 1 with one line on stderr that says what is wrong`, async () => {
      const { code, stdout, stderr } = await run(args, env);
      assert.equal(code, 1);
      assert.equal(stdout, '');
      assert.match(stderr.trim(), says);
      assert.equal(stderr.trim().split('\n').length, 1, stderr);
    });
  }

  test('a port in use exits 1 naming the option that chose it', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const { code, stderr } = await run(['serve', `--maxscale-port=${port}`, '--pip-port=0']);
      assert.equal(code, 1);
      assert.match(
        stderr,
        new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use: choose another with --maxscale-port or APITWIN_MAXSCALE_PORT`),
      );
    } finally {
      blocker.close();
    }
  });
});

describe('apitwin serve', () => {
  test('configured by environment: prints the URLs, logs each request, and finishes a request in flight on SIGTERM', async () => {
    const cli = apitwin(['serve'], {
      ...FREE_PORTS,
      APITWIN_ADMIN_USER: 'alice',
      APITWIN_ADMIN_PASSWORD: 's3cret',
      APITWIN_LOG_LEVEL: 'info',
    });
    try {
      const startup = await cli.line((l) => typeof l.urls === 'object');
      const urls = startup.urls as { maxscale: string; pip: string; docs: string };
      assert.match(urls.maxscale, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(urls.pip, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(urls.docs, `${urls.maxscale}/docs`);
      assert.match(String(startup.msg), /apitwin is serving/);

      // The credentials came from the environment.
      const services = await fetch(`${urls.maxscale}/v1/services`, { headers: { Authorization: `Basic ${btoa('alice:s3cret')}` } });
      assert.equal(services.status, 200);
      const requestId = services.headers.get('x-request-id');
      const logged = await cli.line((l) => (l.req as { id?: unknown } | undefined)?.id === requestId);
      assert.deepEqual(logged.req, { id: requestId, method: 'GET', path: '/v1/services' });
      assert.deepEqual(logged.res, { status: 200 });
      assert.equal(typeof logged.responseTime, 'number');
      assert.equal(logged.api, 'maxscale');
      // The message keeps the /v1 that Express strips from req.url while routing.
      assert.match(String(logged.msg), /^GET \/v1\/services 200 \d+ms$/);
      assert.equal((await fetch(urls.docs)).status, 200);

      // SIGTERM while a request is in flight: it is answered, then the process ends with 0.
      const slow = slowCreate(urls.maxscale, 'alice:s3cret');
      await slow.started;
      cli.child.kill('SIGTERM');
      await cli.line((l) => l.signal === 'SIGTERM');
      slow.finish();
      assert.equal((await slow.response).status, 204);
      assert.equal(await cli.exited, 0);
      await cli.line((l) => l.msg === 'stopped');
    } finally {
      cli.child.kill('SIGKILL');
    }
  });

  test('piped, stdout stays JSON lines; on another address with the default credentials it warns', async () => {
    const cli = apitwin(['serve', '--host', '0.0.0.0', '--admin-api'], FREE_PORTS);
    try {
      const startup = await cli.line((l) => typeof l.urls === 'object');
      assert.match(String((startup.urls as { admin?: unknown }).admin), /\/__apitwin$/);
      const credentials = await cli.line((l) => l.level === 40 && /admin:mariadb, my-user:my-password/.test(String(l.msg)));
      assert.equal(credentials.host, '0.0.0.0');
      await cli.line((l) => l.level === 40 && /admin API on/.test(String(l.msg)));
      for (const line of cli.stdout.filter(Boolean)) assert.doesNotThrow(() => JSON.parse(line), line);
      cli.child.kill('SIGTERM');
      assert.equal(await cli.exited, 0);
    } finally {
      cli.child.kill('SIGKILL');
    }
  });

  const noScript = !existsSync('/usr/bin/script') && 'script(1) is not installed (util-linux)';
  test('on a terminal it prints a banner: URLs, store, state file, auth and the admin API', { skip: noScript }, async () => {
    // script(1) gives the child a pseudo-terminal, so process.stdout.isTTY is true as in a shell.
    const command = [process.execPath, '--import', 'tsx', join(projectRoot(), 'src', 'cli.ts'), 'serve', '--admin-api'].join(' ');
    const child = spawn('/usr/bin/script', ['-qec', command, '/dev/null'], {
      cwd: projectRoot(),
      env: cleanEnv(FREE_PORTS),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    try {
      const deadline = Date.now() + 60_000;
      while (!out.includes('Press Ctrl+C') && Date.now() < deadline && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 100));
      assert.match(out, /apitwin is serving/);
      assert.match(out, /MaxScale REST API +http:\/\/127\.0\.0\.1:\d+\/v1\/ +\(HTTP Basic, user admin\)/);
      assert.match(out, /Admin API +http:\/\/127\.0\.0\.1:\d+\/__apitwin\//);
      assert.match(out, /Store +memory/);
      assert.match(out, /MaxScale state +data\/maxscale\.json/);
      assert.doesNotMatch(out, /Warning/, 'loopback: nothing to warn about');
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }
  });

  test('at log level warn it still prints where it listens, logs no requests, and SIGINT (Ctrl+C) stops it', async () => {
    const cli = apitwin(['serve'], { ...FREE_PORTS, APITWIN_LOG_LEVEL: 'warn' });
    try {
      const startup = await cli.line((l) => typeof l.urls === 'object');
      assert.equal((await fetch((startup.urls as { docs: string }).docs)).status, 200);
      cli.child.kill('SIGINT');
      assert.equal(await cli.exited, 0);
      assert.deepEqual(
        cli.stdout.filter((l) => l.includes('"req"')),
        [],
      );
    } finally {
      cli.child.kill('SIGKILL');
    }
  });
});
