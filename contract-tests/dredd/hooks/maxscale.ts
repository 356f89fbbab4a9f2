/**
 * Dredd hooks for the MaxScale spec. Every transaction is self-contained and
 * leaves the target's own objects alone, so the replay is safe against a
 * production MaxScale and works run after run:
 * - every write that addresses an object (`/servers/{name}`, …) addresses a
 *   fresh one the hook has just created, whatever its status (a broken target
 *   that accepts a request it should refuse harms only that object);
 * - a relationship the other side owns (a server's services and monitors, a
 *   monitor's servers) points at fresh objects too, never at the target's;
 * - creates use fresh names (and ports);
 * - a shared setting (`PATCH /maxscale`, `/maxscale/logs`) is read first and
 *   put back after the transaction;
 * - what the hooks and the transaction created is deleted after it;
 * - what cannot be undone on the target's own objects (a switchover, deleting
 *   the other admins) is skipped unless `allowDestructive` (or `isolate`: our
 *   twin started with --admin-api, reset before each transaction).
 * Every documented status is made to happen:
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

import { restoringBody } from '../../engine/safety.js';
import { type Prepare, pathWithUnknownFirstParameter, removeHeader, reset, send, setBody, setHeader, setPath } from '../common.js';
import type { DreddTransaction } from '../hooks-api.js';
import { hookSettings, skipReasons } from '../settings.js';

/** A suffix unique to this run: what the hooks create never collides with the target's objects or an earlier run's. */
const RUN = `dredd-${Date.now().toString(36)}`;
let counter = 0;
const fresh = (base: string): string => `${base}-${RUN}-${++counter}`;
const freshPort = (): number => 20000 + ((Date.now() + ++counter * 7919) % 40000);

async function mustSend(method: string, path: string, body?: unknown): Promise<void> {
  const res = await send(method, path, body);
  if (res.status >= 300) throw new Error(`setup ${method} ${path} answered ${res.status}: ${await res.text()}`);
}

/** What this transaction created, in order, as the paths (below /v1) that delete it; undone after it, last first. */
let createdPaths: string[] = [];
/** A shared setting read before the transaction: its path and the document the target answered. */
let setting: { path: string; before: unknown } | undefined;

const undo = (path: string) => {
  if (!hookSettings().isolate) createdPaths.push(path);
};

/**
 * Deletes one object this transaction created. MaxScale refuses to delete a service that uses
 * servers or filters and a monitor that monitors servers: those let go of them first.
 */
async function remove(path: string): Promise<boolean> {
  let res = await send('DELETE', `/v1${path}`);
  if (res.status === 403 && /^\/(services|monitors)\/[^/]+$/.test(path)) {
    const none = { data: [] };
    const relationships = path.startsWith('/services/') ? { servers: none, filters: none } : { servers: none };
    await send('PATCH', `/v1${path}`, { data: { id: decodeURIComponent(path.split('/')[2] ?? ''), relationships } });
    res = await send('DELETE', `/v1${path}`);
  }
  return res.status < 300 || res.status === 404;
}

/** Deletes what the transaction created, last first; what is still in use by another of them goes in a later pass. */
async function removeCreated(): Promise<void> {
  let left = [...createdPaths].reverse();
  createdPaths = [];
  for (let pass = 0; pass < 3 && left.length; pass += 1) {
    const next: string[] = [];
    for (const path of left) if (!(await remove(path))) next.push(path);
    left = next;
  }
  if (left.length) throw new Error(`could not delete what the hooks created: ${left.join(', ')}`);
}

