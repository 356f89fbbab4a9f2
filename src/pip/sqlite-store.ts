/**
 * The sessions store on SQLite: one row per session in `pip_sessions`, in the
 * file the MaxScale twin's key-value table lives in (see `store/sqlite.ts`
 * for durability, locking and schema versions).
 *
 * `seq` (the rowid) is the order sessions were opened. The index on
 * `user_id` holds rowids in order within a user, so `get_sessions` by user
 * with a small `take` reads only the page it returns, however many sessions
 * are stored (the benchmark in `bench/` measures it over 1,000,000).
 */
import type Database from 'better-sqlite3';
import { ApiError, Errors } from '../errors.js';
import { type Migration, SqliteComponentStore, SqliteFile } from '../store/sqlite.js';
import type { SessionQuery, SessionRecord, SessionSummary, SessionsStore } from './store.js';

export const SESSIONS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'pip_sessions: one row per session, indexed by user and by activity',
    up: (db) => {
      db.exec(`CREATE TABLE pip_sessions (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        user_id TEXT NOT NULL,
        user_name TEXT,
        active INTEGER NOT NULL,
        open_time TEXT NOT NULL,
        request_time TEXT NOT NULL,
        close_time TEXT,
        address TEXT,
        client TEXT,
        user TEXT,
        data TEXT
      ) STRICT;
      CREATE INDEX pip_sessions_by_user ON pip_sessions (user_id);
      CREATE INDEX pip_sessions_by_activity ON pip_sessions (active, request_time);`);
    },
  },
];

const SUMMARY_COLUMNS = 'id, user_id, user_name, active, open_time, request_time, close_time, address, client';
const ALL_COLUMNS = `${SUMMARY_COLUMNS}, user, data`;

interface SummaryRow {
  id: string;
  /** `''` for a null user_id: the column is NOT NULL, and the model never stores `''` (it reads `""` as null). */
  user_id: string;
  user_name: string | null;
  active: number;
  open_time: string;
  request_time: string;
  close_time: string | null;
  address: string | null;
  client: string | null;
}

interface FullRow extends SummaryRow {
  /** JSON text: SQL NULL is never stored (an absent value is stored as `null`). */
  user: string | null;
  data: string | null;
}

function toSummary(row: SummaryRow): SessionSummary {
  const s: SessionSummary = {
    id: row.id,
    user_id: row.user_id === '' ? null : row.user_id,
    user_name: row.user_name,
    active: row.active === 1,
    open_time: row.open_time,
    request_time: row.request_time,
    address: row.address,
    client: row.client,
  };
  if (row.close_time !== null) s.close_time = row.close_time;
  return s;
}

function toRecord(row: FullRow): SessionRecord {
  return {
    ...toSummary(row),
    user: row.user === null ? null : (JSON.parse(row.user) as unknown),
    data: row.data === null ? null : (JSON.parse(row.data) as unknown),
  };
}

type Params = Array<string | number | null>;

/** A session's columns after `id`, in table order (the order of ALL_COLUMNS and of the UPDATE's SET list). */
function columnValues(s: SessionRecord): Params {
  return [
    s.user_id ?? '',
    s.user_name,
    s.active ? 1 : 0,
    s.open_time,
    s.request_time,
    s.close_time ?? null,
    s.address,
    s.client,
    JSON.stringify(s.user),
    JSON.stringify(s.data),
  ];
}

/** The query's conditions in a fixed order, so each combination of fields has one cached statement. */
function where(q: SessionQuery): { key: string; sql: string; params: Params } {
  const conditions: string[] = [];
  const params: Params = [];
  let key = '';
  const add = (name: string, sql: string, value: string | number | undefined) => {
    if (value === undefined) return;
    conditions.push(sql);
    params.push(value);
    key += name;
  };
  add('i', 'id = ?', q.id);
  add('u', 'user_id = ?', q.user_id);
  add('a', 'active = ?', q.active === undefined ? undefined : q.active ? 1 : 0);
  add('f', 'request_time >= ?', q.from_time);
  add('t', 'request_time < ?', q.to_time);
  return { key, sql: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

function isUniqueViolation(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export class SqliteSessionsStore extends SqliteComponentStore implements SessionsStore {
  readonly kind = 'sqlite';
  private readonly cache = new Map<string, Database.Statement>();
  private changes = 0;
  private readonly stmts: {
    get: Database.Statement<[string], FullRow>;
    insert: Database.Statement<Params>;
    replace: Database.Statement<Params>;
    delete: Database.Statement<[string]>;
    clear: Database.Statement<[]>;
  };

  constructor(file: SqliteFile) {
    super(file, 'pip_sessions', SESSIONS_MIGRATIONS);
    this.stmts = {
      get: this.db.prepare(`SELECT ${ALL_COLUMNS} FROM pip_sessions WHERE id = ?`),
      insert: this.db.prepare<Params>(`INSERT INTO pip_sessions (${ALL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      replace: this.db.prepare<Params>(
        `UPDATE pip_sessions SET user_id = ?, user_name = ?, active = ?, open_time = ?, request_time = ?, close_time = ?,
         address = ?, client = ?, user = ?, data = ? WHERE id = ?`,
      ),
      delete: this.db.prepare('DELETE FROM pip_sessions WHERE id = ?'),
      clear: this.db.prepare('DELETE FROM pip_sessions'),
    };
  }

  /** Opens a file for this store alone (tests, the benchmark); `openStores` shares one file between both twins. */
  static open(path: string): SqliteSessionsStore {
    return SqliteFile.openFor(path, (file) => new SqliteSessionsStore(file));
  }

  private statement(key: string, sql: string): Database.Statement {
    let stmt = this.cache.get(key);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.cache.set(key, stmt);
    }
    return stmt;
  }

  find(query: SessionQuery, skip: number, take: number | undefined): SessionSummary[] {
    const w = where(query);
    const stmt = this.statement(`find:${w.key}`, `SELECT ${SUMMARY_COLUMNS} FROM pip_sessions ${w.sql} ORDER BY seq LIMIT ? OFFSET ?`);
    // LIMIT -1 is SQLite's "no limit".
    return (stmt.all(...w.params, take ?? -1, skip) as SummaryRow[]).map(toSummary);
  }

  count(query: SessionQuery): number {
    const w = where(query);
    const stmt = this.statement(`count:${w.key}`, `SELECT count(*) AS n FROM pip_sessions ${w.sql}`);
    return (stmt.get(...w.params) as { n: number }).n;
  }

  get(id: string): SessionRecord | undefined {
    const row = this.stmts.get.get(id);
    return row === undefined ? undefined : toRecord(row);
  }

  generation(): number {
    return this.changes;
  }

  insert(s: SessionRecord): void {
    this.changes++;
    try {
      this.stmts.insert.run(s.id, ...columnValues(s));
    } catch (err) {
      if (isUniqueViolation(err)) throw ApiError.from(Errors.CONFLICT, `A session with id '${s.id}' exists`, { cause: err });
      throw err;
    }
  }

  replace(s: SessionRecord): boolean {
    this.changes++;
    const result = this.stmts.replace.run(...columnValues(s), s.id);
    return result.changes > 0;
  }

  delete(id: string): SessionRecord | undefined {
    this.changes++;
    return this.transaction(() => {
      const before = this.get(id);
      if (before) this.stmts.delete.run(id);
      return before;
    });
  }

  clear(): void {
    this.changes++;
    this.stmts.clear.run();
  }
}
