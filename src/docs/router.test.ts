import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { OpenAPIV3 } from 'openapi-types';
import request from 'supertest';
import { parse } from 'yaml';
import { type Apps, createApp } from '../app.js';
import { type Config, testConfig } from '../config.js';
import type { Listener } from '../http/answers.js';
import { type ApiName, projectRoot } from '../spec/load.js';
import { testHttp } from '../testing/http.js';
import { discoverApis, initializerScript, setListeningPorts, withServers } from './router.js';

const config: Config = testConfig({ maxscalePort: 18989, pipPort: 18080 });
let apps: Apps;
let offApps: Promise<Apps> | undefined;
/** One twin without the admin API and with CORS off (building apps is slow: one for the tests that need it). */
const withEverythingOff = () => {
  offApps ??= createApp(testConfig({ adminApi: false, corsOrigins: [] }));
  return offApps;
};

/** Each twin that has been built, with the spec it serves at /openapi.json. */
function twins(): { api: ApiName; app: Listener }[] {
  const pip = (apps as Partial<Record<'pip', Listener>>).pip;
  const all: { api: ApiName; app: Listener }[] = [{ api: 'maxscale', app: apps.maxscale }];
  if (pip) all.push({ api: 'pip-sessions', app: pip });
  return all;
}

before(async () => {
  apps = await createApp(config);
});