/** Creates a fresh object of each kind (the smallest body the docs allow), to be deleted after the transaction, and answers its name. */
const create = {
  service: async (filters: string[] = [], servers: string[] = []): Promise<string> => {
    const id = fresh('dredd-service');
    const rels = {
      ...(filters.length ? { filters: { data: filters.map((f) => ({ id: f, type: 'filters' })) } } : {}),
      ...(servers.length ? { servers: { data: servers.map((f) => ({ id: f, type: 'servers' })) } } : {}),
    };
    await mustSend('POST', '/v1/services', {
      data: {
        id,
        type: 'services',
        attributes: { router: 'readconnroute', parameters: { user: 'maxuser', password: 'maxpwd' } },
        ...(Object.keys(rels).length ? { relationships: rels } : {}),
      },
    });
    undo(`/services/${id}`);
    return id;
  },
  listener: async (service: string): Promise<string> => {
    const id = fresh('dredd-listener');
    await mustSend('POST', `/v1/services/${encodeURIComponent(service)}/listeners`, {
      data: { id, type: 'listeners', attributes: { parameters: { port: freshPort() } } },
    });
    undo(`/services/${encodeURIComponent(service)}/listeners/${id}`);
    return id;
  },
  server: async (): Promise<string> => {
    const id = fresh('dredd-server');
    await mustSend('POST', '/v1/servers', {
      data: { id, type: 'servers', attributes: { parameters: { address: '127.0.0.1', port: freshPort() } } },
    });
    undo(`/servers/${id}`);
    return id;
  },
  monitor: async (servers: string[] = []): Promise<string> => {
    const id = fresh('dredd-monitor');
    await mustSend('POST', '/v1/monitors', {
      data: {
        id,
        type: 'monitors',
        attributes: { module: 'mariadbmon', parameters: { user: 'maxuser', password: 'maxpwd' } },
        ...(servers.length ? { relationships: { servers: { data: servers.map((s) => ({ id: s, type: 'servers' })) } } } : {}),
      },
    });
    undo(`/monitors/${id}`);
    return id;
  },
  filter: async (): Promise<string> => {
    const id = fresh('dredd-filter');
    await mustSend('POST', '/v1/filters', { data: { id, type: 'filters', attributes: { module: 'hintfilter', parameters: {} } } });
    undo(`/filters/${id}`);
    return id;
  },
  inetUser: async (account: 'admin' | 'basic', password = 'dredd-pw'): Promise<string> => {
    const id = fresh('dredd-user');
    await mustSend('POST', '/v1/users/inet', { data: { id, type: 'inet', attributes: { password, account } } });
    undo(`/users/inet/${id}`);
    return id;
  },
  unixUser: async (): Promise<string> => {
    const id = fresh('dredd-unix');
    await mustSend('POST', '/v1/users/unix', { data: { id, type: 'unix', attributes: { account: 'basic' } } });
    undo(`/users/unix/${id}`);
    return id;
  },
};

/** The objects a write can address, by the template of their item path, with how to make a fresh one (its path). */
const ITEMS: [RegExp, () => Promise<string>][] = [
  [
    /^\/services\/\{name\}\/listeners\/\{listener\}/,
    async () => {
      const service = await create.service();
      return `/services/${service}/listeners/${await create.listener(service)}`;
    },
  ],
  [/^\/services\/\{name\}/, async () => `/services/${await create.service()}`],
  [/^\/servers\/\{name\}/, async () => `/servers/${await create.server()}`],
  [/^\/monitors\/\{name\}/, async () => `/monitors/${await create.monitor()}`],
  [/^\/filters\/\{name\}/, async () => `/filters/${await create.filter()}`],
  [/^\/users\/inet\/\{name\}/, async () => `/users/inet/${await create.inetUser('basic')}`],
  [/^\/users\/unix\/\{name\}/, async () => `/users/unix/${await create.unixUser()}`],
];

/**
 * A write that addresses one of the target's objects addresses a fresh one instead: the path's
 * object is replaced by one made for this transaction (for a listener, a fresh service's fresh
 * listener). Reads keep the documented objects; a 404 gets a name nothing has anyway; the
 * deletes' SPECIAL entries make their own objects.
 */
