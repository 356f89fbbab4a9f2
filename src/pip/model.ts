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
import { invalidData, typeMismatch, type ValidationResult } from './errors.js';
import type { SessionQuery, SessionRecord, SessionSummary, SessionsStore } from './store.js';

export type GetSessionsArgs = components['schemas']['GetSessionsArgs'];
export type OpenSessionArgs = components['schemas']['OpenSessionArgs'];
type Filter = NonNullable<GetSessionsArgs['filter']>;

/** A page of sessions; `total` only when asked for. */
export interface SessionPage {
  total?: number;
  data: SessionSummary[];
}

/** Pip.Services' PagingParams default page length. */
export const DEFAULT_TAKE = 100;

export interface SessionsModelOptions {
  /** Largest page `get_sessions` returns. */
  maxPageSize: number;
  /** Idle time after which `closeExpiredSessions` closes an active session. */
  expireTimeoutMs: number;
  now?: () => Date;
  /** New session ids: 32 hexadecimal digits, as Pip.Services' IdGenerator.nextLong makes them. */
  newId?: () => string;
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const TRUE_STRINGS = new Set(['true', 'yes', '1']);
const FALSE_STRINGS = new Set(['false', 'no', '0']);

export function newSessionId(): string {
  return randomUUID().replace(/-/g, '');
}

/** A filter value FilterParams sends as a string (`"true"`), or a native boolean. */
function parseActive(value: Filter['active'], results: ValidationResult[]): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  const lower = value.toLowerCase();
  if (TRUE_STRINGS.has(lower)) return true;
  if (FALSE_STRINGS.has(lower)) return false;
  results.push(typeMismatch('filter.active', 'boolean', value));
  return undefined;
}

/** An ISO 8601 time, normalised to `toISOString` so stores can compare strings. */
function parseTime(path: string, value: string | null | undefined, results: ValidationResult[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = ISO_8601.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    results.push({ ...typeMismatch(path, 'datetime', value), message: `${path} type must be datetime but found string "${value}"` });
    return undefined;
  }
  return new Date(ms).toISOString();
}

/** The store query for a get_sessions filter; a value that cannot be read is INVALID_DATA. */
export function queryOf(filter: GetSessionsArgs['filter']): SessionQuery {
  if (!filter) return {};
  const results: ValidationResult[] = [];
  const query: SessionQuery = {};
  if (filter.id !== undefined && filter.id !== null) query.id = filter.id;
  if (filter.user_id !== undefined && filter.user_id !== null) query.user_id = filter.user_id;
  const active = parseActive(filter.active, results);
  if (active !== undefined) query.active = active;
  const from = parseTime('filter.from_time', filter.from_time, results);
  if (from !== undefined) query.from_time = from;
  const to = parseTime('filter.to_time', filter.to_time, results);
  if (to !== undefined) query.to_time = to;
  if (results.length) throw invalidData(results);
  return query;
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

  /** get_sessions: `take` 0 or absent is the default page, capped at the largest page. */
  getSessions(args: GetSessionsArgs): SessionPage {
    const query = queryOf(args.filter);
    const skip = args.paging?.skip ?? 0;
    const take = Math.min(args.paging?.take || DEFAULT_TAKE, this.options.maxPageSize);
    const data = this.store.find(query, skip, take);
    return args.paging?.total === true ? { total: this.store.count(query), data } : { data };
  }

  getSessionById(id: string): SessionRecord | undefined {
    return this.store.get(id);
  }

  /** open_session: arguments not given are `null`, as the real service sends them. */
  openSession(args: OpenSessionArgs): SessionRecord {
    const now = this.now().toISOString();
    const session: SessionRecord = {
      id: this.newId(),
      user_id: args.user_id,
      user_name: args.user_name ?? null,
      active: true,
      open_time: now,
      request_time: now,
      address: args.address ?? null,
      client: args.client ?? null,
      user: args.user ?? null,
      data: args.data ?? null,
    };
    this.store.insert(session);
    return session;
  }

  /** store_session_data: replaces `data` (no merge). */
  storeSessionData(id: string, data: Record<string, unknown>): SessionRecord | undefined {
    return this.change(id, (s, now) => ({ ...s, request_time: now, data }));
  }

  updateSessionUser(id: string, user: Record<string, unknown>): SessionRecord | undefined {
    return this.change(id, (s, now) => ({ ...s, request_time: now, user }));
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
