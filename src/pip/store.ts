/**
 * The store behind the pip-sessions twin. Implementations: in memory
 * (default, `memory-store.ts`) and SQLite (durable, `sqlite-store.ts`); both
 * pass the one suite in `store.test.ts`.
 *
 * The store keeps sessions in the order they were opened and answers the
 * queries `get_sessions` needs; what a command does to a session (opening,
 * closing, expiry) is the model's business (`model.ts`).
 */

/** A stored session, as SessionV1 sends it. Times are ISO 8601 strings from `Date#toISOString`. */
export interface SessionRecord {
  id: string;
  /** Null when it was sent as `""` (the real service reads a falsy argument as null). */
  user_id: string | null;
  user_name: string | null;
  active: boolean;
  open_time: string;
  request_time: string;
  /** Absent while the session is open. */
  close_time?: string;
  address: string | null;
  client: string | null;
  /** Any JSON value, as sent. */
  user: unknown;
  /** Any JSON value, as sent. */
  data: unknown;
}

/** A session as `get_sessions` lists it. */
export type SessionSummary = Omit<SessionRecord, 'user' | 'data'>;

/** Every field set must match; `from_time <= request_time < to_time` (ISO strings from toISOString). */
export interface SessionQuery {
  id?: string;
  user_id?: string;
  active?: boolean;
  from_time?: string;
  to_time?: string;
}

export interface SessionsStore {
  /** `memory` or `sqlite`, for the status document. */
  readonly kind: 'memory' | 'sqlite';
  /** Matching sessions in the order they were opened, without `user` and `data`: `skip` of them, then at most `take` (all when undefined). */
  find(query: SessionQuery, skip: number, take: number | undefined): SessionSummary[];
  /** How many sessions match. */
  count(query: SessionQuery): number;
  get(id: string): SessionRecord | undefined;
  /** Adds a session after all others; an id in use is a CONFLICT ApiError and changes nothing. */
  insert(session: SessionRecord): void;
  /** Replaces the stored session with the same id, keeping its place; false (and nothing stored) when there is none. */
  replace(session: SessionRecord): boolean;
  /** Removes the session and returns it as it was. */
  delete(id: string): SessionRecord | undefined;
  /** Runs `fn` atomically: if it throws, no write it made is kept. */
  transaction<R>(fn: () => R): R;
  /** Removes every session. */
  clear(): void;
  /**
   * Moves on every write (insert, replace, delete, clear), whoever makes it (a command, the
   * expiry timer, a state import): the router keeps read answers per generation.
   */
  generation(): number;
  close(): void;
}

/** True when a session matches every field of the query (the memory store's filter; SQLite does the same in SQL). */
export function matches(s: SessionSummary, q: SessionQuery): boolean {
  if (q.id !== undefined && s.id !== q.id) return false;
  if (q.user_id !== undefined && s.user_id !== q.user_id) return false;
  if (q.active !== undefined && s.active !== q.active) return false;
  if (q.from_time !== undefined && s.request_time < q.from_time) return false;
  if (q.to_time !== undefined && s.request_time >= q.to_time) return false;
  return true;
}

/** The session without `user` and `data`, in SessionV1's field order. */
export function summaryOf(s: SessionRecord): SessionSummary {
  const summary: SessionSummary = {
    id: s.id,
    user_id: s.user_id,
    user_name: s.user_name,
    active: s.active,
    open_time: s.open_time,
    request_time: s.request_time,
    address: s.address,
    client: s.client,
  };
  if (s.close_time !== undefined) summary.close_time = s.close_time;
  return summary;
}
