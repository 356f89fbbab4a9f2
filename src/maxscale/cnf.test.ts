import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MemoryKvStore } from '../store/memory.js';
import { CnfError, type CnfResult, parseMaxscaleCnf, readMaxscaleCnf } from './cnf.js';
import { checkStateConsistency, MaxscaleModel } from './model.js';
import { SERVICE_PARAMETER_DEFAULTS } from './rules/services.js';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), '__fixtures__', name);

const names = (list: readonly { name: string }[]) => list.map((x) => x.name);

describe('reading maxscale.cnf', () => {
  describe('a realistic deployment (__fixtures__/full.cnf)', () => {
    const { state, maxscale, admin } = readMaxscaleCnf(fixture('full.cnf'));
    const server = (name: string) => state.servers.find((s) => s.name === name);
    const listener = (name: string) => state.listeners.find((l) => l.name === name);

    test('every section becomes an object of its type, in file order', () => {
      assert.deepEqual(names(state.servers), ['server1', 'server2', 'server3']);
      assert.deepEqual(names(state.monitors), ['MariaDB-Monitor']);
      assert.deepEqual(names(state.filters), ['QLA', 'Hint']);
      assert.deepEqual(names(state.services), ['Splitter-Service', 'Read-Only-Service', 'CLI']);
      assert.deepEqual(names(state.listeners), ['Splitter-Listener', 'Read-Only-Listener', 'CLI-Listener']);
      assert.deepEqual(state.sessions, []);
      assert.deepEqual(state.users, []);
    });

    test('the state is consistent and loads into the twin', () => {
      checkStateConsistency(state);
      const model = new MaxscaleModel(new MemoryKvStore());
      model.load(state);
      assert.equal(model.getService('Splitter-Service').router, 'readwritesplit');
      assert.equal(model.adminAuthDisabled(), false);
    });

    test('servers keep their typed parameters, with the default protocol added', () => {
      assert.deepEqual(server('server2')?.parameters, {
        address: '192.168.0.12',
        port: 3306,
        protocol: 'MariaDBBackend',
        persistpoolmax: 10,
      });
      assert.deepEqual(server('server3')?.parameters, { address: '192.168.0.13', port: 3306, protocol: 'MariaDBBackend' });
    });

    test("the MariaDB monitor's first server is the master and the others replicate from it", () => {
      const s1 = server('server1');
      const s2 = server('server2');
      assert.deepEqual(
        { status: s1?.status, node_id: s1?.node_id, master_id: s1?.master_id, depth: s1?.replication_depth, slaves: s1?.slaves },
        { status: ['Master', 'Running'], node_id: 3000, master_id: -1, depth: 0, slaves: [3001, 3002] },
      );
      assert.deepEqual(
        { status: s2?.status, node_id: s2?.node_id, master_id: s2?.master_id, depth: s2?.replication_depth, slaves: s2?.slaves },
        { status: ['Slave', 'Running'], node_id: 3001, master_id: 3000, depth: 1, slaves: [] },
      );
      assert.equal(s1?.version_string, '');
      assert.deepEqual(s1?.statistics, { connections: 0, total_connections: 0, active_operations: 0 });
    });

    test('a multi-line servers= list is read item by item', () => {
      const monitor = state.monitors[0];
      assert.deepEqual(monitor?.servers, ['server1', 'server2', 'server3']);
      assert.equal(monitor?.state, 'Running');
      assert.deepEqual(monitor?.parameters, {
        user: 'maxmon',
        password: 'monpwd',
        monitor_interval: 2000,
        auto_failover: true,
        auto_rejoin: true,
      });
    });

    test('services get their relationships, the parameter defaults and a running state', () => {
      const rw = state.services[0];
      assert.deepEqual(rw?.servers, ['server1', 'server2', 'server3']);
      assert.deepEqual(rw?.filters, ['Hint', 'QLA'], 'filters= is split on |');
      assert.equal(rw?.state, 'Started');
      assert.match(rw?.started ?? '', /^\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} \d{4}$/);
      assert.deepEqual(rw?.parameters, {
        ...SERVICE_PARAMETER_DEFAULTS,
        user: 'maxuser',
        password: 'maxpwd',
        max_slave_connections: '100%',
        master_accept_reads: true,
      });
      assert.deepEqual(rw?.router_diagnostics, { connections: 0, current_connections: 0, queries: 0 });
      assert.equal(state.services[1]?.parameters.router_options, 'slave', 'a given parameter overrides its default');
      assert.equal(state.services[2]?.router_diagnostics, undefined, 'the cli router has no diagnostics');
    });

    test('an inline ; comment is not part of the value', () => {
      assert.deepEqual(state.filters[0]?.parameters, { filebase: '/var/log/maxscale/qla/log', match: 'SELECT', flush: true });
    });

    test('listeners: defaults, SSL and the socket listener shown as MaxScale shows it', () => {
      assert.deepEqual(listener('Splitter-Listener'), {
        name: 'Splitter-Listener',
        service: 'Splitter-Service',
        parameters: { port: 4006, protocol: 'MariaDBClient', authenticator: 'MySQLAuth' },
      });
      assert.deepEqual(listener('Read-Only-Listener')?.parameters, {
        address: '0.0.0.0',
        port: 4008,
        protocol: 'MySQLClient',
        authenticator: 'MySQLAuth',
        ssl_key: '/etc/ssl/maxscale-key.pem',
        ssl_cert: '/etc/ssl/maxscale-cert.pem',
        ssl_ca_cert: '/etc/ssl/ca.pem',
        ssl_version: 'TLSv12',
      });
      assert.deepEqual(listener('CLI-Listener')?.parameters, { address: 'default', port: 0, protocol: 'maxscaled' });
    });

    test('the [maxscale] section is typed and gives the admin interface', () => {
      assert.deepEqual(maxscale, {
        threads: 'auto',
        admin_host: '127.0.0.1',
        admin_port: 8989,
        admin_auth: true,
        log_info: false,
        query_classifier_cache_size: '1Gi',
      });
      assert.deepEqual(admin, { auth: true, host: '127.0.0.1', port: 8989 });
      assert.deepEqual(state.maxscale, { parameters: maxscale });
    });
  });

  describe('small configurations', () => {
    const tests: [string, { given: string; want: (r: CnfResult) => void }][] = [
      [
        'admin_auth=false turns authentication off in the loaded twin (__fixtures__/no-auth.cnf)',
        {
          given: 'no-auth.cnf',
          want: ({ state, admin, maxscale }) => {
            assert.deepEqual(admin, { auth: false, host: '0.0.0.0', port: 8990 });
            assert.equal(maxscale.threads, 2);
            const model = new MaxscaleModel(new MemoryKvStore());
            model.load(state);
            assert.equal(model.adminAuthDisabled(), true);
            assert.deepEqual(state.servers[0]?.status, ['Running'], 'an unmonitored server is only Running');
            assert.equal(state.servers[0]?.node_id, -1);
          },
        },
      ],
    ];
    for (const [name, { given, want }] of tests) test(name, () => want(readMaxscaleCnf(fixture(given))));

    const inline: [string, { given: string; want: (r: CnfResult) => void }][] = [
      [
        'without a [maxscale] section, authentication is on and the admin address is not set',
        {
          given: '[s1]\ntype=server\naddress=127.0.0.1\nport=3306\n',
          want: ({ admin, maxscale }) => {
            assert.deepEqual(admin, { auth: true, host: undefined, port: undefined });
            assert.deepEqual(maxscale, {});
          },
        },
      ],
      [
        'CRLF line endings, a BOM and indented lines after a blank line are read normally',
        {
          given: '\uFEFF[s1]\r\ntype=server\r\n\r\n  address=127.0.0.1\r\nport=3307\r\n',
          want: ({ state }) =>
            assert.deepEqual(state.servers[0]?.parameters, { address: '127.0.0.1', port: 3307, protocol: 'MariaDBBackend' }),
        },
      ],
      [
        'a continued scalar value is joined with a comma, as MaxScale appends it',
        {
          given: '[f]\ntype=filter\nmodule=namedserverfilter\nmatch01=^SELECT\n    .*FROM t\n',
          want: ({ state }) => assert.equal(state.filters[0]?.parameters.match01, '^SELECT,.*FROM t'),
        },
      ],
      [
        'free-text parameters stay strings even when they look like numbers',
        {
          given: '[m]\ntype=monitor\nmodule=csmon\nuser=1234\npassword=0000\nfailcount=5\n',
          want: ({ state }) => assert.deepEqual(state.monitors[0]?.parameters, { user: '1234', password: '0000', failcount: 5 }),
        },
      ],
      [
        'a monitor that is not a MariaDB monitor assigns no replication roles',
        {
          given: '[a]\ntype=server\naddress=h\nport=1\n[m]\ntype=monitor\nmodule=galeramon\nservers=a\n',
          want: ({ state }) => assert.deepEqual(state.servers[0]?.status, ['Running']),
        },
      ],
    ];
    for (const [name, { given, want }] of inline) test(name, () => want(parseMaxscaleCnf(given, 'inline.cnf')));
  });

  describe('refusals name the file, the line and the reason', () => {
    const server = (name: string, port = 3306) => `[${name}]\ntype=server\naddress=127.0.0.1\nport=${port}\n`;
    const tests: [string, { given: string; want: string }][] = [
      [
        'an unknown type',
        {
          given: '[x]\ntype=router\n',
          want: "test.cnf:2: unknown type 'router' in section [x] (expected server, monitor, service, listener or filter)",
        },
      ],
      [
        'a section without a type',
        {
          given: '# c\n[x]\naddress=1\n',
          want: "test.cnf:2: section [x] has no 'type' parameter (server, monitor, service, listener or filter)",
        },
      ],
      [
        'a server without an address',
        { given: '\n[s1]\ntype=server\nport=3306\n', want: "test.cnf:2: server 's1' is missing the required parameter 'address'" },
      ],
      [
        'an indented parameter after another continues it (inih), and the refusal says so',
        {
          given: '[s1]\ntype=server\naddress=127.0.0.1\n  port=3306\n',
          want: "test.cnf:1: server 's1' is missing the required parameter 'port'; line 4 starts with whitespace, so it continues 'address'",
        },
      ],
      [
        'an indented section body swallows its parameters into type=, and the refusal says so',
        {
          given: '[s1]\n  type=server\n  address=127.0.0.1\n',
          want: "test.cnf:2: unknown type 'server,address=127.0.0.1' in section [s1] (expected server, monitor, service, listener or filter); line 3 starts with whitespace, so it continues 'type'",
        },
      ],
      [
        'a server without a port',
        { given: '[s1]\ntype=server\naddress=a\n', want: "test.cnf:1: server 's1' is missing the required parameter 'port'" },
      ],
      [
        'a monitor without a module',
        { given: '[m]\ntype=monitor\n', want: "test.cnf:1: monitor 'm' is missing the required parameter 'module'" },
      ],
      [
        'a service without a router',
        { given: '[svc]\ntype=service\n', want: "test.cnf:1: service 'svc' is missing the required parameter 'router'" },
      ],
      [
        'a filter without a module',
        { given: '[f]\ntype=filter\n', want: "test.cnf:1: filter 'f' is missing the required parameter 'module'" },
      ],
      [
        'a listener without a service',
        { given: '[l]\ntype=listener\nport=4006\n', want: "test.cnf:1: listener 'l' is missing the required parameter 'service'" },
      ],
      [
        'a listener without a port or a socket',
        {
          given: '[svc]\ntype=service\nrouter=cli\n[l]\ntype=listener\nservice=svc\n',
          want: "test.cnf:4: listener 'l' is missing the required parameter 'port' (or 'socket')",
        },
      ],
      [
        'a service naming an unknown server',
        {
          given: `${server('s1')}[svc]\ntype=service\nrouter=readconnroute\nservers=s1,s2\n`,
          want: "test.cnf:8: unknown server 's2' in servers=",
        },
      ],
      [
        'a server named in the wrong case, with a hint',
        {
          given: `${server('server1')}[svc]\ntype=service\nrouter=readconnroute\nservers=Server1\n`,
          want: "test.cnf:8: unknown server 'Server1' in servers= (did you mean 'server1'?)",
        },
      ],
      [
        'filters separated by commas instead of |',
        {
          given:
            '[a]\ntype=filter\nmodule=qlafilter\n[b]\ntype=filter\nmodule=hintfilter\n[svc]\ntype=service\nrouter=readwritesplit\nfilters=a,b\n',
          want: "test.cnf:10: unknown filter 'a,b' in filters= (filters are separated by '|')",
        },
      ],
      [
        'a listener naming an unknown service',
        { given: '[l]\ntype=listener\nservice=nope\nport=4006\n', want: "test.cnf:3: unknown service 'nope' in service=" },
      ],
      [
        'a reference to an object of another type',
        {
          given: '[f]\ntype=filter\nmodule=qlafilter\n[svc]\ntype=service\nrouter=readconnroute\nservers=f\n',
          want: "test.cnf:7: 'f' in servers= is a filter, not a server",
        },
      ],
      [
        'a server listed twice',
        {
          given: `${server('s1')}[m]\ntype=monitor\nmodule=mariadbmon\nservers=s1, s1\n`,
          want: "test.cnf:8: server 's1' is listed twice in servers=",
        },
      ],
      [
        'a server monitored by two monitors',
        {
          given: `${server('s1')}[m1]\ntype=monitor\nmodule=mariadbmon\nservers=s1\n\n[m2]\ntype=monitor\nmodule=mariadbmon\nservers=s1\n`,
          want: "test.cnf:13: server 's1' is already monitored by 'm1'",
        },
      ],
      [
        'a line that is neither a section, a parameter nor a comment',
        {
          given: '[s1]\ntype=server\njust some words\n',
          want: "test.cnf:3: cannot read 'just some words': expected '[section]', 'key=value', a comment or an indented continuation line",
        },
      ],
      [
        'an unclosed section header',
        {
          given: '[s1\n',
          want: "test.cnf:1: cannot read '[s1': expected '[section]', 'key=value', a comment or an indented continuation line",
        },
      ],
      [
        'a parameter before any section',
        { given: '# top\nthreads=4\n[maxscale]\n', want: "test.cnf:2: parameter 'threads' is outside of any section" },
      ],
      ['a parameter without a name', { given: '[maxscale]\n=4\n', want: "test.cnf:2: invalid parameter name ''" }],
      [
        'a duplicate section',
        { given: `${server('s1')}\n[S1]\ntype=server\n`, want: 'test.cnf:6: duplicate section [S1] (first defined on line 1)' },
      ],
      [
        'a duplicate parameter',
        {
          given: '[s1]\ntype=server\naddress=a\naddress = b\n',
          want: "test.cnf:4: duplicate parameter 'address' in section [s1] (first set on line 3)",
        },
      ],
      [
        'a section name with whitespace',
        { given: '[my server]\ntype=server\n', want: "test.cnf:1: section name 'my server' must not contain whitespace" },
      ],
      ['an empty section name', { given: '[]\n', want: 'test.cnf:1: empty section name' }],
      [
        'a port that is not a number',
        {
          given: '[s1]\ntype=server\naddress=a\nport=33o6\n',
          want: "test.cnf:4: invalid port '33o6' for 'port': expected an integer from 1 to 65535",
        },
      ],
      [
        'a port out of range',
        {
          given: '[s1]\ntype=server\naddress=a\nport=70000\n',
          want: "test.cnf:4: invalid port '70000' for 'port': expected an integer from 1 to 65535",
        },
      ],
      [
        'an unknown listener parameter',
        {
          given: '[svc]\ntype=service\nrouter=cli\n[l]\ntype=listener\nservice=svc\nport=6603\nmax_connections=5\n',
          want: "test.cnf:8: unknown listener parameter 'max_connections' in section [l]",
        },
      ],
      [
        'a listener with both a socket and a port',
        {
          given: '[svc]\ntype=service\nrouter=cli\n[l]\ntype=listener\nservice=svc\nsocket=/tmp/s\nport=6603\n',
          want: "test.cnf:8: listener 'l' gives both 'socket' and 'port'; the twin supports one of them",
        },
      ],
      [
        'ssl=required without certificates',
        {
          given: '[svc]\ntype=service\nrouter=readconnroute\n[l]\ntype=listener\nservice=svc\nport=4006\nssl=required\nssl_key=/k.pem\n',
          want: "test.cnf:8: listener 'l' has ssl=required but no ssl_cert, ssl_ca_cert",
        },
      ],
      [
        'two listeners on the same port',
        {
          given:
            '[svc]\ntype=service\nrouter=readconnroute\n[a]\ntype=listener\nservice=svc\nport=4006\n[b]\ntype=listener\nservice=svc\naddress=127.0.0.1\nport=4006\n',
          want: "test.cnf:12: port 4006 is already used by listener 'a'",
        },
      ],
      [
        'an admin_auth that is not a boolean',
        {
          given: '[maxscale]\nadmin_auth=maybe\n',
          want: "test.cnf:2: invalid value 'maybe' for 'admin_auth': expected a boolean (true/false, yes/no, on/off, 1/0)",
        },
      ],
      [
        'an admin_port that is not a port',
        {
          given: '[maxscale]\nadmin_port=http\n',
          want: "test.cnf:2: invalid port 'http' for 'admin_port': expected an integer from 1 to 65535",
        },
      ],
      [
        'a thread count that is neither a number nor auto',
        {
          given: '[maxscale]\nthreads=many\n',
          want: "test.cnf:2: invalid thread count 'many' for 'threads': expected an integer from 1 to 1024",
        },
      ],
    ];

    for (const [name, { given, want }] of tests) {
      test(name, () => {
        assert.throws(
          () => parseMaxscaleCnf(given, 'test.cnf'),
          (err: unknown) => {
            assert.ok(err instanceof CnfError, `expected a CnfError, got ${String(err)}`);
            assert.equal(err.message, want);
            assert.equal(`${err.file}:${err.line}: ${err.reason}`, want);
            return true;
          },
        );
      });
    }

    test('a fixture file is reported by its path (__fixtures__/unknown-server.cnf)', () => {
      const path = fixture('unknown-server.cnf');
      assert.throws(() => readMaxscaleCnf(path), { name: 'CnfError', message: `${path}:9: unknown server 'server2' in servers=` });
    });

    test('a missing file is refused, not thrown as a raw fs error', () => {
      const path = fixture('no-such.cnf');
      assert.throws(() => readMaxscaleCnf(path), { name: 'CnfError', message: `${path}:0: cannot read the file (ENOENT)` });
    });
  });
});
