import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError } from '../errors.js';
import { useTwin } from '../testing/twin.js';
import {
  argTypeString,
  COMMANDS,
  COMMON_MONITOR_PARAMETERS,
  CORE_KINDS,
  checkParameters,
  commandsOfDomain,
  coreParameterDefs,
  findModule,
  MODULES,
  type ParamDef,
  parameterDefs,
  requireModule,
} from './modules.js';

describe('the MaxScale 2.3 module catalogue', () => {
  test('holds every module of the release: 53 modules, 213 declared parameters, 14 module commands', () => {
    assert.equal(MODULES.length, 53);
    assert.equal(
      MODULES.reduce((n, m) => n + m.parameters.length, 0),
      213,
    );
    assert.equal(COMMANDS.length, 14);
  });

  test('counts the modules of each type as the release ships them', () => {
    const count = (type: string) => MODULES.filter((m) => m.module_type === type).length;
    assert.deepEqual(
      { routers: count('Router'), monitors: count('Monitor'), filters: count('Filter'), protocols: count('Protocol') },
      { routers: 9, monitors: 7, filters: 19, protocols: 6 },
    );
    assert.equal(count('Authenticator'), 11);
    assert.equal(count('QueryClassifier'), 1);
  });

  test('knows every authenticator', () => {
    for (const name of [
      'MySQLAuth',
      'MySQLBackendAuth',
      'GSSAPIAuth',
      'GSSAPIBackendAuth',
      'PAMAuth',
      'PAMBackendAuth',
      'NullAuthAllow',
      'NullAuthDeny',
      'CDCPlainAuth',
      'HTTPAuth',
      'MaxAdminAuth',
    ]) {
      assert.equal(requireModule(name, 'Authenticator').name, name);
    }
  });

  test('keeps each parameter’s type, default, enum values and mandatory flag', () => {
    const qla = findModule('qlafilter');
    const param = (name: string) => qla?.parameters.find((p) => p.name === name);
    assert.deepEqual(param('filebase'), { name: 'filebase', type: 'string', mandatory: true });
    assert.deepEqual(param('log_data'), {
      name: 'log_data',
      type: 'enum',
      default_value: 'date,user,query',
      enum_values: ['service', 'session', 'date', 'user', 'query', 'reply_time'],
      multi: true,
    });
    assert.deepEqual(param('match'), { name: 'match', type: 'regular expression' });
    const rws = findModule('readwritesplit')?.parameters.find((p) => p.name === 'transaction_replay_max_size');
    assert.deepEqual(rws, { name: 'transaction_replay_max_size', type: 'size', default_value: '1Mi' });
    const deprecated = findModule('mariadbmon')
      ?.parameters.filter((p) => p.deprecated)
      .map((p) => p.name);
    assert.deepEqual(deprecated, ['mysql51_replication', 'multimaster', 'allow_cluster_recovery']);
  });

  test('keeps each command’s method and arguments; optional ones are shown in brackets', () => {
    const log = commandsOfDomain('qlafilter').find((c) => c.id === 'log');
    assert.equal(log?.method, 'GET');
    assert.deepEqual(
      log?.args.map((a) => [argTypeString(a), a.description, a.matchesDomain]),
      [
        ['FILTER', 'Filter to read logs from', true],
        ['[STRING]', 'Start reading from this line', false],
        ['[STRING]', 'Stop reading at this line (exclusive)', false],
      ],
    );
    const addUser = commandsOfDomain('CDC').find((c) => c.id === 'add_user');
    assert.equal(addUser?.domain, 'cdc');
    assert.equal(addUser?.args[0]?.matchesDomain, false, 'the cdc domain is a protocol: any service will do');
    assert.equal(commandsOfDomain('avrorouter').find((c) => c.id === 'convert')?.args[0]?.matchesDomain, true);
  });

  test('finds modules case-insensitively and under their old names', () => {
    assert.equal(findModule('ReadWriteSplit')?.name, 'readwritesplit');
    assert.equal(findModule('mysqlmon')?.name, 'mariadbmon');
    assert.equal(findModule('MySQLBackend')?.name, 'MariaDBBackend');
    assert.equal(findModule('mysqlclient')?.name, 'MariaDBClient');
    assert.equal(findModule('nomod'), undefined);
  });
});