async function freshObjectInPath(t: DreddTransaction): Promise<void> {
  const method = t.request.method.toUpperCase();
  const status = t.expected.statusCode;
  if (method === 'GET' || status === '404' || (method === 'DELETE' && (status === '204' || status === '403'))) return;
  const template = t.origin.resourceName;
  const item = ITEMS.find(([re]) => re.test(template));
  if (!item) return;
  const made = await item[1]();
  const depth = made.split('/').length;
  const rest = (t.request.uri.split('?')[0] ?? '').split('/').slice(depth);
  setPath(t, [made, ...rest].join('/'));
  // A JSON API update names the object it updates: the fresh one now.
  if (rest.length === 0 && t.request.body) {
    const body = parseJson(t.request.body) as { data?: { id?: unknown } } | undefined;
    if (body?.data && typeof body.data === 'object' && typeof body.data.id === 'string') {
      body.data.id = decodeURIComponent(made.split('/').pop() ?? '');
      setBody(t, JSON.stringify(body));
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Relationships stored on the other object: a server's services and monitors, a monitor's servers (MaxScale keeps them there). */
const OWNED_ELSEWHERE: Record<string, string[]> = { servers: ['services', 'monitors'], monitors: ['servers'] };

/**
 * A relationship that the related object owns would change the target's object (server1 would
 * join a fresh monitor, Read-Connection-Router would gain a fresh server): it names fresh objects
 * of the same type instead.
 */
async function freshRelatedObjects(t: DreddTransaction): Promise<void> {
  const collection = t.origin.resourceName.split('/')[1] ?? '';
  const owned = OWNED_ELSEWHERE[collection];
  if (!owned || !t.request.body || t.request.method.toUpperCase() === 'GET') return;
  const body = parseJson(t.request.body);
  if (body === undefined) return;
  let changed = false;
  const replace = async (refs: unknown): Promise<void> => {
    if (!Array.isArray(refs)) return;
    for (const ref of refs as { id?: unknown; type?: unknown }[]) {
      if (typeof ref?.type !== 'string' || !owned.includes(ref.type)) continue;
      const maker = ref.type === 'services' ? create.service : ref.type === 'monitors' ? create.monitor : create.server;
      ref.id = await maker();
      changed = true;
    }
  };
  const data = (body as { data?: unknown })?.data;
  if (Array.isArray(data)) await replace(data);
  const rels = (data as { relationships?: Record<string, { data?: unknown }> } | undefined)?.relationships;
  if (rels && typeof rels === 'object') for (const rel of Object.values(rels)) await replace(rel?.data);
  if (changed) setBody(t, JSON.stringify(body));
}

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
  undo(`${t.request.uri.split('?')[0]}/${encodeURIComponent(body.data.id)}`);
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

function skip(t: DreddTransaction, why: string): void {
  t.skip = true;
  skipReasons.set(t.id, why);
}

const noSuchCommandOutput =
  (why: string): Prepare =>
  (t) =>
    skip(t, why);

/** Transactions that change the target's own objects for good; replayed only with allowDestructive or against a reset twin. */
const DESTRUCTIVE: Record<string, string> = {
  'POST /maxscale/modules/{module}/{command} 204':
    "it runs a switchover on the target's MariaDB-Monitor (replay it with --allow-destructive)",
  'DELETE /users/inet/{name} 403': "provoking it deletes the target's other admins, my-user included (replay it with --allow-destructive)",
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
  // A relationship to a service that does not exist (on the fresh server the path names).
  'PATCH /servers/{name} 403': (t) =>
    setBody(t, JSON.stringify({ data: { relationships: { services: { data: [{ id: 'no-such-object', type: 'services' }] } } } })),
  // Destroy only what the hook created: the documented server1 is in use anyway.
  'DELETE /servers/{name} 204': async (t) => setPath(t, `/servers/${await create.server()}`),
  // A server a service uses cannot be destroyed: a fresh server, used by a fresh service.
  'DELETE /servers/{name} 403': async (t) => {
    const server = await create.server();
    await create.service([], [server]);
    setPath(t, `/servers/${server}`);
  },
  // An invalid state is refused with 403, as the docs say.
  'PUT /servers/{name}/set 403': (t) => setUri(t, `${t.request.uri.split('?')[0]}?state=sleeping`),
  'PUT /servers/{name}/clear 403': (t) => setUri(t, `${t.request.uri.split('?')[0]}?state=sleeping`),
  // Destroy only what the hook created: MariaDB-Monitor still monitors servers.
  'DELETE /monitors/{name} 204': async (t) => setPath(t, `/monitors/${await create.monitor()}`),
  // A monitor that monitors servers cannot be destroyed: a fresh monitor of a fresh server.
  'DELETE /monitors/{name} 403': async (t) => setPath(t, `/monitors/${await create.monitor([await create.server()])}`),
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
  // A service with listeners cannot be destroyed: a fresh service with a fresh listener.
  'DELETE /services/{name} 403': async (t) => {
    const service = await create.service();
    await create.listener(service);
    setPath(t, `/services/${service}`);
  },
  // A listener can only be destroyed through its own service: a fresh listener, asked of another fresh service.
  'DELETE /services/{name}/listeners/{listener} 403': async (t) => {
    const listener = await create.listener(await create.service());
    setPath(t, `/services/${await create.service()}/listeners/${listener}`);
  },
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

export async function beforeEach(t: DreddTransaction): Promise<void> {
  const { isolate, allowDestructive } = hookSettings();
  createdPaths = [];
  setting = undefined;
  if (isolate) await reset();
  const key = `${t.request.method.toUpperCase()} ${t.origin.resourceName} ${t.expected.statusCode}`;
  const destructive = DESTRUCTIVE[key];
  if (destructive && !isolate && !allowDestructive) return skip(t, destructive);
  const prepare = SPECIAL[key] ?? generic(t);
  if (!prepare) return skip(t, `no way to provoke ${t.expected.statusCode} (add a SPECIAL entry)`);
  if (!destructive) {
    await freshObjectInPath(t);
    await freshRelatedObjects(t);
  }
  // A shared setting (a write to a path that names no object) is read first, to be put back.
  const path = t.request.uri.split('?')[0] ?? '';
  if (t.request.method.toUpperCase() === 'PATCH' && !isolate && !t.origin.resourceName.includes('{')) {
    const res = await send('GET', `/v1${path}`);
    if (res.status !== 200) throw new Error(`reading ${path} to restore it afterwards answered ${res.status}`);
    setting = { path, before: await res.json() };
  }
  await prepare(t);
}

/** Puts a changed shared setting back and deletes what the transaction created. */
export async function afterEach(t: DreddTransaction): Promise<void> {
  const changed = setting && t.real && t.real.statusCode < 300 ? setting : undefined;
  setting = undefined;
  if (changed) {
    const body = restoringBody(JSON.parse(t.request.body || '{}'), changed.before);
    if (body !== undefined) {
      const res = await send('PATCH', `/v1${changed.path}`, body);
      if (res.status >= 300) throw new Error(`putting ${changed.path} back answered ${res.status}: ${await res.text()}`);
    }
  }
  await removeCreated();
}
