/**
 * What only the SQLite file does: keep data across a close and reopen, create
 * and upgrade its schema, refuse a corrupt, newer or locked file at start with
 * a message that says so, and share one file between both twins.
 */
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { testConfig } from '../config.js';
import { openStores } from './open.js';
import { type Migration, SqliteFile, SqliteKvStore, StoreOpenError } from './sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'apitwin-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `store-${++n}.db`);

describe('the SQLite store file', () => {
  test('what was written is there after the store is closed and opened again', () => {
    const path = freshPath();
    const first = SqliteKvStore.open(path);
    first.put('services', 'a', { name: 'a' });
    first.transaction(() => first.put('services', 'b', { name: 'b' }));
    first.close();
    const second = SqliteKvStore.open(path);
    assert.deepEqual(second.list('services'), [{ name: 'a' }, { name: 'b' }]);
    second.close();
  });

  test('a new file gets the current schema version of each component', () => {
    const path = freshPath();
    const stores = openStores(testConfig({ store: `sqlite:${path}` }));
    stores.maxscale.close();
    stores.pip.close();
    const file = SqliteFile.open(path);
    try {
      assert.equal(file.schemaVersion('kv'), 1);
      assert.equal(file.schemaVersion('pip_sessions'), 1);
    } finally {
      file.release();
    }
  });

  test('an upgrade runs only the migrations the file has not seen, once', () => {
    const path = freshPath();
    const ran: number[] = [];
    const v1: Migration = {
      version: 1,
      description: 'create',
      up: (db) => {
        ran.push(1);
        db.exec('CREATE TABLE t (x TEXT)');
      },
    };
    const v2: Migration = {
      version: 2,
      description: 'add a column',
      up: (db) => {
        ran.push(2);
        db.exec('ALTER TABLE t ADD COLUMN y TEXT');
      },
    };
    const file = SqliteFile.open(path);
    file.migrate('test', [v1]);
    file.db.prepare('INSERT INTO t (x) VALUES (?)').run('kept');
    file.release();

    const upgraded = SqliteFile.open(path);
    upgraded.migrate('test', [v2, v1]);
    upgraded.migrate('test', [v1, v2]);
    assert.deepEqual(ran, [1, 2]);
    assert.equal(upgraded.schemaVersion('test'), 2);
    assert.deepEqual(upgraded.db.prepare('SELECT x, y FROM t').all(), [{ x: 'kept', y: null }]);
    upgraded.release();
  });

  test('a failing upgrade leaves the file as it was', () => {
    const path = freshPath();
    const file = SqliteFile.open(path);
    file.migrate('test', [{ version: 1, description: 'create', up: (db) => void db.exec('CREATE TABLE t (x TEXT)') }]);
    assert.throws(
      () =>
        file.migrate('test', [
          { version: 1, description: 'create', up: () => {} },
          { version: 2, description: 'half done', up: (db) => void db.exec('CREATE TABLE u (x TEXT); SELECT no_such_function()') },
        ]),
      StoreOpenError,
    );
    assert.equal(file.schemaVersion('test'), 1);
    assert.deepEqual(file.db.prepare("SELECT name FROM sqlite_master WHERE name = 'u'").all(), []);
    file.release();
  });

  test('a file written by a newer apitwin is refused with a message that says so', () => {
    const path = freshPath();
    const file = SqliteFile.open(path);
    file.db.prepare('INSERT INTO apitwin_schema (component, version) VALUES (?, ?)').run('kv', 99);
    file.release();
    assert.throws(
      () => SqliteKvStore.open(path),
      (err: unknown) => {
        assert.ok(err instanceof StoreOpenError);
        assert.match(err.message, /schema version 99, newer than this apitwin knows \(1\)/);
        return true;
      },
    );
  });

  test('a corrupt file is refused at open, naming the file', () => {
    const path = freshPath();
    writeFileSync(path, 'This is not a SQLite database, only a text file that happens to be long enough to have a header.\n'.repeat(20));
    assert.throws(
      () => openStores(testConfig({ store: `sqlite:${path}` })),
      (err: unknown) => {
        assert.ok(err instanceof StoreOpenError);
        assert.ok(err.message.includes(path));
        assert.match(err.message, /corrupt or not a SQLite database/);
        return true;
      },
    );
  });

  test('a file corrupted in its pages (header intact) is refused at open with the same sentence', () => {
    const path = freshPath();
    const stores = openStores(testConfig({ store: `sqlite:${path}` }));
    for (let i = 0; i < 400; i++) stores.maxscale.put('servers', `server-${i}`, { name: `server-${i}`, padding: 'x'.repeat(200) });
    stores.maxscale.close();
    stores.pip.close();
    // Overwrite pages in the middle of the file; page 1 (the header and the schema) stays readable.
    const size = statSync(path).size;
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(4096 * 3, 0x5a), 0, 4096 * 3, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    assert.throws(
      () => openStores(testConfig({ store: `sqlite:${path}` })),
      (err: unknown) => {
        assert.ok(err instanceof StoreOpenError);
        assert.ok(err.message.includes(path));
        assert.match(err.message, /corrupt or not a SQLite database/);
        return true;
      },
    );
  });

  test('a file another connection holds is refused as locked, and opens once it is let go', () => {
    const path = freshPath();
    const owner = openStores(testConfig({ store: `sqlite:${path}` }));
    assert.throws(
      () => openStores(testConfig({ store: `sqlite:${path}` })),
      (err: unknown) => {
        assert.ok(err instanceof StoreOpenError);
        assert.match(err.message, /is locked by another process/);
        return true;
      },
    );
    owner.maxscale.close();
    owner.pip.close();
    const next = openStores(testConfig({ store: `sqlite:${path}` }));
    next.maxscale.close();
    next.pip.close();
  });

  test('a file in a folder that does not exist is refused with a message that names it', () => {
    const path = join(dir, 'no-such-folder', 'x.db');
    assert.throws(
      () => SqliteKvStore.open(path),
      (err: unknown) => err instanceof StoreOpenError && err.message.includes(path),
    );
  });

  test('both twins share one file, and the file closes only when both stores are closed', () => {
    const path = freshPath();
    const stores = openStores(testConfig({ store: `sqlite:${path}` }));
    stores.maxscale.put('services', 'a', { name: 'a' });
    stores.maxscale.close();
    stores.maxscale.close(); // closing twice must not close the other store's connection
    assert.equal(stores.pip.count({}), 0, 'the pip store still works');
    stores.pip.close();
    const again = openStores(testConfig({ store: `sqlite:${path}` }));
    assert.deepEqual(again.maxscale.get('services', 'a'), { name: 'a' });
    again.maxscale.close();
    again.pip.close();
  });
});