describe('Swagger UI at /docs', () => {
  test('the page loads Swagger UI from the twin itself, not from a CDN', async () => {
    for (const { app } of twins()) {
      for (const path of ['/docs', '/docs/', '/docs/index.html']) {
        const res = await request(app).get(path);
        assert.equal(res.status, 200, path);
        assert.match(res.headers['content-type'] ?? '', /^text\/html/);
        assert.match(res.text, /<script src="\/docs\/swagger-ui-bundle\.js"/);
        assert.doesNotMatch(res.text, /https?:\/\//, 'every asset is local');
      }
      const bundle = await request(app).get('/docs/swagger-ui-bundle.js');
      assert.equal(bundle.status, 200);
      assert.match(bundle.headers['content-type'] ?? '', /javascript/);
      const css = await request(app).get('/docs/swagger-ui.css');
      assert.equal(css.status, 200);
    }
  });

  test('the initializer lists every spec in openapi/ and opens on the twin’s own', async () => {
    const files = readdirSync(join(projectRoot(), 'openapi')).filter((f) => f.endsWith('.yaml'));
    for (const { api, app } of twins()) {
      const res = await request(app).get('/docs/swagger-initializer.js');
      assert.equal(res.status, 200);
      const urls = [...res.text.matchAll(/"url": "([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(urls.sort(), files.map((f) => `/openapi/${f.replace(/\.yaml$/, '.json')}`).sort());
      assert.match(res.text, /"validatorUrl": null/, 'no call to the online validator');
      const own = urls.indexOf(`/openapi/${api}.json`);
      const names = [...res.text.matchAll(/"name": "([^"]+)"/g)].map((m) => m[1]);
      assert.match(res.text, new RegExp(`"urls.primaryName": "${names[own]}"`));
    }
  });

  test('docs and specs need no credentials, while the API still does', async () => {
    const res = await request(apps.maxscale).get('/openapi.json');
    assert.equal(res.status, 200);
    const api = await request(apps.maxscale).get('/v1/services');
    assert.equal(api.status, 401);
  });
});

describe('the specs at /openapi*', () => {
  test('/openapi.json is the twin’s bundled spec, its servers at the origin the browser used', async () => {
    const res = await request(apps.maxscale).get('/openapi.json').set('Host', 'twin.test:1234');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'] ?? '', /^application\/json/);
    const doc = res.body as OpenAPIV3.Document;
    assert.equal(doc.info.title, 'MariaDB MaxScale REST API');
    assert.deepEqual(
      doc.servers?.map((s) => s.url),
      ['http://twin.test:1234/v1', 'http://twin.test:1234'],
    );
    assert.ok(doc.paths['/services']?.get, 'the paths are there');
    assert.ok(doc.components?.securitySchemes?.basicAuth, 'Basic auth is offered by the Authorize button');
  });

  test('/openapi.yaml is the same document as YAML', async () => {
    const json = await request(apps.maxscale).get('/openapi.json').set('Host', 'twin.test:1234');
    const yaml = await request(apps.maxscale).get('/openapi.yaml').set('Host', 'twin.test:1234');
    assert.equal(yaml.status, 200);
    assert.match(yaml.headers['content-type'] ?? '', /^application\/yaml/);
    assert.deepEqual(parse(yaml.text), json.body);
  });

  test('every spec is served by name from either twin, pointed at the twin that serves it', async () => {
    for (const { app } of twins()) {
      for (const api of discoverApis()) {
        const res = await request(app).get(`/openapi/${api}.json`).set('Host', 'twin.test:1234');
        assert.equal(res.status, 200, api);
        const port = api === 'maxscale' ? config.maxscalePort : config.pipPort;
        const urls = (res.body as OpenAPIV3.Document).servers?.map((s) => s.url) ?? [];
        // The twin that answers is reached as the browser reached it; the other on its own port; the admin API where the page is.
        for (const url of urls) assert.match(url, new RegExp(`^http://twin\\.test:(1234|${port})(/v1|/__apitwin)?$`), url);
        const yaml = await request(app).get(`/openapi/${api}.yaml`);
        assert.equal(yaml.status, 200);
      }
    }
  });

  test("with --admin-api the admin API's spec is a third definition, pointed at the page's own port; without it, it is not listed", async () => {
    const script = await request(apps.pip).get('/docs/swagger-initializer.js');
    assert.match(script.text, /"url": "\/openapi\/apitwin-admin\.json"/);
    assert.match(script.text, /"name": "apitwin admin API 1\.0"/);
    assert.equal(discoverApis().length, 3);
    const spec = await request(apps.pip).get('/openapi/apitwin-admin.json').set('Host', 'twin.test:1234');
    assert.deepEqual(
      (spec.body as OpenAPIV3.Document).servers?.map((s) => s.url),
      ['http://twin.test:1234/__apitwin'],
    );
    const off = await withEverythingOff();
    assert.doesNotMatch((await request(off.maxscale).get('/docs/swagger-initializer.js')).text, /apitwin-admin/);
    assert.equal((await request(off.maxscale).get('/openapi/apitwin-admin.json')).status, 404);
  });

  test('an unknown spec name is a 404 that lists the specs', async () => {
    const res = await request(apps.maxscale).get('/openapi/nope.json');
    assert.equal(res.status, 404);
    assert.ok(res.body.specs.includes('/openapi/maxscale.json'));
  });

  const noPipSpec = !discoverApis().includes('pip-sessions') && 'openapi/pip-sessions.yaml is not there';
  test('the other twin is found on the port it really listens on, once the server has told it', { skip: noPipSpec }, async () => {
    const told = testConfig({ maxscalePort: 0, pipPort: 0 });
    setListeningPorts(told, { maxscale: 41000, pip: 42000 });
    const app = (await createApp(told)).maxscale;
    const res = await request(app).get('/openapi/pip-sessions.json').set('Host', 'localhost:41000');
    assert.deepEqual(
      (res.body as OpenAPIV3.Document).servers?.map((s) => new URL(s.url).port),
      ['42000'],
    );
  });

  test('a configured public URL is where the MaxScale spec points', async () => {
    const app = (await createApp(testConfig({ publicUrl: 'https://maxscale.example:9443' }))).maxscale;
    const res = await request(app).get('/openapi.json');
    assert.deepEqual(
      (res.body as OpenAPIV3.Document).servers?.map((s) => s.url),
      ['https://maxscale.example:9443/v1', 'https://maxscale.example:9443'],
    );
  });
});

describe('CORS for "Try it out" across the twins’ ports', () => {
  test('a preflight is answered without credentials, allowing the headers asked for', async () => {
    for (const { app } of twins()) {
      const res = await request(app)
        .options('/v1/services')
        .set('Origin', 'http://localhost:8080')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      assert.equal(res.status, 204);
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.equal(res.headers['access-control-allow-headers'], 'authorization,content-type');
      assert.match(res.headers['access-control-allow-methods'] ?? '', /POST/);
    }
  });

  test('an API response to another origin carries Access-Control-Allow-Origin and still meets the spec', async () => {
    const http = await testHttp(apps.maxscale, 'maxscale');
    const res = await http.get('/v1/services', { headers: { Origin: 'http://localhost:8080' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    const refused = await http.get('/v1/services', { headers: { Origin: 'http://localhost:8080' }, auth: null });
    assert.equal(refused.status, 401, 'CORS opens nothing that credentials close');
    assert.equal(refused.headers['access-control-allow-origin'], '*');
  });

  test('--cors=off sends no CORS headers, and answers no preflight', async () => {
    const off = await withEverythingOff();
    const res = await request(off.pip).post('/v1/sessions/get_sessions').set('Origin', 'http://localhost:3000').send({});
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    const preflight = await request(off.pip)
      .options('/v1/sessions/get_sessions')
      .set('Origin', 'http://localhost:3000')
      .set('Access-Control-Request-Method', 'POST');
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
  });

  test('--cors with origins allows those origins only, named back with Vary: Origin', async () => {
    const some = await createApp(testConfig({ corsOrigins: ['http://localhost:3000'] }));
    const allowed = await request(some.pip).post('/v1/sessions/get_sessions').set('Origin', 'http://localhost:3000').send({});
    assert.equal(allowed.headers['access-control-allow-origin'], 'http://localhost:3000');
    assert.match(allowed.headers.vary ?? '', /Origin/);
    const other = await request(some.pip).post('/v1/sessions/get_sessions').set('Origin', 'http://evil.example').send({});
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });

  test('CORS covers the admin API too', async () => {
    const res = await request(apps.maxscale).get('/__apitwin/faults').set('Origin', 'http://localhost:3000');
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], '*');
  });

  test('a same-origin request gets no CORS headers', async () => {
    const res = await request(apps.maxscale).get('/v1/services').auth('admin', 'mariadb');
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });
});

describe('helpers', () => {
  const doc = (servers?: OpenAPIV3.ServerObject[]): OpenAPIV3.Document => ({
    openapi: '3.0.3',
    info: { title: 't', version: '1' },
    paths: {},
    ...(servers ? { servers } : {}),
  });
  const cases: [string, { given: OpenAPIV3.ServerObject[] | undefined; want: string[] }][] = [
    ['keeps a base path and drops a trailing slash', { given: [{ url: 'http://localhost:8989/v1/' }], want: ['http://h:1/v1'] }],
    ['turns a bare origin into the new origin', { given: [{ url: 'http://localhost:8080' }], want: ['http://h:1'] }],
    ['resolves a relative server URL', { given: [{ url: '/api' }], want: ['http://h:1/api'] }],
    ['gives a spec without servers one at the origin', { given: undefined, want: ['http://h:1'] }],
  ];
  for (const [name, { given, want }] of cases) {
    test(`withServers ${name}`, () => {
      assert.deepEqual(
        withServers(doc(given), 'http://h:1').servers?.map((s) => s.url),
        want,
      );
    });
  }

  test('withServers keeps server descriptions', () => {
    const out = withServers(doc([{ url: 'http://x/v1', description: 'versioned' }]), 'http://h:1');
    assert.equal(out.servers?.[0]?.description, 'versioned');
  });

  test('the initializer names no primary spec when it has none', () => {
    assert.doesNotMatch(initializerScript([{ url: '/a.json', name: 'A' }], undefined), /primaryName/);
  });
});
