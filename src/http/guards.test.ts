/**
 * Issue 14: what no operation can handle is refused before routing, in the
 * API's own error document, and never as a 5xx: malformed percent-encoding
 * (2), a Content-Encoding that is unsupported or broken (3), a body nested
 * past the limit (4); a `__proto__` parameter (7); HEAD as GET (8).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { type Apps, createApp, memoryStores } from '../app.js';
import { testConfig } from '../config.js';
import { createLogger } from '../log.js';
import { createPipApp } from '../pip/app.js';
import { SqliteSessionsStore } from '../pip/sqlite-store.js';
import { SqliteFile } from '../store/sqlite.js';
import { type TestHttp, testHttp } from '../testing/http.js';
import { DEFAULT_MAX_BODY_DEPTH, isValidPercentEncoding, jsonDepthExceeds, MAX_BODY_DEPTH_CEILING, protoKeyAt } from './guards.js';

const nested = (depth: number): string => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;

describe('guards, unit', () => {
  test('percent-encoding is valid only when every escape decodes as UTF-8', () => {
    const cases: [string, boolean][] = [
      ['/v1/servers/server1', true],
      ['/v1/servers/a%20b', true],
      ['/v1/servers/%E0%A4%A8', true],
      ['/v1/servers/%E0%A4%A', false],
      ['/v1/servers/%', false],
      ['/v1/servers/%zz', false],
      ['/v1/servers/%C0%AF', false],
    ];
    for (const [path, want] of cases) assert.equal(isValidPercentEncoding(path), want, path);
  });

  test('nesting depth counts brackets outside strings only', () => {
    assert.equal(jsonDepthExceeds(Buffer.from(nested(3)), 3), false);
    assert.equal(jsonDepthExceeds(Buffer.from(nested(4)), 3), true);
    assert.equal(jsonDepthExceeds(Buffer.from('{"a":"[[[[[[\\"[[[["}'), 1), false);
    assert.equal(jsonDepthExceeds(Buffer.from('[[[1]],[[2]]]'), 3), false);
  });

  test('a __proto__ member is found wherever it is', () => {
    assert.equal(
      protoKeyAt(JSON.parse('{"data":{"attributes":{"parameters":{"__proto__":"x"}}}}')),
      '/data/attributes/parameters/__proto__',
    );
    assert.equal(protoKeyAt(JSON.parse('[{"a":1},{"__proto__":{}}]')), '/1/__proto__');
    assert.equal(protoKeyAt({ a: { b: 'c' } }), undefined);
  });
});

describe('guards, over HTTP', () => {
  let apps: Apps;
  let maxscale: TestHttp;
  let pip: TestHttp;
  before(async () => {
    apps = await createApp(testConfig({ maxBodyDepth: MAX_BODY_DEPTH_CEILING }));
    maxscale = await testHttp(apps.maxscale, 'maxscale');
    pip = await testHttp(apps.pip, 'pip-sessions');
  });

  test('a path that is not valid percent-encoding is a 400 in the API’s error document, docs paths included', async () => {
    const servers = (await maxscale.get('/v1/servers')).body;
    for (const path of ['/v1/servers/%E0%A4%A', '/openapi/%E0%A4%A.json', '/docs/%E0', '/%']) {
      const res = await maxscale.request('DELETE', path, { unchecked: true });
      assert.equal(res.status, 400, path);
      assert.equal(res.body.errors[0].code, 'BAD_REQUEST');
      assert.match(res.body.errors[0].detail, /percent-encoding/);
    }
    for (const path of ['/v1/sessions/%E0%A4%A', '/openapi/%E0%A4%A.json', '/heartbeat%']) {
      const res = await pip.request('POST', path, { unchecked: true });
      assert.equal(res.status, 400, path);
      // restify's short body for what the HTTP layer refuses.
      assert.equal(res.body.code, 'BadRequest');
      assert.match(res.body.message, /percent-encoding/);
    }
    assert.deepEqual((await maxscale.get('/v1/servers')).body, servers);
  });

  test('an unsupported Content-Encoding is a 415 and a broken one a 400, on every twin', async () => {
    const body = JSON.stringify({ user_id: '1', user_name: 'Gzip' });
    const send = (app: Apps['pip'], path: string, encoding: string, payload: Buffer | string) =>
      request(app)
        .post(path)
        .auth('admin', 'mariadb')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', encoding)
        .send(payload);
    assert.equal((await send(apps.pip, '/v1/sessions/open_session', 'compress', body)).status, 415);
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const res = await send(apps.pip, '/v1/sessions/open_session', encoding, body);
      assert.equal(res.status, 400, encoding);
      assert.equal(res.body.code, 'BadRequest');
      const mx = await send(apps.maxscale, '/v1/servers', encoding, '{"data":{}}');
      assert.equal(mx.status, 400, encoding);
      assert.equal(mx.body.errors[0].code, 'BAD_REQUEST');
    }
    // A body that really is gzip is read (sent as raw bytes: superagent would serialize a Buffer as JSON).
    const zipped = gzipSync(body);
    const ok = await request(apps.pip)
      .post('/v1/sessions/open_session')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize(() => zipped as unknown as string)
      .send({});
    assert.equal(ok.status, 200);
    assert.equal(ok.body.user_name, 'Gzip');
  });

  test('a body nested past the limit is a 400 and stores nothing', async () => {
    const before = apps.pipModel.store.count({});
    const deep = `{"user_id":"1","user_name":"Deep","data":${nested(MAX_BODY_DEPTH_CEILING)}}`;
    const res = await pip.post('/v1/sessions/open_session', deep);
    assert.equal(res.status, 400);
    assert.match(res.body.message, /nested deeper than 1000 levels/);
    assert.equal(apps.pipModel.store.count({}), before);
    const mx = await maxscale.post('/v1/servers', `{"data":${nested(MAX_BODY_DEPTH_CEILING)}}`);
    assert.equal(mx.status, 400);
  });

  test('a __proto__ parameter in a PATCH is refused like an unknown parameter, and changes nothing', async () => {
    for (const path of ['/v1/servers/server1', '/v1/services/Read-Connection-Router']) {
      const before = (await maxscale.get(path)).body.data.attributes.parameters;
      const res = await maxscale.patch(path, '{"data":{"attributes":{"parameters":{"__proto__":"x"}}}}');
      assert.equal(res.status, 403, path);
      assert.equal(res.body.errors[0].detail, "Unknown parameter '__proto__' at /data/attributes/parameters/__proto__");
      assert.deepEqual((await maxscale.get(path)).body.data.attributes.parameters, before);
    }
  });

  test('HEAD on a MaxScale resource answers with the GET’s status and headers and no body', async () => {
    const get = await request(apps.maxscale).get('/v1/servers/server1').auth('admin', 'mariadb');
    const head = await request(apps.maxscale).head('/v1/servers/server1').auth('admin', 'mariadb');
    assert.equal(head.status, 200);
    assert.equal(head.text, undefined);
    for (const name of ['content-type', 'content-length', 'etag', 'last-modified'])
      assert.equal(head.headers[name], get.headers[name], name);
    assert.equal((await request(apps.maxscale).head('/v1/servers/nope').auth('admin', 'mariadb')).status, 404);
    assert.equal((await request(apps.maxscale).head('/v1/servers')).status, 401);
  });
});

describe('found by the fuzzer', () => {
  let apps: Apps;
  let maxscale: TestHttp;
  let pip: TestHttp;
  before(async () => {
    apps = await createApp(testConfig());
    maxscale = await testHttp(apps.maxscale, 'maxscale');
    pip = await testHttp(apps.pip, 'pip-sessions');
  });

  test('a module named like an Object property (__proto__, constructor) is unknown, not a 500', async () => {
    for (const name of ['__proto__', 'constructor', 'toString']) {
      assert.equal((await maxscale.post(`/v1/maxscale/modules/${name}/x?admin`)).status, 404, name);
      assert.equal((await maxscale.get(`/v1/maxscale/modules/${name}`)).status, 404, name);
    }
  });

  test('If-None-Match: * is answered 200 by pip, which has no validators, and 304 by MaxScale, whose every path has one', async () => {
    assert.equal((await pip.get('/status', { headers: { 'If-None-Match': '*' } })).status, 200);
    // MaxScale 2.3 checks every path's counter; an unmodified path's is "0", and `*` matches any.
    assert.equal(
      (await maxscale.get('/v1/maxscale/query_classifier/classify?sql=SELECT%201', { headers: { 'If-None-Match': '*' } })).status,
      304,
    );
  });

  test('query parameters an operation does not declare are ignored, and a repeated one counts once', async () => {
    const res = await maxscale.get('/v1/servers/server1?x=1&x=2&%E0%A4%A&pretty=false&pretty=true');
    assert.equal(res.status, 200);
    assert.ok(!res.text.includes('\n'), 'the first pretty (false) applies');
    assert.equal((await maxscale.get('/v1/servers/server1?pretty=maybe')).status, 200);
    assert.equal((await pip.get('/heartbeat?a=%')).status, 200);
  });
});

describe('every store operation is safe for the deepest body accepted', () => {
  const deepData = JSON.parse(nested(MAX_BODY_DEPTH_CEILING - 1)) as Record<string, unknown>;
  const dir = mkdtempSync(join(tmpdir(), 'apitwin-deep-'));
  const stores = {
    memory: () => memoryStores(),
    sqlite: () => ({ ...memoryStores(), pip: SqliteFile.openFor(join(dir, 'deep.db'), (file) => new SqliteSessionsStore(file)) }),
  };
  for (const [kind, open] of Object.entries(stores)) {
    test(`${kind}: open, read, list, store, close and delete a session ${MAX_BODY_DEPTH_CEILING} levels deep`, async () => {
      const opened = open();
      after(() => opened.pip.close());
      const { app } = await createPipApp(testConfig({ maxBodyDepth: MAX_BODY_DEPTH_CEILING }), opened.pip, {
        logger: createLogger(testConfig()),
      });
      const pip = await testHttp(app, 'pip-sessions');
      const session = await pip.post('/v1/sessions/open_session', { user_id: '7', user_name: 'Deep', data: deepData });
      assert.equal(session.status, 200);
      const id: string = session.body.id;
      for (const [command, body] of [
        ['get_session_by_id', { session_id: id }],
        ['get_sessions', { filter: { user_id: '7' } }],
        ['store_session_data', { session_id: id, data: deepData }],
        ['update_session_user', { session_id: id, user: deepData }],
        ['close_session', { session_id: id }],
        ['delete_session_by_id', { session_id: id }],
      ] as const) {
        const res = await pip.post(`/v1/sessions/${command}`, body);
        assert.equal(res.status, 200, `${command}: ${res.status} ${res.text.slice(0, 200)}`);
      }
    });
  }
  test(`the default limit is ${DEFAULT_MAX_BODY_DEPTH}`, () => {
    assert.equal(testConfig().maxBodyDepth, DEFAULT_MAX_BODY_DEPTH);
  });
});
