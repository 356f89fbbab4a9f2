/**
 * Starts the real `apitwin serve` command as a child process on free ports,
 * for tests that must kill and restart it. The ports are read from the
 * startup log line, whose `urls` object (JSON, pino) names both twins.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../spec/load.js';

export interface TwinProcess {
  child: ChildProcess;
  urls: { maxscale: string; pip: string };
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited: Promise<number | string>;
  stderr: () => string;
}

export interface StartOptions {
  args?: readonly string[];
  timeoutMs?: number;
}

/** Runs `apitwin serve ARGS` on ports 0 and resolves once it says where it listens. */
export function startTwin(opts: StartOptions = {}): Promise<TwinProcess> {
  const root = projectRoot();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'src', 'cli.ts'),
      'serve',
      '--maxscale-port',
      '0',
      '--pip-port',
      '0',
      '--log-level',
      'info',
      ...(opts.args ?? []),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'test' } },
  );
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    let buffered = '';
    let started = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`apitwin did not start within ${opts.timeoutMs ?? 30_000} ms; stderr: ${err}`));
    }, opts.timeoutMs ?? 30_000);
    // stdout is read to the end (one log line per request), so the child never blocks on a full pipe.
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      if (started) return;
      buffered += chunk;
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let urls: { maxscale?: unknown; pip?: unknown } | undefined;
        try {
          urls = (JSON.parse(line) as { urls?: { maxscale?: unknown; pip?: unknown } }).urls;
        } catch {
          continue; // not a JSON log line (a terminal banner)
        }
        if (typeof urls?.maxscale === 'string' && typeof urls.pip === 'string') {
          started = true;
          clearTimeout(timer);
          resolve({ child, urls: { maxscale: urls.maxscale, pip: urls.pip }, exited, stderr: () => err });
          return;
        }
      }
    });
    exited.then((code) => {
      if (started) return;
      clearTimeout(timer);
      reject(Object.assign(new Error(`apitwin exited (${code}) before it started: ${err.trim()}`), { exitCode: code, stderr: err }));
    });
  });
}

/** Runs `apitwin serve ARGS` expecting it to refuse to start; resolves with its exit code and stderr. */
export async function failToStart(args: readonly string[]): Promise<{ exitCode: number | string; stderr: string }> {
  try {
    const twin = await startTwin({ args });
    twin.child.kill('SIGKILL');
    await twin.exited;
    throw new Error('apitwin started, but it was expected to refuse');
  } catch (err) {
    const e = err as { exitCode?: number | string; stderr?: string };
    if (e.exitCode === undefined) throw err;
    return { exitCode: e.exitCode, stderr: e.stderr ?? '' };
  }
}
