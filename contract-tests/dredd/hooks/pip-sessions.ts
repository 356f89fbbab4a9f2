/**
 * Dredd hooks for the pip-sessions spec. Every transaction is self-contained:
 * a command on a session works on a session the hook has just opened, so the
 * replay works against any implementation (the real service included) and
 * never touches its sessions. With `isolate` (our twin started with
 * --admin-api), the target is also reset first (to no sessions). Every documented status is
 * made to happen:
 * - 200: the documented example, on a freshly opened session;
 * - 204: a session_id that names no session (a null result);
 * - 400: a malformed JSON body;
 * - 406: an Accept header the service cannot satisfy.
 * 413 is not replayed: the twin's limit (32 MiB by default) is one no real
 * client meets, and the real service has none, so provoking it would send
 * tens of MiB per transaction; src/pip/handlers.test.ts proves it with a
 * small configured limit.
 */
import { EXAMPLE_SESSIONS } from '../../../src/pip/examples.js';
import { type Prepare, reset, send, setBody, setHeader } from '../common.js';
import type { DreddTransaction } from '../hooks-api.js';
import { hookSettings, skipReasons } from '../settings.js';

const EXAMPLE = EXAMPLE_SESSIONS[0] ?? { user_id: '1', user_name: 'Test User', address: '', client: '', user: {}, data: {} };

/**
 * Opens a session like the spec's example session (Dredd expects every member its examples show)
 * through the documented /v1 path, the one every implementation serves, and answers its id.
 */
async function openSession(): Promise<string> {
  const { user_id, user_name, address, client, user, data } = EXAMPLE;
  const res = await send('POST', '/v1/sessions/open_session', { user_id, user_name, address, client, user, data });
  const body = (await res.json()) as { id?: unknown };
  if (res.status !== 200 || typeof body.id !== 'string') throw new Error(`setup open_session answered ${res.status}`);
  opened.push(body.id);
  return body.id;
}

/** Sessions this transaction opened (the hooks' and the transaction's own), deleted after it. */
let opened: string[] = [];

function generic(t: DreddTransaction): Prepare | undefined {
  switch (t.expected.statusCode) {
    case '200':
      return async () => {
        const body = JSON.parse(t.request.body || '{}') as Record<string, unknown>;
        if ('session_id' in body) setBody(t, JSON.stringify({ ...body, session_id: await openSession() }));
      };
    case '204':
      return () => {
        const body = JSON.parse(t.request.body || '{}') as Record<string, unknown>;
        // close_expired_sessions answers 204 on its own; the others need an unknown session.
        if ('session_id' in body) setBody(t, JSON.stringify({ ...body, session_id: 'no-such-session' }));
      };
    case '400':
      // The documented 400 is a validation failure with `details` (Dredd requires what the example
      // shows), so break the example's types rather than its syntax: every argument becomes a number
      // (close_expired_sessions takes none: its 400 is malformed JSON).
      return () => {
        const body = JSON.parse(t.request.body || '{}') as Record<string, unknown>;
        const broken = Object.fromEntries(Object.keys(body).map((k) => [k, 12345]));
        setBody(t, Object.keys(broken).length ? JSON.stringify(broken) : '{"unclosed": ');
      };
    case '406':
      return () => setHeader(t, 'Accept', 'image/png');
    default:
      return undefined;
  }
}

export async function beforeEach(t: DreddTransaction): Promise<void> {
  opened = [];
  const { isolate, allowDestructive } = hookSettings();
  if (isolate) await reset();
  // It closes the target's own idle sessions, which cannot be reopened.
  if (/close_expired_sessions$/.test(t.request.uri) && t.expected.statusCode === '204' && !isolate && !allowDestructive) {
    t.skip = true;
    skipReasons.set(t.id, "it closes the target's own expired sessions (replay it with --allow-destructive)");
    return;
  }
  const prepare = generic(t);
  if (!prepare) {
    t.skip = true;
    skipReasons.set(t.id, `no way to provoke ${t.expected.statusCode}`);
    return;
  }
  await prepare(t);
}

/** Deletes the sessions the transaction opened, so the target's sessions are as they were. */
export async function afterEach(t: DreddTransaction): Promise<void> {
  if (hookSettings().isolate) return;
  const own =
    /open_session$/.test(t.request.uri) && t.real?.statusCode === 200 ? (JSON.parse(t.real.body) as { id?: unknown }).id : undefined;
  for (const id of [...opened, ...(typeof own === 'string' ? [own] : [])]) {
    await send('POST', '/v1/sessions/delete_session_by_id', { session_id: id });
  }
  opened = [];
}
