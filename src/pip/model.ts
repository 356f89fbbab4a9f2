/**
 * The pip-sessions twin's domain logic over the store: what each command does
 * to sessions, as SessionsController and SessionsMemoryPersistence of the
 * real service do it, except where the notes say the real service is wrong
 * (the time filter). Arguments the spec cannot check (dates) are checked here
 * before anything changes; a command that changes several sessions runs in
 * one store transaction.
 */
import { randomUUID } from 'node:crypto';
import type { components } from '../../generated/pip-sessions.js';
import { argument, memberOf, toNullableBoolean, toNullableDateTime, toNullableLong, toNullableString } from './convert.js';
import type { SessionQuery, SessionRecord, SessionSummary, SessionsStore } from './store.js';

export type GetSessionsArgs = components['schemas']['GetSessionsArgs'];
export type OpenSessionArgs = components['schemas']['OpenSessionArgs'];

/** A page of sessions; `total` is null unless it was asked for (as the real service sends it). */
export interface SessionPage {
  total: number | null;
  data: SessionSummary[];
}

export interface SessionsModelOptions {
  /** Largest page `get_sessions` returns. */
  maxPageSize: number;
  /** Idle time after which `closeExpiredSessions` closes an active session. */
  expireTimeoutMs: number;
  now?: () => Date;
  /** New session ids: 32 hexadecimal digits, as Pip.Services' IdGenerator.nextLong makes them. */
  newId?: () => string;
}

export function newSessionId(): string {
  return randomUUID().replace(/-/g, '');
}

/** The times a store can compare as strings: Date#toISOString within years 0000-9999. */
const EARLIEST = '0000-01-01T00:00:00.000Z';
const LATEST = '9999-12-31T23:59:59.999Z';

function isoOf(date: Date): string {
  if (date.getTime() < Date.parse(EARLIEST)) return EARLIEST;
  if (date.getTime() > Date.parse(LATEST)) return LATEST;
  return date.toISOString();
}

/**
 * The store query for a get_sessions filter, read as the real service reads
 * it: FilterParams turns every value into a string, then `active` is read as
 * a boolean and the times as dates; a value that cannot be read is no filter.
 */
export function queryOf(filter: unknown): SessionQuery {
  const query: SessionQuery = {};
  // FilterParams keeps values as strings and reads an empty one as null.
  const text = (key: string) => argument(toNullableString(memberOf(filter, key)));
  const id = text('id');
  if (id !== null) query.id = id;
  const userId = text('user_id');
  if (userId !== null) query.user_id = userId;
  const active = toNullableBoolean(text('active'));
  if (active !== null) query.active = active;
  const from = toNullableDateTime(text('from_time'));
  if (from !== null) query.from_time = isoOf(from);
  const to = toNullableDateTime(text('to_time'));
  if (to !== null) query.to_time = isoOf(to);
  return query;
}

/** PagingParams as the real service reads them: numbers rounded up, `take` 0 is the default, anything but an object is the default paging. */
export function pagingOf(paging: unknown, maxPageSize: number): { skip: number; take: number; total: boolean } {
  const skip = toNullableLong(memberOf(paging, 'skip'));
  let take = toNullableLong(memberOf(paging, 'take'));
  if (take === 0) take = null;
  return {
    // SQLite takes an OFFSET up to 2^63; nothing is that far anyway.
    skip: skip === null || skip < 0 ? 0 : Math.min(skip, Number.MAX_SAFE_INTEGER),
    take: take === null ? maxPageSize : take < 0 ? 0 : Math.min(take, maxPageSize),
    total: memberOf(paging, 'total') === true,
  };
}

export class SessionsModel {
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(
    readonly store: SessionsStore,
    private readonly options: SessionsModelOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? newSessionId;
  }

  /** get_sessions: the page the filter and paging select; `total` when asked for, else null. */
  getSessions(args: GetSessionsArgs): SessionPage {
    const query = queryOf(args.filter);
    const { skip, take, total } = pagingOf(args.paging, this.options.maxPageSize);
    const data = take > 0 ? this.store.find(query, skip, take) : [];
    return { total: total ? this.store.count(query) : null, data };
  }

  getSessionById(id: string): SessionRecord | undefined {
    return this.store.get(id);
  }

  /** open_session: arguments not given, or given falsy (`""`, `0`, `false`), are `null`, as the real service reads them. */
  openSession(args: OpenSessionArgs): SessionRecord {
    const now = this.now().toISOString();
    const session: SessionRecord = {
      id: this.newId(),
      user_id: argument(args.user_id),
      user_name: argument(args.user_name),
      active: true,
      open_time: now,
      request_time: now,
      address: argument(args.address),
      client: argument(args.client),
      user: argument(args.user),
      data: argument(args.data),
    };
    this.store.insert(session);
    return session;
  }

  /** store_session_data: replaces `data` (no merge). */
  storeSessionData(id: string, data: unknown): SessionRecord | undefined {
    return this.change(id, (s, now) => ({ ...s, request_time: now, data: argument(data) }));
  }

  updateSessionUser(id: string, user: unknown): SessionRecord | undefined {
    return this.change(id, (s, now) => ({ ...s, request_time: now, user: argument(user) }));
  }

  /** close_session: a closed session is closed again (new times), as the real service does. */
  closeSession(id: string): SessionRecord | undefined {
    return this.change(id, closed);
  }

  /** Closes every active session idle for longer than the expire timeout; returns how many. */
  closeExpiredSessions(): number {
    const now = this.now();
    const cutoff = new Date(now.getTime() - this.options.expireTimeoutMs).toISOString();
    return this.store.transaction(() => {
      // Closing clears user and data, so the summaries are all a closed session needs.
      const expired = this.store.find({ active: true, to_time: cutoff }, 0, undefined);
      for (const s of expired) this.store.replace(closed({ ...s, user: null, data: null }, now.toISOString()));
      return expired.length;
    });
  }

  deleteSessionById(id: string): SessionRecord | undefined {
    return this.store.delete(id);
  }

  /** Replaces every session (the test-only reset). */
  reset(sessions: readonly SessionRecord[] = []): void {
    this.store.transaction(() => {
      this.store.clear();
      for (const s of sessions) this.store.insert(s);
    });
  }

  private change(id: string, fn: (s: SessionRecord, now: string) => SessionRecord): SessionRecord | undefined {
    return this.store.transaction(() => {
      const session = this.store.get(id);
      if (!session) return undefined;
      const next = fn(session, this.now().toISOString());
      this.store.replace(next);
      return next;
    });
  }
}

function closed(s: SessionRecord, now: string): SessionRecord {
  return { ...s, active: false, request_time: now, close_time: now, user: null, data: null };
}
