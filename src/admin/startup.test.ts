/**
 * What `apitwin serve` tells a person at start: the exposure warnings and the
 * terminal banner, as functions (the CLI tests run them for real).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Config, testConfig } from '../config.js';
import { MaxscaleModel } from '../maxscale/model.js';
import { deleteUser } from '../maxscale/rules/users.js';
import { initialState } from '../maxscale/state.js';
import { MemoryKvStore } from '../store/memory.js';
import { exposureWarnings, isLoopback, startupBanner } from './startup.js';

function modelFor(config: Config): MaxscaleModel {
  const model = new MaxscaleModel(new MemoryKvStore());
  model.load(initialState(config));
  return model;
}

describe('isLoopback', () => {
  const cases: [string, boolean][] = [
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['twin.example', false],
  ];
  for (const [host, want] of cases) test(`${host} is ${want ? '' : 'not '}loopback`, () => assert.equal(isLoopback(host), want));
});

describe('exposure warnings', () => {
  test('none on loopback, whatever the credentials', () => {
    const config = testConfig({ host: '127.0.0.1' });
    assert.deepEqual(exposureWarnings(config, modelFor(config)), []);
  });

  test('on another address, the default admin:mariadb and the example my-user are named', () => {
    const config = testConfig({ host: '0.0.0.0', adminApi: false });
    const [warning, ...rest] = exposureWarnings(config, modelFor(config));
    assert.match(warning ?? '', /listening on 0\.0\.0\.0.*admin:mariadb, my-user:my-password/);
    assert.deepEqual(rest, []);
  });

  test('with a password of your own and the example user deleted, no credential warning, but the admin API still warns', () => {
    const config = testConfig({ host: '0.0.0.0', adminPassword: 'long-and-secret', adminApi: true });
    const model = modelFor(config);
    deleteUser(model, 'inet', 'my-user');
    const warnings = exposureWarnings(config, model);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /admin API on/);
  });

  test('a default password kept for another admin user name is still the default', () => {
    const config = testConfig({ host: '10.0.0.5', adminUser: 'alice', adminApi: false });
    assert.match(exposureWarnings(config, modelFor(config)).join(), /alice:mariadb/);
  });
});

describe('the terminal banner', () => {
  test('names the URLs, the store, the state file, CORS, and whether auth and the admin API are on', () => {
    const config = testConfig({ store: 'sqlite:twin.db', dataFile: 'mine.json', adminApi: true });
    const text = startupBanner({
      urls: { maxscale: 'http://127.0.0.1:8989', pip: 'http://127.0.0.1:8080' },
      config,
      authOn: true,
      warnings: [],
    });
    for (const want of [
      /MaxScale REST API {3}http:\/\/127\.0\.0\.1:8989\/v1\/ {3}\(HTTP Basic, user admin\)/,
      /pip-sessions API {4}http:\/\/127\.0\.0\.1:8080\//,
      /Swagger UI {10}http:\/\/127\.0\.0\.1:8989\/docs/,
      /Admin API {11}http:\/\/127\.0\.0\.1:8989\/__apitwin\//,
      /Store {15}sqlite:twin\.db/,
      /MaxScale state {6}mine\.json/,
      /CORS {16}any origin/,
    ])
      assert.match(text, want);
    assert.doesNotMatch(text, /Warning/);
  });

  test('says when authentication and the admin API are off, and shows warnings', () => {
    const config = testConfig({ adminApi: false, corsOrigins: [] });
    const text = startupBanner({ urls: { maxscale: 'http://h:1', pip: 'http://h:2' }, config, authOn: false, warnings: ['be careful'] });
    assert.match(text, /authentication off/);
    assert.match(text, /Admin API {11}off \(turn it on with --admin-api\)/);
    assert.match(text, /CORS {16}off/);
    assert.match(text, /Warning: be careful\./);
  });
});
