/**
 * The durable store: one SQLite file (better-sqlite3) that both twins share,
 * each in its own tables, through one connection.
 *
 * - Durability: WAL journal with `synchronous = FULL`, so a write is on disk
 *   when the call that made it returns (and the HTTP answer is sent after
 *   that): an acknowledged write survives `kill -9` and a power cut.
 * - Ownership: the connection runs in `locking_mode = EXCLUSIVE` and takes the
 *   lock at open, so a second apitwin on the same file fails at start with a
 *   clear message instead of two processes diverging. The OS drops the lock
 *   when the owner dies, so a restart after `kill -9` opens at once.
 * - Schema: each component (the MaxScale key-value table, the pip sessions
 *   table) has a list of numbered migrations; `migrate` runs the ones a file
 *   has not seen, in one transaction, and refuses a file written by a newer
 *   apitwin. A corrupt or foreign file is refused at start, damaged pages
 *   included (`PRAGMA quick_check`).
 */
import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import type { KvStore } from './kv.js';

export type SqliteDatabase = Database.Database;

/** better-sqlite3, required when a file is first opened: a twin in memory (the default) never loads it. */
function openDatabase(path: string, options: Database.Options): SqliteDatabase {
  const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  return new Sqlite(path, options);
}

/** A store file that cannot be used: the message says why, for the person starting apitwin. */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}

/** One step of a component's schema: version N brings a file from N-1 to N. */
export interface Migration {
  version: number;
  description: string;
  up: (db: SqliteDatabase) => void;
}

/** How long opening waits for a lock another process holds before saying the file is locked. */
const OPEN_LOCK_TIMEOUT_MS = 1000;

function sqliteCode(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : '';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Turns a failure to open into a sentence that says what to do (keyed on SQLite's result codes). */
export function describeOpenError(path: string, err: unknown): StoreOpenError {
  if (err instanceof StoreOpenError) return err;
  const code = sqliteCode(err);
  const why = messageOf(err);
  let message: string;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    message = `The SQLite store ${path} is locked by another process (is another apitwin serving it?): ${why}`;
  } else if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
    message = `The SQLite store ${path} is corrupt or not a SQLite database (${why}); move it away or start with another --store`;
  } else if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM')) {
    message = `Cannot open the SQLite store ${path} for writing: ${why}`;
  } else {
    message = `Cannot open the SQLite store ${path}: ${why}`;
  }
  return new StoreOpenError(message, { cause: err });
}

/**
 * Refuses a file damaged in its pages. The header and schema are read by
 * opening; `PRAGMA quick_check` reads every page of every table and index
 * (structure, cell order, free list) without cross-checking index contents
 * against their tables, which `integrity_check` would do at several times
 * the cost: linear in the file's size, and paid once, at start.
 */
function checkIntegrity(path: string, db: SqliteDatabase): void {
  const rows = db.pragma('quick_check(5)') as { quick_check: string }[];
  const findings = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
  if (findings.length) {
    throw new StoreOpenError(
      `The SQLite store ${path} is corrupt or not a SQLite database (${findings.join('; ')}); move it away or start with another --store`,
    );
  }
}

/**
 * One open SQLite file, shared by the stores that live in it. Reference
 * counted: each store retains it and releases it on close; the connection
 * closes with the last release.
 */
export class SqliteFile {
  private refs = 1;

  private constructor(
    readonly path: string,
    readonly db: SqliteDatabase,
  ) {}

  /** Opens (creating if needed) and locks the file; throws a StoreOpenError that says what is wrong. */
  static open(path: string): SqliteFile {
    let db: SqliteDatabase | undefined;
    try {
      db = openDatabase(path, { timeout: OPEN_LOCK_TIMEOUT_MS });
      // Exclusive before WAL: the WAL index then lives in process memory (no -shm file) and
      // the lock, taken by the empty exclusive transaction below, is held until close.
      db.pragma('locking_mode = EXCLUSIVE');
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new StoreOpenError(`The SQLite store ${path} cannot use a write-ahead log (journal mode ${String(mode)})`);
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.exec('BEGIN EXCLUSIVE; COMMIT');
      checkIntegrity(path, db);
      db.exec(`CREATE TABLE IF NOT EXISTS apitwin_schema (
        component TEXT PRIMARY KEY,
        version INTEGER NOT NULL
      ) STRICT`);
      return new SqliteFile(path, db);
    } catch (err) {
      try {
        db?.close();
      } catch {
        // the original error is the one worth reporting
      }
      throw describeOpenError(path, err);
    }
  }

  retain(): this {
    if (this.refs <= 0) throw new Error(`The SQLite store ${this.path} is closed`);
    this.refs++;
    return this;
  }

  release(): void {
    if (this.refs <= 0) return;
    this.refs--;
    if (this.refs === 0) this.db.close();
  }

  /** Takes a reference for a store of `component`, whose tables are first brought up to date. */
  attach(component: string, migrations: readonly Migration[]): this {
    this.retain();
    try {
      this.migrate(component, migrations);
    } catch (err) {
      this.release();
      throw err;
    }
    return this;
  }

