/**
 * Dredd hooks for the MaxScale spec. Every transaction is isolated (the
 * target is reset first when it is our twin) and every documented status is
 * made to happen:
 * - 2xx: the documented example, with setup where the example alone cannot succeed;
 * - 401: the request without credentials;
 * - 404: the first path parameter replaced by a name that does not exist;
 * - 400: a malformed JSON body (or, without a body, an invalid parameter);
 * - 415: the body sent as text/plain;
 * - 403: MaxScale's refusals (a duplicate create, an unknown relationship target, an object in use).
 * Transactions listed in SPECIAL need their own setup; each says why.
 */
import hooks, { type DreddTransaction } from 'hooks';
import { hook, type Prepare, pathWithUnknownFirstParameter, removeHeader, reset, send, setBody, setHeader, setPath } from '../common.js';
import { hookSettings } from '../settings.js';

const newService = (id: string) => ({
  data: { id, type: 'services', attributes: { router: 'readconnroute', parameters: { user: 'maxuser', password: 'maxpwd' } } },
});

async function mustSend(method: string, path: string, body?: unknown): Promise<void> {
  const res = await send(method, path, body);
  if (res.status >= 300) throw new Error(`setup ${method} ${path} answered ${res.status}: ${await res.text()}`);
}

/** Module command arguments are the query string's keys, in order; Dredd cannot express them as parameters. */
const withArguments =
  (...args: string[]): Prepare =>
  (t) => {
    const [path = '', query = ''] = t.request.uri.split('?');
    setUri(t, `${path}?${[query, ...args.map(encodeURIComponent)].filter(Boolean).join('&')}`);
  };

/** Replaces the whole request URI, query string included (setPath keeps the query). */
function setUri(t: DreddTransaction, uri: string): void {
  t.request.uri = uri;
  t.fullPath = uri;
}

/** The only refusal some writes have: a user with a basic account, who may only read. */
const asBasicUser: Prepare = async (t) => {
  await mustSend('POST', '/v1/users/inet', {
    data: { id: 'dredd-reader', type: 'inet', attributes: { password: 'pw', account: 'basic' } },
  });
  setHeader(t, 'Authorization', `Basic ${Buffer.from('dredd-reader:pw').toString('base64')}`);
};

const noSuchCommandOutput =
  (why: string): Prepare =>
  (t) => {
    t.skip = true;
    hooks.log(`skipped ${t.name}: ${why}`);
  };

