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
  ['admin-api', { value: 'yes', read: (c) => c.adminApi, want: true }],
  ['journal-size', { value: '50', read: (c) => c.journalSize, want: 50 }],
  [
    'cors',
    {
      value: 'http://localhost:3000, https://app.example/',
      read: (c) => c.corsOrigins,
      want: ['http://localhost:3000', 'https://app.example'],
    },
  ],
  ['pip-max-page-size', { value: '25', read: (c) => c.pip.maxPageSize, want: 25 }],
  ['pip-expire-timeout', { value: '60000', read: (c) => c.pip.expireTimeoutMs, want: 60000 }],
  ['pip-cleanup-interval', { value: '0', read: (c) => c.pip.cleanupIntervalMs, want: 0 }],
  ['pip-max-body-size', { value: '1048576', read: (c) => c.pip.maxBodyBytes, want: 1048576 }],
  ['max-body-depth', { value: '64', read: (c) => c.maxBodyDepth, want: 64 }],
  ['dbfw-rules-dir', { value: '/srv/rules', read: (c) => c.dbfwRulesDir, want: '/srv/rules' }],
  ['headers-timeout', { value: '2000', read: (c) => c.http.headersTimeout, want: 2000 }],
  ['request-timeout', { value: '60000', read: (c) => c.http.requestTimeout, want: 60000 }],
  ['keep-alive-timeout', { value: '1000', read: (c) => c.http.keepAliveTimeout, want: 1000 }],
  ['spec', { value: 'petstore.yaml', read: (c) => c.spec, want: 'petstore.yaml' }],
  ['port', { value: '4011', read: (c) => c.port, want: 4011 }],
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

  test('the rules folder follows the data file, and none reads no rule file', () => {
    assert.equal(loadConfig(['--data-file=/srv/twin/data.json'], {}).dbfwRulesDir, '/srv/twin');
    assert.equal(loadConfig(['--dbfw-rules-dir=none'], {}).dbfwRulesDir, undefined);
  });

  test('an on/off flag written alone means true, and still takes a value after it', () => {
    assert.equal(loadConfig(['--admin-api'], {}).adminApi, true);
    assert.equal(loadConfig(['--admin-api', '--log-level=warn'], {}).adminApi, true);
    assert.equal(loadConfig(['--admin-api', 'false'], { APITWIN_ADMIN_API: 'true' }).adminApi, false);
  });

  test('CORS is on for any origin by default, and off with --cors=off', () => {
    assert.deepEqual(defaultConfig().corsOrigins, ['*']);
    assert.deepEqual(loadConfig(['--cors=off'], {}).corsOrigins, []);
    assert.deepEqual(loadConfig([], { APITWIN_CORS: 'http://a.example,*' }).corsOrigins, ['*']);
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
    ['a CORS origin that is not one', { argv: ['--cors=localhost:3000'], message: /^--cors must be '\*', off, or origins/ }],
    ['a boolean that is not one', { argv: ['--validate-responses=maybe'], message: /^--validate-responses must be true or false/ }],
    ['a body depth over the ceiling', { argv: ['--max-body-depth=5000'], message: /^--max-body-depth must be between 1 and 1000/ }],
    [
      'a headers timeout longer than the request timeout',
      { argv: ['--headers-timeout=40000'], message: /^--headers-timeout \(40000\) must not be longer than APITWIN_REQUEST_TIMEOUT_MS/ },
    ],
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