describe('core parameters', () => {
  test('every object kind has its core parameters as config.cc declares them', () => {
    assert.deepEqual(Object.fromEntries(CORE_KINDS.map((k) => [k, coreParameterDefs(k).length])), {
      server: 19,
      service: 22,
      monitor: 17,
      listener: 15,
      filter: 2,
    });
    assert.deepEqual(
      coreParameterDefs('listener').find((p) => p.name === 'address'),
      { name: 'address', type: 'string', default_value: '::' },
    );
    assert.deepEqual(
      coreParameterDefs('server').find((p) => p.name === 'ssl_version'),
      { name: 'ssl_version', type: 'enum', default_value: 'MAX', enum_values: ['MAX', 'TLSv10', 'TLSv11', 'TLSv12', 'TLSv13'] },
    );
  });

  test('an object’s parameters leave out the names its resource carries elsewhere, and add its module’s', () => {
    const names = (defs: readonly ParamDef[]) => defs.map((d) => d.name);
    assert.ok(!names(parameterDefs('service')).some((n) => ['type', 'router', 'servers', 'filters'].includes(n)));
    assert.ok(!names(COMMON_MONITOR_PARAMETERS).some((n) => ['type', 'module', 'servers'].includes(n)));
    assert.deepEqual(names(parameterDefs('filter')), []);
    const rws = findModule('readwritesplit');
    assert.ok(rws && names(parameterDefs('service', rws)).includes('causal_reads'));
    assert.ok(names(parameterDefs('service')).includes('retain_last_statements'));
  });
});

describe('checking parameters', () => {
  const defs = (name: string) => findModule(name)?.parameters ?? [];
  const refused = (module: string, given: Record<string, string | number | boolean>) =>
    assert.throws(
      () => checkParameters(module, defs(module), given, 'update'),
      (e: unknown) => e instanceof ApiError && e.status === 403,
    );

  const accepted: [string, { module: string; given: Record<string, string | number | boolean>; want: Record<string, unknown> }][] = [
    ['a size with a binary suffix', { module: 'cache', given: { max_size: '10Mi' }, want: { max_size: '10Mi' } }],
    [
      'a list of flags in a multi-valued enum',
      { module: 'qlafilter', given: { log_type: 'session,unified' }, want: { log_type: 'session,unified' } },
    ],
    ['regex options together', { module: 'tee', given: { options: 'ignorecase,extended' }, want: { options: 'ignorecase,extended' } }],
    ['a boolean written as yes', { module: 'mariadbmon', given: { auto_failover: 'yes' }, want: { auto_failover: true } }],
    ['a negative int', { module: 'readwritesplit', given: { max_slave_replication_lag: '-1' }, want: { max_slave_replication_lag: -1 } }],
  ];
  for (const [name, { module, given, want }] of accepted) {
    test(`accepts ${name}`, () => assert.deepEqual(checkParameters(module, defs(module), given, 'update'), want));
  }

  const refusals: [string, { module: string; given: Record<string, string | number | boolean> }][] = [
    ['an unknown name', { module: 'qlafilter', given: { no_such: 'x' } }],
    ['a size that is not one', { module: 'cache', given: { max_size: 'big' } }],
    ['two values of a unique enum', { module: 'readwritesplit', given: { master_failure_mode: 'fail_instantly,fail_on_write' } }],
    ['a value outside the enum', { module: 'dbfwfilter', given: { action: 'drop' } }],
    ['a negative count', { module: 'mariadbmon', given: { failcount: -1 } }],
  ];
  for (const [name, { module, given }] of refusals) {
    test(`refuses ${name} with 403`, () => refused(module, given));
  }

  test('creation fills the defaults and refuses a missing mandatory parameter', () => {
    const filled = checkParameters('comment', defs('comment'), { inject: '"hello"' }, 'create');
    assert.deepEqual(filled, { inject: '"hello"' });
    assert.throws(() => checkParameters('comment', defs('comment'), {}, 'create'), /Missing mandatory parameter for 'comment': inject/);
    const qla = checkParameters('qlafilter', defs('qlafilter'), { filebase: '/tmp/q' }, 'create');
    assert.equal(qla.log_data, 'date,user,query');
    assert.equal(qla.separator, ',');
  });
});

