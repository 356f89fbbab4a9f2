/**
 * Dredd hooks for the MaxScale spec. Every transaction is self-contained and
 * leaves the target's own objects alone: creates use fresh names (and ports),
 * and every destroy destroys an object the hook has just created, so the
 * replay also works against another implementation and run after run. With
 * `isolate` (our twin started with --test-routes), the target is also reset
 * before each transaction. Every documented status is made to happen:
 * - 2xx: the documented example, with setup where the example alone cannot succeed;
 * - 401: the request without credentials;
 * - 404: the first path parameter replaced by a name that does not exist;
 * - 400: a malformed JSON body (or, without a body, an invalid parameter);
 * - 415: the body sent as text/plain;
 * - 304: If-Modified-Since in the future (MaxScale checks preconditions on every method, and nothing
 *        was modified after tomorrow), so the request is not run;
 * - 412: If-Unmodified-Since long ago (every path was modified, or started, after it);
 * - 403: MaxScale's refusals (a duplicate create, an unknown relationship target, an object in use).
 * Transactions listed in SPECIAL need their own setup; each says why.
 */
import hooks, { type DreddTransaction } from 'hooks';
import { hook, type Prepare, pathWithUnknownFirstParameter, removeHeader, reset, send, setBody, setHeader, setPath } from '../common.js';
import { hookSettings } from '../settings.js';

/** A suffix unique to this run: what the hooks create never collides with the target's objects or an earlier run's. */
const RUN = `dredd-${Date.now().toString(36)}`;
let counter = 0;
const fresh = (base: string): string => `${base}-${RUN}-${++counter}`;
const freshPort = (): number => 20000 + ((Date.now() + ++counter * 7919) % 40000);

async function mustSend(method: string, path: string, body?: unknown): Promise<void> {
  const res = await send(method, path, body);
  if (res.status >= 300) throw new Error(`setup ${method} ${path} answered ${res.status}: ${await res.text()}`);
}

/** Creates a fresh object of each kind (the smallest body the docs allow) and answers its name. */
const create = {
  service: async (filters: string[] = []): Promise<string> => {
    const id = fresh('dredd-service');
    await mustSend('POST', '/v1/services', {
      data: {
        id,
        type: 'services',
        attributes: { router: 'readconnroute', parameters: { user: 'maxuser', password: 'maxpwd' } },
        ...(filters.length ? { relationships: { filters: { data: filters.map((f) => ({ id: f, type: 'filters' })) } } } : {}),
      },
    });
    return id;
  },
  listener: async (service: string): Promise<string> => {
    const id = fresh('dredd-listener');
    await mustSend('POST', `/v1/services/${encodeURIComponent(service)}/listeners`, {
      data: { id, type: 'listeners', attributes: { parameters: { port: freshPort() } } },
    });
    return id;
  },
  server: async (): Promise<string> => {
    const id = fresh('dredd-server');
    await mustSend('POST', '/v1/servers', {
      data: { id, type: 'servers', attributes: { parameters: { address: '127.0.0.1', port: freshPort() } } },
    });
    return id;
  },
  monitor: async (): Promise<string> => {
    const id = fresh('dredd-monitor');
    await mustSend('POST', '/v1/monitors', {
      data: { id, type: 'monitors', attributes: { module: 'mariadbmon', parameters: { user: 'maxuser', password: 'maxpwd' } } },
    });
    return id;
  },
  filter: async (): Promise<string> => {
    const id = fresh('dredd-filter');
    await mustSend('POST', '/v1/filters', { data: { id, type: 'filters', attributes: { module: 'hintfilter', parameters: {} } } });
    return id;
  },
  inetUser: async (account: 'admin' | 'basic', password = 'dredd-pw'): Promise<string> => {
    const id = fresh('dredd-user');
    await mustSend('POST', '/v1/users/inet', { data: { id, type: 'inet', attributes: { password, account } } });
    return id;
  },
  unixUser: async (): Promise<string> => {
    const id = fresh('dredd-unix');
    await mustSend('POST', '/v1/users/unix', { data: { id, type: 'unix', attributes: { account: 'basic' } } });
    return id;
  },
};

/** The path segment a template's `{param}` stands for in the transaction's request. */
function pathParam(t: DreddTransaction, name: string): string {
  const index = t.origin.resourceName.split('/').indexOf(`{${name}}`);
  return decodeURIComponent(t.request.uri.split('?')[0]?.split('/')[index] ?? '');
}