  /** Opens a file for one store alone (tests, the benchmark); `openStores` shares one file between both twins. */
  static openFor<T>(path: string, make: (file: SqliteFile) => T): T {
    const file = SqliteFile.open(path);
    try {
      return make(file);
    } finally {
      file.release();
    }
  }

  get isOpen(): boolean {
    return this.refs > 0;
  }

  /** The schema version of a component in this file (0 when it has none yet). */
  schemaVersion(component: string): number {
    const row = this.db.prepare('SELECT version FROM apitwin_schema WHERE component = ?').get(component) as { version: number } | undefined;
    return row?.version ?? 0;
  }

  /**
   * Brings a component's tables up to its newest migration (creating them in a
   * new file), all in one transaction: a failed upgrade leaves the file as it was.
   */
  migrate(component: string, migrations: readonly Migration[]): void {
    const sorted = [...migrations].sort((a, b) => a.version - b.version);
    const latest = sorted.at(-1)?.version ?? 0;
    try {
      this.db.transaction(() => {
        const current = this.schemaVersion(component);
        if (current > latest) {
          throw new StoreOpenError(
            `The SQLite store ${this.path} has ${component} schema version ${current}, newer than this apitwin knows (${latest}); use a newer apitwin or another --store`,
          );
        }
        for (const m of sorted) {
          if (m.version <= current) continue;
          m.up(this.db);
        }
        if (latest !== current) {
          this.db
            .prepare(
              'INSERT INTO apitwin_schema (component, version) VALUES (?, ?) ON CONFLICT (component) DO UPDATE SET version = excluded.version',
            )
            .run(component, latest);
        }
      })();
    } catch (err) {
      throw describeOpenError(this.path, err);
    }
  }
}

/** The path in a `sqlite:PATH` store option. */
export function sqlitePathOf(store: string): string | undefined {
  return store.startsWith('sqlite:') && store.length > 'sqlite:'.length ? store.slice('sqlite:'.length) : undefined;
}

/** The MaxScale twin's key-value table: one row per document, `seq` keeps the order of first insertion. */
export const KV_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'kv: collections of JSON documents in insertion order',
    up: (db) => {
      db.exec(`CREATE TABLE kv (
        seq INTEGER PRIMARY KEY,
        collection TEXT NOT NULL,
        id TEXT NOT NULL,
        json TEXT NOT NULL,
        UNIQUE (collection, id)
      ) STRICT;
      CREATE INDEX kv_by_collection ON kv (collection, seq);`);
    },
  },
];

/**
 * What every store kept in a SqliteFile shares: a reference to the file taken
 * with its tables up to date, transactions (nested ones become savepoints),
 * and closing exactly once.
 */
export abstract class SqliteComponentStore {
  protected readonly file: SqliteFile;
  private closed = false;

  protected constructor(file: SqliteFile, component: string, migrations: readonly Migration[]) {
    this.file = file.attach(component, migrations);
  }

  protected get db(): Database.Database {
    return this.file.db;
  }

  transaction<R>(fn: () => R): R {
    return this.file.db.transaction(fn)();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.file.release();
  }
}

/**
 * The KvStore on SQLite. A put of an existing id updates the row in place (it
 * keeps its place); a deleted id put again goes to the end, as in memory.
 * `transaction` is a SQLite transaction (nested calls become savepoints).
 */
export class SqliteKvStore extends SqliteComponentStore implements KvStore {
  private readonly stmts: {
    get: Database.Statement<[string, string], { json: string }>;
    list: Database.Statement<[string], { json: string }>;
    put: Database.Statement<[string, string, string]>;
    delete: Database.Statement<[string, string]>;
    clear: Database.Statement<[]>;
  };

  constructor(file: SqliteFile) {
    super(file, 'kv', KV_MIGRATIONS);
    const db = file.db;
    this.stmts = {
      get: db.prepare('SELECT json FROM kv WHERE collection = ? AND id = ?'),
      list: db.prepare('SELECT json FROM kv WHERE collection = ? ORDER BY seq'),
      put: db.prepare(
        'INSERT INTO kv (collection, id, json) VALUES (?, ?, ?) ON CONFLICT (collection, id) DO UPDATE SET json = excluded.json',
      ),
      delete: db.prepare('DELETE FROM kv WHERE collection = ? AND id = ?'),
      clear: db.prepare('DELETE FROM kv'),
    };
  }

  /** Opens a file for this store alone (tests; `openStores` shares one file between both twins). */
  static open(path: string): SqliteKvStore {
    return SqliteFile.openFor(path, (file) => new SqliteKvStore(file));
  }

  get<T>(collection: string, id: string): T | undefined {
    const row = this.stmts.get.get(collection, id);
    return row === undefined ? undefined : (JSON.parse(row.json) as T);
  }

  list<T>(collection: string): T[] {
    return this.stmts.list.all(collection).map((row) => JSON.parse(row.json) as T);
  }

  put<T>(collection: string, id: string, value: T): void {
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError(`Cannot store ${String(value)} in ${collection}/${id}: not a JSON value`);
    this.stmts.put.run(collection, id, json);
  }

  delete(collection: string, id: string): boolean {
    return this.stmts.delete.run(collection, id).changes > 0;
  }

  clear(): void {
    this.stmts.clear.run();
  }
}
