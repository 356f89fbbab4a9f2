import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Config, ConfigError, defaultConfig, loadConfig, OPTIONS } from './config.js';

type OptionName = keyof typeof OPTIONS;

// Every option, a value for it, and where that value lands in the Config.
const settings: [OptionName, { value: string; read: (c: Config) => unknown; want: unknown }][] = [
  ['host', { value: '0.0.0.0', read: (c) => c.host, want: '0.0.0.0' }],
  ['maxscale-port', { value: '9989', read: (c) => c.maxscalePort, want: 9989 }],
  ['pip-port', { value: '9080', read: (c) => c.pipPort, want: 9080 }],
  ['public-url', { value: 'https://twin.example/', read: (c) => c.publicUrl, want: 'https://twin.example' }],
  ['admin-user', { value: 'alice', read: (c) => c.adminUser, want: 'alice' }],
  ['admin-password', { value: 's3cret', read: (c) => c.adminPassword, want: 's3cret' }],
  ['store', { value: 'sqlite:/tmp/twin.db', read: (c) => c.store, want: 'sqlite:/tmp/twin.db' }],
  ['data-file', { value: 'my-data.json', read: (c) => c.dataFile, want: 'my-data.json' }],
  ['maxscale-config', { value: '/etc/maxscale.cnf', read: (c) => c.maxscaleConfig, want: '/etc/maxscale.cnf' }],
  ['log-level', { value: 'debug', read: (c) => c.logLevel, want: 'debug' }],
  ['validate-responses', { value: 'off', read: (c) => c.validateResponses, want: false }],
  ['test-routes', { value: 'yes', read: (c) => c.testRoutes, want: true }],
  ['pip-max-page-size', { value: '25', read: (c) => c.pip.maxPageSize, want: 25 }],
  ['pip-expire-timeout', { value: '60000', read: (c) => c.pip.expireTimeoutMs, want: 60000 }],
  ['pip-cleanup-interval', { value: '0', read: (c) => c.pip.cleanupIntervalMs, want: 0 }],
  ['pip-max-body-size', { value: '1048576', read: (c) => c.pip.maxBodyBytes, want: 1048576 }],
];

describe('loadConfig', () => {
  test('the table below covers every option', () => {
    assert.deepEqual(settings.map(([name]) => name).sort(), Object.keys(OPTIONS).sort());
  });

  for (const [name, { value, read, want }] of settings) {
    const { env } = OPTIONS[name];
    test(`--${name} and ${env} both set it, and the flag wins`, () => {
      assert.deepEqual(read(loadConfig([`--${name}=${value}`], {})), want);
      assert.deepEqual(read(loadConfig([], { [env]: value })), want);
      assert.deepEqual(read(loadConfig([`--${name}`, value], { [env]: 'something else' })), want);
    });
  }

  test('with nothing given, the defaults hold', () => {
    assert.deepEqual(loadConfig([], {}), defaultConfig());
  });

  test('an empty environment variable counts as unset', () => {
    assert.equal(loadConfig([], { APITWIN_HOST: '' }).host, '127.0.0.1');
  });

  const refused: [string, { argv: string[]; env?: Record<string, string>; message: RegExp }][] = [
    ['an unknown flag', { argv: ['--bogus'], message: /^unknown option '--bogus'$/ }],
    ['a flag without its value', { argv: ['--maxscale-port'], message: /^--maxscale-port needs a value/ }],
    ['a stray word', { argv: ['8989'], message: /^unexpected argument '8989'/ }],
    ['a port out of range', { argv: ['--pip-port=70000'], message: /^--pip-port must be a port number/ }],
    [
      'a bad port from the environment, named by its variable',
      { argv: [], env: { APITWIN_MAXSCALE_PORT: 'x' }, message: /^APITWIN_MAXSCALE_PORT must be/ },
    ],
    ['an unknown store', { argv: ['--store=redis'], message: /^--store must be memory or sqlite:PATH/ }],
    ['an unknown log level', { argv: [], env: { APITWIN_LOG_LEVEL: 'loud' }, message: /^APITWIN_LOG_LEVEL must be one of .*got 'loud'/ }],
    ['a boolean that is not one', { argv: ['--validate-responses=maybe'], message: /^--validate-responses must be true or false/ }],
  ];
  for (const [name, { argv, env = {}, message }] of refused) {
    test(`refuses ${name}`, () => {
      assert.throws(
        () => loadConfig(argv, env),
        (err: unknown) => err instanceof ConfigError && message.test(err.message),
      );
    });
  }
});
