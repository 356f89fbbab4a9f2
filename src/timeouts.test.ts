/**
 * Issue 14 (9): explicit HTTP timeouts. A client that sends its headers or its
 * body too slowly is cut at the configured time (Node's default would keep it
 * 300 s), an idle keep-alive connection is closed, and a normal request is
 * served promptly meanwhile. Short configured times keep the test quick; the
 * bounds are generous because the machine may be busy.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { testConfig } from './config.js';
import { type RunningServer, startServer } from './server.js';

const HEADERS_MS = 500;
const REQUEST_MS = 1000;
const KEEP_ALIVE_MS = 300;
/** Far below Node's defaults (60 s for headers, 300 s for a request): being cut by then proves the configured value applies. */
const CUT_BY_MS = 10_000;

let server: RunningServer;
before(async () => {
  server = await startServer(
    testConfig({
      maxscalePort: 0,
      pipPort: 0,
      http: { headersTimeout: HEADERS_MS, requestTimeout: REQUEST_MS, keepAliveTimeout: KEEP_ALIVE_MS },
    }),
  );
});
after(() => server.close());

/** Opens a raw connection, writes `text`, and resolves with what came back and how long until the server closed it. */
function rawClient(origin: string, text: string): { closed: Promise<{ ms: number; received: string }>; socket: Socket } {
  const url = new URL(origin);
  const started = Date.now();
  const socket = connect(Number(url.port), url.hostname);
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  socket.write(text);
  const closed = new Promise<{ ms: number; received: string }>((resolve, reject) => {
    socket.on('close', () => resolve({ ms: Date.now() - started, received }));
    socket.on('error', reject);
  });
  const guard = setTimeout(() => socket.destroy(new Error(`still open after ${CUT_BY_MS} ms`)), CUT_BY_MS);
  socket.on('close', () => clearTimeout(guard));
  return { closed, socket };
}

const auth = `Basic ${Buffer.from('admin:mariadb').toString('base64')}`;

describe('HTTP timeouts', () => {
  test('slow-header and slow-body clients are cut at the configured times while a normal request is served promptly', async () => {
    const origin = server.urls.maxscale;
    // Headers never finished.
    const slowHeaders = rawClient(origin, `GET /v1/servers HTTP/1.1\r\nHost: twin\r\nAuthorization: ${auth}\r\n`);
    // Headers complete, 10 of 100 body bytes sent, then nothing.
    const slowBody = rawClient(
      origin,
      `POST /v1/servers HTTP/1.1\r\nHost: twin\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"data":{}`,
    );
    const startedAt = Date.now();
    const normal = await fetch(`${origin}/v1/servers`, { headers: { Authorization: auth } });
    assert.equal(normal.status, 200);
    await normal.arrayBuffer();
    const normalMs = Date.now() - startedAt;

    const headers = await slowHeaders.closed;
    // Served while the slow clients still held their connections.
    assert.ok(normalMs < headers.ms, `a normal request took ${normalMs} ms`);
    assert.ok(headers.ms >= HEADERS_MS * 0.9, `slow headers cut after ${headers.ms} ms`);
    assert.match(headers.received, /^HTTP\/1\.1 408/);
    const body = await slowBody.closed;
    assert.ok(body.ms >= REQUEST_MS * 0.9, `slow body cut after ${body.ms} ms`);
    assert.match(body.received, /^HTTP\/1\.1 408/);
  });

  test('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const client = rawClient(server.urls.pip, 'GET /heartbeat HTTP/1.1\r\nHost: twin\r\nConnection: keep-alive\r\n\r\n');
    const { ms, received } = await client.closed;
    assert.match(received, /^HTTP\/1\.1 200/);
    assert.ok(ms >= KEEP_ALIVE_MS * 0.9, `closed after ${ms} ms`);
  });
});
