/**
 * A request that stays in flight until the test lets it finish: the shutdown
 * tests close the server (or send SIGTERM) while it is open.
 */
import http from 'node:http';

const newService = JSON.stringify({
  data: {
    id: 'Slow-Router',
    type: 'services',
    attributes: { router: 'readconnroute', parameters: { user: 'maxuser', password: 'maxpwd' } },
  },
});

/**
 * Starts `POST /v1/services` and resolves `started` once the server has read its
 * headers (it answered `Expect: 100-continue`); the body is sent by `finish()`.
 */
export function slowCreate(
  origin: string,
  auth = 'admin:mariadb',
): { started: Promise<void>; finish: () => void; response: Promise<{ status: number }> } {
  const url = new URL(origin);
  let started!: () => void;
  const startedP = new Promise<void>((resolve) => {
    started = resolve;
  });
  const req = http.request({
    host: url.hostname,
    port: url.port,
    method: 'POST',
    path: '/v1/services',
    auth,
    agent: new http.Agent({ keepAlive: true }),
    headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(newService), Expect: '100-continue' },
  });
  const response = new Promise<{ status: number }>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
  });
  req.on('continue', () => started());
  req.flushHeaders();
  return { started: startedP, finish: () => req.end(newService), response };
}
