/**
 * Dredd hooks for a spec that is not ours (`apitwin contract --spec`). Without
 * knowledge of the API, only what is safe and can be made to happen is
 * replayed: the documented 2xx examples of reads. Everything else is skipped
 * with its reason: an error status needs API-specific setup to provoke, and a
 * write replayed from the examples would change the target's own objects
 * (with --allow-destructive, documented 2xx writes are replayed as they are).
 */
import { isFramingHeader } from '../../../src/http/framing.js';
import type { DreddTransaction } from '../hooks-api.js';
import { hookSettings, skipReasons } from '../settings.js';

/** Why a documented error status is not replayed. */
export const errorStatusSkip = (status: string) =>
  `provoking ${status} needs setup only API-specific hooks know (the other phases check error responses)`;

/** Why a write's documented example is not replayed (without --allow-destructive). */
export const writeSkip = (method: string) =>
  `replaying the documented ${method} example would change the target's own objects (replay it with --allow-destructive)`;

function skip(t: DreddTransaction, why: string): void {
  t.skip = true;
  skipReasons.set(t.id, why);
}

/**
 * The 2xx each request is replayed for: an operation that documents two (200, and 204 for "no
 * content") answers one request with one of them, and which request gets the other is
 * API-specific setup. Keyed by the spec, operation and request, so that another spec run in the
 * same process starts afresh.
 */
const firstSuccess = new Map<string, string>();

export function beforeEach(t: DreddTransaction): void {
  const status = t.expected.statusCode;
  const method = t.request.method.toUpperCase();
  const origin = t.origin as DreddTransaction['origin'] & { apiName?: string };
  const key = [origin.apiName, origin.resourceName, origin.actionName, method, t.request.uri, t.request.body].join('\u0000');
  const first = status.startsWith('2') ? (firstSuccess.get(key) ?? status) : undefined;
  if (first !== undefined) firstSuccess.set(key, first);
  if (!status.startsWith('2')) {
    skip(t, errorStatusSkip(status));
  } else if (first !== status) {
    skip(
      t,
      `the same request is replayed for the documented ${first}; which request answers ${status} needs setup only API-specific hooks know`,
    );
  } else if (method !== 'GET' && method !== 'HEAD' && !hookSettings().allowDestructive) {
    skip(t, writeSkip(method));
  } else if (method === 'HEAD') {
    // Dredd 14 gives every request a body buffer, empty or not, and its HTTP client refuses a HEAD
    // with one ("HTTP HEAD requests MUST NOT include a request body"): the other phases judge HEAD.
    skip(t, 'Dredd 14 cannot send a HEAD request (its HTTP client refuses the empty body Dredd gives every request)');
  } else if (method === 'GET' && t.request.body) {
    // Dredd refuses to send it itself ("HTTP HEAD requests MUST NOT include a request body").
    skip(t, `the spec documents a request body for ${method}, which HTTP gives no meaning (RFC 9110 §9.3.1) and Dredd does not send`);
  } else {
    // The example of one documented media type is replayed: ask for that one (a server picks its own otherwise).
    const expected = Object.entries(t.expected.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
    if (expected && !Object.keys(t.request.headers).some((name) => name.toLowerCase() === 'accept')) t.request.headers.Accept = expected;
    // Compression and chunking are the transport's: a documented Content-Encoding is not required.
    const documented = t.expected.headers ?? {};
    // A Content-Type header documented without a value (rapidapi.com) would have Dredd expect an empty one.
    for (const [name, value] of Object.entries(documented)) {
      if (isFramingHeader(name, false) || (value === '' && /^content-type$/i.test(name))) delete documented[name];
    }
    const refusal = hookSettings().requestRefusal?.({ method, path: t.request.uri, headers: t.request.headers, body: t.request.body });
    if (refusal !== undefined) {
      // Dredd fills a request from examples only: without one, a required parameter is left out.
      skip(
        t,
        `the request Dredd built from the examples is one the spec refuses (${refusal}), so no implementation answers it with ${status}; the other phases send this operation complete requests`,
      );
    }
  }
}
