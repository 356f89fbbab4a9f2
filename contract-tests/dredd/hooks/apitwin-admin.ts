/**
 * Dredd hooks for the admin API (openapi/apitwin-admin.yaml), replayed
 * against our twin started with --admin-api. Dredd does not prefix the
 * spec's server path, so every request is moved under `/__apitwin`. Before
 * each transaction the fault rules and the journal are cleared (a rule one
 * transaction adds must not shape the next) and, with `isolate`, both twins'
 * state is reset. Every documented status is made to happen:
 * - 2xx: the documented example (for a rule by id: a rule the hook has just added);
 * - 400: a query parameter of the wrong type, a rule that does nothing, a state file that names an unknown server;
 * - 404: a rule id that does not exist;
 * - 406: an Accept header that allows no JSON;
 * - 415: the body sent as text/plain.
 */
import { type Prepare, reset, send, setBody, setHeader, setPath } from '../common.js';
import type { DreddTransaction } from '../hooks-api.js';
import { hookSettings, skipReasons } from '../settings.js';

const PREFIX = '/__apitwin';

async function addRule(): Promise<string> {
  const res = await send(
    'POST',
    `${PREFIX}/faults`,
    { api: 'maxscale', operationId: 'listServers', status: 503, times: 2 },
    { auth: false },
  );
  const body = (await res.json()) as { id?: unknown };
  if (res.status !== 201 || typeof body.id !== 'string') throw new Error(`setup POST /faults answered ${res.status}`);
  return body.id;
}

/** What makes each documented status happen, by status and then by path template. */
function prepare(t: DreddTransaction): Prepare | undefined {
  const resource = t.origin.resourceName;
  switch (t.expected.statusCode) {
    case '200':
    case '201':
    case '204':
      if (resource === '/faults/{id}') return async () => setPath(t, `${PREFIX}/faults/${await addRule()}`);
      return () => undefined;
    case '400':
      if (resource === '/journal')
        return () => {
          t.request.uri = `${PREFIX}/journal?status=not-a-number`;
          t.fullPath = t.request.uri;
        };
      if (resource === '/faults') return () => setBody(t, JSON.stringify({ operationId: 'listServers' }));
      if (resource === '/state/maxscale')
        return () =>
          setBody(
            t,
            JSON.stringify({
              monitors: [{ name: 'm', module: 'mariadbmon', state: 'Running', parameters: {}, servers: ['no-such-server'] }],
            }),
          );
      if (resource === '/state/pip-sessions') return () => setBody(t, JSON.stringify({ sessions: [{ id: 'x' }] }));
      return undefined;
    case '404':
      return () => setPath(t, `${PREFIX}/faults/no-such-rule`);
    case '406':
      return () => setHeader(t, 'Accept', 'image/png');
    case '415':
      return () => {
        setHeader(t, 'Content-Type', 'text/plain');
        setBody(t, 'not json');
      };
    default:
      return undefined;
  }
}

export async function beforeEach(t: DreddTransaction): Promise<void> {
  t.request.uri = `${PREFIX}${t.request.uri}`;
  t.fullPath = t.request.uri;
  await send('DELETE', `${PREFIX}/faults`, undefined, { auth: false });
  await send('DELETE', `${PREFIX}/journal`, undefined, { auth: false });
  if (hookSettings().isolate) await reset();
  const step = prepare(t);
  if (!step) {
    t.skip = true;
    skipReasons.set(t.id, `no way to provoke ${t.expected.statusCode}`);
    return;
  }
  await step(t);
}
