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

/** Keyed by "METHOD /resource/{template} STATUS". */
const SPECIAL: Record<string, Prepare> = {
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
