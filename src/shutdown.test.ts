/**
 * Clean shutdown (`RunningServer.close`, what SIGTERM/SIGINT run): requests in
 * flight are answered, new connections are refused, and idle keep-alive
 * connections do not keep the process waiting.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { testConfig } from './config.js';
import { startServer } from './server.js';
import { slowCreate } from './testing/slow-request.js';

test('a request in flight is answered while the server closes, and new connections are refused', async () => {
  const server = await startServer(testConfig({ maxscalePort: 0, pipPort: 0 }));
  const slow = slowCreate(server.urls.maxscale);
  await slow.started;

  let closed = false;
  const closing = server.close().then(() => {
    closed = true;
  });
  await delay(200);
  assert.equal(closed, false, 'close waits for the request in flight');
  await assert.rejects(fetch(`${server.urls.maxscale}/docs`), 'a new connection is refused');

  slow.finish();
  assert.equal((await slow.response).status, 204, 'the request in flight was carried out');
  await closing;
  assert.equal(closed, true);
});

test('idle keep-alive connections do not hold the close up', async () => {
  const server = await startServer(testConfig({ maxscalePort: 0, pipPort: 0 }));
  const agent = new http.Agent({ keepAlive: true });
  const status = await new Promise<number>((resolve, reject) => {
    http
      .get(`${server.urls.maxscale}/docs`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
  assert.equal(status, 200);
  const started = Date.now();
  await server.close();
  // Node keeps an idle keep-alive connection for keepAliveTimeout (5 s) unless it is closed.
  assert.ok(Date.now() - started < 2000, `closed in ${Date.now() - started} ms`);
  agent.destroy();
});