/** Gives a create body a fresh `data.id` (and a fresh port where it has one), so it never collides. */
function freshCreateBody(t: DreddTransaction): void {
  const body = JSON.parse(t.request.body) as { data?: { id?: string; attributes?: { parameters?: { port?: number } } } };
  if (!body.data?.id) return;
  body.data.id = fresh(body.data.id);
  if (body.data.attributes?.parameters?.port !== undefined) body.data.attributes.parameters.port = freshPort();
  setBody(t, JSON.stringify(body));
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
  // The dbfwfilter's `rules` command takes the filter as its argument.
  'GET /maxscale/modules/{module}/{command} 200': withArguments('Database-Firewall'),
  'GET /maxscale/modules/{module}/{command} 204': noSuchCommandOutput('every simulated read-only command has output (200)'),
  // Without its arguments a command is refused: wrong number of arguments.
  'GET /maxscale/modules/{module}/{command} 403': () => {},
  'POST /maxscale/modules/{module}/{command} 200': noSuchCommandOutput('no simulated command that modifies data has output (204)'),
  'POST /maxscale/modules/{module}/{command} 204': withArguments('MariaDB-Monitor', 'server2'),
  'POST /maxscale/modules/{module}/{command} 403': () => {},
  // MaxScale 2.3's passive commands have no slash in their identifiers (rules/json was 2.1's): only 404 can happen.
  'GET /maxscale/modules/{module}/{command}/{subcommand} 200': noSuchCommandOutput(
    'MaxScale 2.3 has no read-only command whose id has a slash',
  ),
  'GET /maxscale/modules/{module}/{command}/{subcommand} 204': noSuchCommandOutput(
    'MaxScale 2.3 has no read-only command whose id has a slash',
  ),
  'GET /maxscale/modules/{module}/{command}/{subcommand} 403': noSuchCommandOutput(
    'MaxScale 2.3 has no read-only command whose id has a slash',
  ),
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
  // Destroy only what the hook created: the documented server1 is in use anyway.
  'DELETE /servers/{name} 204': async (t) => setPath(t, `/servers/${await create.server()}`),
  // server1 is in use: exactly MaxScale's documented refusal.
  'DELETE /servers/{name} 403': () => {},
  // An invalid state is refused with 403, as the docs say.
  'PUT /servers/{name}/set 403': (t) => setUri(t, '/servers/server1/set?state=sleeping'),
  'PUT /servers/{name}/clear 403': (t) => setUri(t, '/servers/server1/clear?state=sleeping'),
  // Destroy only what the hook created: MariaDB-Monitor still monitors servers.
  'DELETE /monitors/{name} 204': async (t) => setPath(t, `/monitors/${await create.monitor()}`),
  // MariaDB-Monitor still monitors servers: exactly MaxScale's documented refusal.
  'DELETE /monitors/{name} 403': () => {},
  // Destroy only what the hook created.
  'DELETE /filters/{name} 204': async (t) => setPath(t, `/filters/${await create.filter()}`),
  // A filter a service uses cannot be destroyed: a fresh filter, used by a fresh service.
  'DELETE /filters/{name} 403': async (t) => {
    const filter = await create.filter();
    await create.service([filter]);
    setPath(t, `/filters/${filter}`);
  },
  'DELETE /users/inet/{name} 204': async (t) => setPath(t, `/users/inet/${await create.inetUser('basic')}`),
  // The last admin cannot be deleted. Provoking it means deleting every other admin, which only our
  // reset twin may suffer: there, my-user goes and admin is the last one.
  'DELETE /users/inet/{name} 403': async (t) => {
    if (!hookSettings().isolate) {
      t.skip = true;
      hooks.log(`skipped ${t.name}: provoking it deletes the target's other admins (run with isolate against a resettable twin)`);
      return;
    }
    await mustSend('DELETE', '/v1/users/inet/my-user');
    setPath(t, '/users/inet/admin');
  },
  'DELETE /users/unix/{name} 204': async (t) => setPath(t, `/users/unix/${await create.unixUser()}`),
  // The example service has listeners, so it cannot be destroyed: destroy a fresh, unused one.
  'DELETE /services/{name} 204': async (t) => setPath(t, `/services/${await create.service()}`),
  // Destroy only a listener the hook created, on the example's service.
  'DELETE /services/{name}/listeners/{listener} 204': async (t) => {
    const service = pathParam(t, 'name');
    setPath(t, `/services/${service}/listeners/${await create.listener(service)}`);
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
    case '304':
      // Not modified since tomorrow: true of every path, and the request is not run (MaxScale's order).
      return () => setHeader(t, 'If-Modified-Since', new Date(Date.now() + 86_400_000).toUTCString());
    case '412':
      // Modified since 1990: true of every path (its start counts), so the request is not run.
      return () => setHeader(t, 'If-Unmodified-Since', new Date(Date.UTC(1990, 0, 1)).toUTCString());
    case '415':
      return () => {
        setHeader(t, 'Content-Type', 'text/plain');
        setBody(t, 'not json');
      };
    case '403':
      if (method === 'POST') {
        // Creating the same (fresh) object twice: the first succeeds, the replayed one is refused.
        return async () => {
          freshCreateBody(t);
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
      if (!status.startsWith('2')) return undefined;
      // A create gets a fresh name, so it succeeds on any target and on every run.
      return method === 'POST' && t.request.body ? () => freshCreateBody(t) : () => {};
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
