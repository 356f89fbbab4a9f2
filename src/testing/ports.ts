import { createServer } from 'node:net';

/**
 * A loopback port that is free right now, for a server started in another process
 * (which takes its port as an argument). Another process could take it in between;
 * on this single-user test machine nothing does.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
