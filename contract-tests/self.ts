/**
 * The whole contract suite, Dredd included, against our own twins: each twin
 * starts in-process on a free loopback port with its test-only reset route
 * (so Dredd's transactions are isolated), `apitwin contract` runs against it,
 * and the exit code is 0 only when both pass.
 *
 *   node --import tsx contract-tests/self.ts [--api maxscale|pip-sessions] [other apitwin contract options]
 */
import { runContractCli } from './cli.js';
import type { ApiName } from './engine/types.js';
import { startTwin } from './faults/index.js';

async function main(argv: string[]): Promise<number> {
  const at = argv.indexOf('--api');
  const apis: ApiName[] = at >= 0 ? [argv[at + 1] as ApiName] : ['maxscale', 'pip-sessions'];
  const rest = at >= 0 ? [...argv.slice(0, at), ...argv.slice(at + 2)] : argv;
  let code = 0;
  for (const api of apis) {
    const twin = await startTwin(api);
    try {
      process.stdout.write(`\n# ${api} twin\n`);
      code = Math.max(code, await runContractCli(['--api', api, '--target', twin.url, '--isolate', '--allow-destructive', ...rest]));
    } finally {
      await twin.close();
    }
  }
  return code;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`contract-tests/self.ts: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
