/**
 * `make contract`: starts the built twins on free ports (with the admin API,
 * whose reset isolates transactions), has Dredd replay every documented example of each spec
 * against them, stops them, and fails when any transaction failed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ApiName, projectRoot } from '../src/spec/load.js';
import { freePort } from '../src/testing/ports.js';
import { type DreddResult, runDredd } from './dredd/run.js';

async function waitUntilUp(url: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the twin exited with code ${child.exitCode} before answering`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`the twin did not answer at ${url} within ${timeoutMs} ms`);
}

function print(api: string, result: DreddResult): void {
  // Dredd's own reporter has printed every transaction; repeat the failures at the end where they are seen.
  for (const t of result.tests.filter((x) => x.status === 'fail')) {
    process.stdout.write(`  FAIL  ${t.name}\n        ${t.message.replace(/\n/g, '\n        ')}\n`);
  }
  process.stdout.write(`dredd ${api}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped\n`);
}

export async function main(): Promise<number> {
  const root = projectRoot();
  const built = join(root, 'dist', 'src', 'cli.js');
  const maxscalePort = await freePort();
  const pipPort = await freePort();
  const args = [
    'serve',
    '--maxscale-port',
    String(maxscalePort),
    '--pip-port',
    String(pipPort),
    '--admin-api',
    'true',
    '--log-level',
    'warn',
  ];
  const command = existsSync(built) ? [built, ...args] : ['--import', 'tsx', join(root, 'src', 'cli.ts'), ...args];
  const child = spawn(process.execPath, command, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  try {
    const targets: { api: ApiName; endpoint: string; user?: string; password?: string }[] = [
      { api: 'maxscale', endpoint: `http://127.0.0.1:${maxscalePort}`, user: 'admin', password: 'mariadb' },
    ];
    if (existsSync(join(root, 'contract-tests', 'dredd', 'hooks', 'pip-sessions.ts'))) {
      targets.push({ api: 'pip-sessions', endpoint: `http://127.0.0.1:${pipPort}` });
    }
    // The admin API, on the pip port (either port serves it).
    targets.push({ api: 'apitwin-admin', endpoint: `http://127.0.0.1:${pipPort}` });
    let failed = 0;
    let passed = 0;
    let skipped = 0;
    for (const target of targets) {
      await waitUntilUp(`${target.endpoint}/`, child);
      const result = await runDredd({ ...target, isolate: true });
      print(target.api, result);
      failed += result.failed;
      passed += result.passed;
      skipped += result.skipped;
    }
    process.stdout.write(`dredd: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    return failed === 0 && passed > 0 ? 0 : 1;
  } finally {
    child.kill('SIGTERM');
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`contract: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