/** Keyed by "METHOD /resource/{template} STATUS". */
const SPECIAL: Record<string, Prepare> = {
  // Only the runtime parameters can change; threads cannot.
  'PATCH /maxscale 403': (t) => setBody(t, JSON.stringify({ data: { attributes: { parameters: { threads: 8 } } } })),
  // log_to_shm is the one logging parameter that cannot change at runtime.
  'PATCH /maxscale/logs 403': (t) => setBody(t, JSON.stringify({ data: { attributes: { parameters: { log_to_shm: true } } } })),
  'POST /maxscale/logs/flush 403': asBasicUser,
  // The dbfwfilter's `rules` command takes the filter as its argument.
  'GET /maxscale/modules/{module}/{command} 200': withArguments('Database-Firewall'),
  'GET /maxscale/modules/{module}/{command} 204': noSuchCommandOutput('every simulated read-only command has output (200)'),
  // Without its arguments a command is refused: wrong number of arguments.
  'GET /maxscale/modules/{module}/{command} 403': () => {},
  'POST /maxscale/modules/{module}/{command} 200': noSuchCommandOutput('no simulated command that modifies data has output (204)'),
  'POST /maxscale/modules/{module}/{command} 204': withArguments('MariaDB-Monitor', 'server2'),
  'POST /maxscale/modules/{module}/{command} 403': () => {},
  'GET /maxscale/modules/{module}/{command}/{subcommand} 200': withArguments('Database-Firewall'),
  'GET /maxscale/modules/{module}/{command}/{subcommand} 204': noSuchCommandOutput('every simulated read-only command has output (200)'),
  'GET /maxscale/modules/{module}/{command}/{subcommand} 403': () => {},
  'POST /maxscale/modules/{module}/{command}/{subcommand} 200': noSuchCommandOutput(
    'no simulated command that modifies data has output (204)',
  ),
  // Re-reads the filter's rule file (data/dbfw-rules.txt).
  'POST /maxscale/modules/{module}/{command}/{subcommand} 204': withArguments('Database-Firewall'),
  'POST /maxscale/modules/{module}/{command}/{subcommand} 403': () => {},
  // `sql` is required.
  'GET /maxscale/query_classifier/classify 400': (t) => setUri(t, '/maxscale/query_classifier/classify?pretty=true'),
  // A relationship to a service that does not exist.
  'PATCH /servers/{name} 403': (t) =>
    setBody(t, JSON.stringify({ data: { relationships: { services: { data: [{ id: 'no-such-object', type: 'services' }] } } } })),
  // server1 is used by services and a monitor: destroy the docs' new server3 instead.
  'DELETE /servers/{name} 204': async (t) => {
    await mustSend('POST', '/v1/servers', {
      data: { id: 'server3', type: 'servers', attributes: { parameters: { address: '127.0.0.1', port: 3003 } } },
    });
    setPath(t, '/servers/server3');
  },
  // server1 is in use: exactly MaxScale's documented refusal.
  'DELETE /servers/{name} 403': () => {},
  // An invalid state is refused with 403, as the docs say.
  'PUT /servers/{name}/set 403': (t) => setUri(t, '/servers/server1/set?state=sleeping'),
  'PUT /servers/{name}/clear 403': (t) => setUri(t, '/servers/server1/clear?state=sleeping'),
  // MariaDB-Monitor still monitors servers: destroy the docs' new test-monitor instead.
  'DELETE /monitors/{name} 204': async (t) => {
    await mustSend('POST', '/v1/monitors', {
      data: {
        id: 'test-monitor',
        type: 'monitors',
        attributes: { module: 'mariadbmon', parameters: { user: 'maxuser', password: 'maxpwd' } },
      },
    });
    setPath(t, '/monitors/test-monitor');
  },
  // MariaDB-Monitor still monitors servers: exactly MaxScale's documented refusal.
  'DELETE /monitors/{name} 403': () => {},
  'PUT /monitors/{name}/stop 403': asBasicUser,
  'PUT /monitors/{name}/start 403': asBasicUser,
  // A filter a service uses cannot be destroyed.
  'DELETE /filters/{name} 403': async () => {
    await mustSend('PATCH', '/v1/services/RW-Split-Router/relationships/filters', { data: [{ id: 'Hint-Filter', type: 'filters' }] });
  },
  // The last admin cannot be deleted: remove my-user, then admin is the last one.
  'DELETE /users/inet/{name} 403': async (t) => {
    await mustSend('DELETE', '/v1/users/inet/my-user');
    setPath(t, '/users/inet/admin');
  },
  'DELETE /users/unix/{name} 403': asBasicUser,
  // Stopping or starting a service is refused only to a basic (read-only) account.
  'PUT /services/{name}/stop 403': asBasicUser,
  'PUT /services/{name}/start 403': asBasicUser,
  // The example service has listeners, so it cannot be destroyed: destroy a fresh, unused one.
  'DELETE /services/{name} 204': async (t) => {
    await mustSend('POST', '/v1/services', newService('dredd-doomed'));
    setPath(t, '/services/dredd-doomed');
  },
  // The example service still has listeners: that is exactly MaxScale's documented refusal.
  'DELETE /services/{name} 403': () => {},
  // A listener can only be destroyed through its own service.
  'DELETE /services/{name}/listeners/{listener} 403': (t) => setPath(t, '/services/CLI/listeners/Read-Connection-Listener'),
};

function generic(t: DreddTransaction): Prepare | undefined {
  const status = t.expected.statusCode;
  const method = t.request.method.toUpperCase();
  switch (status) {
    case '401':
      return () => removeHeader(t, 'Authorization');
    case '404':
      return () => {
        const path = pathWithUnknownFirstParameter(t);
        if (path === undefined) throw new Error('no path parameter to make a 404 with');
        setPath(t, path);
      };
    case '400':
      return () => {
        if (!t.request.body) throw new Error('no body to break; add a SPECIAL entry');
        setBody(t, '{"data": ');
      };
    case '415':
      return () => {
        setHeader(t, 'Content-Type', 'text/plain');
        setBody(t, 'not json');
      };
    case '403':
      if (method === 'POST') {
        // Creating the same object twice: the first succeeds, the replayed one is refused.
        return async () => {
          await mustSend('POST', `/v1${t.request.uri.split('?')[0]}`, JSON.parse(t.request.body));
        };
      }
      if (method === 'PATCH') {
        // A relationship to an object that does not exist is refused and changes nothing.
        return () => {
          const body = JSON.parse(t.request.body) as { data: unknown };
          const unknown = [{ id: 'no-such-object', type: 'servers' }];
          if (Array.isArray(body.data) || body.data === null) setBody(t, JSON.stringify({ data: unknown }));
          else setBody(t, JSON.stringify({ data: { relationships: { servers: { data: unknown } } } }));
        };
      }
      return undefined;
    default:
      return status.startsWith('2') ? () => {} : undefined;
  }
}

hooks.beforeEach(
  hook(async (t) => {
    if (hookSettings().isolate) await reset();
    const key = `${t.request.method.toUpperCase()} ${t.origin.resourceName} ${t.expected.statusCode}`;
    const prepare = SPECIAL[key] ?? generic(t);
    if (!prepare) {
      t.skip = true;
      hooks.log(`skipped ${t.name}: no way to provoke ${t.expected.statusCode} (add a SPECIAL entry)`);
      return;
    }
    await prepare(t);
  }),
);