describe('modules over the API', () => {
  const twin = useTwin('maxscale');

  test('GET /maxscale/modules lists all 53 modules, each with its parameters and commands', async () => {
    const res = await twin.http.get('/v1/maxscale/modules');
    assert.equal(res.status, 200);
    assert.equal(res.body.data.length, 53);
    const params = res.body.data.reduce((n: number, m: { attributes: { parameters: unknown[] } }) => n + m.attributes.parameters.length, 0);
    const commands = res.body.data.reduce((n: number, m: { attributes: { commands: unknown[] } }) => n + m.attributes.commands.length, 0);
    assert.deepEqual([params, commands], [213, 14]);
  });

  test('a module shows its maturity under MaxScale’s name and the documentation’s, and its commands with their descriptions', async () => {
    const res = await twin.http.get('/v1/maxscale/modules/qlafilter');
    const a = res.body.data.attributes;
    assert.deepEqual([a.maturity, a.status, a.api, a.version], ['GA', 'GA', 'filter', 'V1.1.1']);
    assert.deepEqual(a.commands, [
      {
        id: 'log',
        type: 'module_command',
        links: { self: 'http://localhost:8989/v1/modules/qlafilter/log' },
        attributes: {
          method: 'GET',
          arg_min: 1,
          arg_max: 3,
          description: 'Show unified log file as a JSON array',
          parameters: [
            { description: 'Filter to read logs from', type: 'FILTER', required: true },
            { description: 'Start reading from this line', type: '[STRING]', required: false },
            { description: 'Stop reading at this line (exclusive)', type: '[STRING]', required: false },
          ],
        },
      },
    ]);
  });

  test('an authenticator without parameters or commands shows empty lists', async () => {
    const res = await twin.http.get('/v1/maxscale/modules/GSSAPIBackendAuth');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data.attributes, {
      module_type: 'Authenticator',
      version: 'V1.0.0',
      description: 'GSSAPI backend authenticator',
      api: 'authenticator',
      maturity: 'GA',
      status: 'GA',
      commands: [],
      parameters: [],
    });
  });

  test('a server created with authenticator=GSSAPIBackendAuth is accepted', async () => {
    const body = {
      data: {
        id: 'kerberos-server',
        type: 'servers',
        attributes: { parameters: { address: '10.0.0.5', port: 3306, authenticator: 'GSSAPIBackendAuth' } },
      },
    };
    assert.equal((await twin.http.post('/v1/servers', body)).status, 204);
    const res = await twin.http.get('/v1/servers/kerberos-server');
    assert.equal(res.body.data.attributes.parameters.authenticator, 'GSSAPIBackendAuth');
  });

  test('a server whose authenticator is not one is refused with 403 and not created', async () => {
    const body = {
      data: {
        id: 'bad-auth',
        type: 'servers',
        attributes: { parameters: { address: '10.0.0.5', port: 3306, authenticator: 'readwritesplit' } },
      },
    };
    const res = await twin.http.post('/v1/servers', body);
    assert.equal(res.status, 403);
    assert.equal((await twin.http.get('/v1/servers/bad-auth')).status, 404);
  });

  test('a listener may use any protocol and authenticator of the release; an unknown one is refused with 403', async () => {
    const listener = (id: string, port: number, parameters: Record<string, unknown>) => ({
      data: { id, type: 'listeners', attributes: { parameters: { port, ...parameters } } },
    });
    const path = '/v1/services/RW-Split-Router/listeners';
    assert.equal((await twin.http.post(path, listener('gssapi', 4100, { authenticator: 'GSSAPIAuth' }))).status, 204);
    assert.equal((await twin.http.post(path, listener('cdc', 4101, { protocol: 'CDC', authenticator: 'CDCPlainAuth' }))).status, 204);
    for (const [id, parameters] of [
      ['bad-auth', { authenticator: 'NoSuchAuth' }],
      ['bad-protocol', { protocol: 'mariadbmon' }],
    ] as const) {
      const res = await twin.http.post(path, listener(id, 4102, parameters));
      assert.equal(res.status, 403, id);
      assert.equal((await twin.http.get(`/v1/services/RW-Split-Router/listeners/${id}`)).status, 404);
    }
  });

  test('services, monitors and filters can use any module of the release', async () => {
    const create = (path: string, data: unknown) => twin.http.post(path, { data });
    const service = { id: 'bl', type: 'services', attributes: { router: 'binlogrouter', parameters: { user: 'u', password: 'p' } } };
    const monitor = { id: 'gr', type: 'monitors', attributes: { module: 'grmon', parameters: { user: 'u', password: 'p' } } };
    const filter = { id: 'top', type: 'filters', attributes: { module: 'topfilter', parameters: { filebase: '/tmp/top' } } };
    assert.equal((await create('/v1/services', service)).status, 204);
    assert.equal((await create('/v1/monitors', monitor)).status, 204);
    assert.equal((await create('/v1/filters', filter)).status, 204);
    const top = (await twin.http.get('/v1/filters/top')).body.data.attributes.parameters;
    assert.equal(top.count, 10, 'topfilter’s defaults are filled in');
  });
});
