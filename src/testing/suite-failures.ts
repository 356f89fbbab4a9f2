/**
 * The contract suite run against a generic twin in this process: the tests of the generic twin
 * hold it to the same contract the corpus run does, on the smallest spec that shows each case.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runSuite } from '../../contract-tests/engine/run.js';
import { CHECKS, type CheckName } from '../../contract-tests/engine/types.js';
import type { GenericApp } from '../generic/app.js';

/** The contract suite's failures against the twin of a spec, every check but Dredd's replay (slow, and about examples). */
export async function suiteFailures(file: string, generic: GenericApp): Promise<string[]> {
  const server: Server = await new Promise((resolve) => {
    const s = generic.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const only = (Object.keys(CHECKS) as CheckName[]).filter((c) => c !== 'example_replay');
    const outcome = await runSuite({ api: 'spec', spec: file, target: url, only });
    return outcome.results.filter((r) => r.status === 'fail').map((r) => `${r.check} ${r.name}: ${r.failures[0]?.message}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
