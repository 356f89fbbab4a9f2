/**
 * Opens the stores the config names.
 *
 * - `memory` (the default): both twins in memory, gone at exit.
 * - `sqlite:PATH`: both twins in ONE SQLite file at PATH (created if needed),
 *   through one connection that holds the file's lock: the MaxScale twin in
 *   table `kv`, the pip-sessions twin in table `pip_sessions`, each with its
 *   schema version in `apitwin_schema`. A corrupt, foreign, newer or locked
 *   file is refused here, at start, with a StoreOpenError that says why.
 */
import type { Stores } from '../app.js';
import type { Config } from '../config.js';
import { MemorySessionsStore } from '../pip/memory-store.js';
import { SqliteSessionsStore } from '../pip/sqlite-store.js';
import { MemoryKvStore } from './memory.js';
import { SqliteFile, SqliteKvStore, sqlitePathOf } from './sqlite.js';

export function openStores(config: Config): Stores {
  if (config.store === 'memory') return { maxscale: new MemoryKvStore(), pip: new MemorySessionsStore() };
  const path = sqlitePathOf(config.store);
  if (path === undefined) throw new Error(`Unsupported store '${config.store}': use memory or sqlite:PATH`);
  const file = SqliteFile.open(path);
  try {
    const maxscale = new SqliteKvStore(file);
    try {
      return { maxscale, pip: new SqliteSessionsStore(file) };
    } catch (err) {
      maxscale.close();
      throw err;
    }
  } finally {
    // Each store holds its own reference; the file closes with the last store.
    file.release();
  }
}
