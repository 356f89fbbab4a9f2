import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { testConfig } from '../config.js';
import { type RunningServer, startServer } from '../server.js';
import { projectRoot } from '../spec/load.js';
import { example } from './example.js';
import { createMaxscaleClient, createPipSessionsClient } from './index.js';

let server: RunningServer;
let urls: { maxscale: string; pip: string };

before(async () => {
  server = await startServer(testConfig({ maxscalePort: 0, pipPort: 0 }));
  urls = server.urls;
});

after(() => server?.close());

describe('the typed client', () => {
  test('the README example runs against a started twin', async () => {
    const out = await example(urls);
    for (const documented of ['Read-Connection-Router', 'RW-Split-Router', 'CLI']) assert.ok(out.services.includes(documented), documented);
    assert.equal(out.router, 'readwritesplit');
    assert.match(out.session, /^[0-9a-f]{32}$/);
    assert.equal(out.active, true);
    assert.ok((out.sessionsOfUser1 ?? 0) >= 1);
  });

  test('wrong MaxScale credentials come back as the typed 401 error document', async () => {
    const client = createMaxscaleClient({ baseUrl: `${urls.maxscale}/v1`, user: 'admin', password: 'wrong' });
    const { data, error, response } = await client.GET('/services');
    assert.equal(response.status, 401);
    assert.equal(data, undefined);
    assert.match(error?.errors[0]?.detail ?? '', /Wrong user name or password/);
  });

  test('the MaxScale client works on the unversioned paths and keeps the caller’s headers', async () => {
    const client = createMaxscaleClient({
      baseUrl: `${urls.maxscale}/`,
      user: 'admin',
      password: 'mariadb',
      headers: { 'X-Request-Id': 'client-test-1' },
    });
    const { data, response } = await client.GET('/services/{name}', { params: { path: { name: 'CLI' } } });
    assert.equal(response.status, 200);
    assert.equal(data?.data.id, 'CLI');
    assert.equal(response.headers.get('x-request-id'), 'client-test-1');
  });

  test('a pip command whose result is null is a 204 with no data', async () => {
    const pip = createPipSessionsClient({ baseUrl: urls.pip });
    const { data, error, response } = await pip.POST('/v1/sessions/get_session_by_id', { body: { session_id: 'no-such-session' } });
    assert.equal(response.status, 204);
    assert.equal(data, undefined);
    assert.equal(error, undefined);
  });

  test('a refused pip command comes back as the typed ErrorDescription', async () => {
    const pip = createPipSessionsClient({ baseUrl: urls.pip });
    // A number where the spec wants a string: the cast stands for a caller outside TypeScript.
    const { error, response } = await pip.POST('/v1/sessions/get_session_by_id', {
      body: { session_id: 123 as unknown as string },
      params: { query: { correlation_id: 'c-1' } },
    });
    assert.equal(response.status, 400);
    assert.equal(error?.code, 'INVALID_DATA');
    assert.ok(error && 'correlation_id' in error, 'a validation error is a full ErrorDescription');
    assert.equal(error.correlation_id, 'c-1');
  });

  test('the package exports it as apitwin/client, with its types, from the build of this folder', () => {
    const pkg = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string>>;
    };
    const entry = pkg.exports['./client'];
    assert.deepEqual(entry, { types: './dist/src/client/index.d.ts', default: './dist/src/client/index.js' });
    // tsconfig.build.json compiles src/ to dist/src/ with declarations.
    assert.ok(existsSync(join(projectRoot(), 'src', 'client', 'index.ts')));
    const build = JSON.parse(readFileSync(join(projectRoot(), 'tsconfig.build.json'), 'utf8')) as {
      compilerOptions: { declaration?: boolean };
    };
    assert.equal(build.compilerOptions.declaration, true);
  });
});
