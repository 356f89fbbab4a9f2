/**
 * The one KvStore suite: every case runs against every implementation, so the
 * SQLite store is held to exactly what the memory store (and the MaxScale
 * model on top of it) relies on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { storeSuite } from '../testing/store-suite.js';
import type { KvStore } from './kv.js';
import { MemoryKvStore } from './memory.js';
import { SqliteKvStore } from './sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'apitwin-kv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const implementations: Array<[string, () => KvStore]> = [
  ['memory', () => new MemoryKvStore()],
  ['sqlite', () => SqliteKvStore.open(join(dir, `kv-${++files}.db`))],
];

interface Doc {
  name: string;
  n?: number;
  tags?: string[];
}

const cases: Array<[string, (store: KvStore) => void]> = [
  [
    'a document put is read back equal, and an unknown id is undefined',
    (store) => {
      store.put<Doc>('servers', 'a', { name: 'a', n: 1, tags: ['x'] });
      assert.deepEqual(store.get<Doc>('servers', 'a'), { name: 'a', n: 1, tags: ['x'] });
      assert.equal(store.get('servers', 'nope'), undefined);
      assert.equal(store.get('other', 'a'), undefined, 'collections are separate');
    },
  ],
  [
    'list keeps the order documents were first put, and a put of an existing id keeps its place',
    (store) => {
      for (const name of ['c', 'a', 'b']) store.put<Doc>('s', name, { name });
      store.put<Doc>('s', 'a', { name: 'a', n: 2 });
      assert.deepEqual(
        store.list<Doc>('s').map((d) => [d.name, d.n]),
        [
          ['c', undefined],
          ['a', 2],
          ['b', undefined],
        ],
      );
      assert.deepEqual(store.list('empty'), []);
    },
  ],
  [
    'a deleted id is gone, delete says whether it deleted, and putting it again puts it last',
    (store) => {
      for (const name of ['a', 'b', 'c']) store.put<Doc>('s', name, { name });
      assert.equal(store.delete('s', 'a'), true);
      assert.equal(store.delete('s', 'a'), false);
      assert.equal(store.delete('nothing', 'a'), false);
      assert.equal(store.get('s', 'a'), undefined);
      store.put<Doc>('s', 'a', { name: 'a' });
      assert.deepEqual(
        store.list<Doc>('s').map((d) => d.name),
        ['b', 'c', 'a'],
      );
    },
  ],
  [
    'a document read cannot change what is stored',
    (store) => {
      store.put<Doc>('s', 'a', { name: 'a', tags: ['x'] });
      const read = store.get<Doc>('s', 'a');
      read?.tags?.push('changed');
      const listed = store.list<Doc>('s')[0];
      if (listed) listed.name = 'changed';
      assert.deepEqual(store.get<Doc>('s', 'a'), { name: 'a', tags: ['x'] });
    },
  ],
  [
    'a transaction that throws keeps none of its writes, order included',
    (store) => {
      for (const name of ['a', 'b', 'c']) store.put<Doc>('s', name, { name, n: 0 });
      assert.throws(
        () =>
          store.transaction(() => {
            store.put<Doc>('s', 'b', { name: 'b', n: 1 });
            store.delete('s', 'a');
            store.put<Doc>('s', 'd', { name: 'd' });
            store.put<Doc>('t', 'x', { name: 'x' });
            throw new Error('refused');
          }),
        /refused/,
      );
      assert.deepEqual(
        store.list<Doc>('s').map((d) => [d.name, d.n]),
        [
          ['a', 0],
          ['b', 0],
          ['c', 0],
        ],
      );
      assert.deepEqual(store.list('t'), []);
    },
  ],
  [
    'a transaction that returns keeps its writes and returns its value',
    (store) => {
      const result = store.transaction(() => {
        store.put<Doc>('s', 'a', { name: 'a' });
        return store.transaction(() => {
          store.put<Doc>('s', 'b', { name: 'b' });
          return 42;
        });
      });
      assert.equal(result, 42);
      assert.deepEqual(
        store.list<Doc>('s').map((d) => d.name),
        ['a', 'b'],
      );
    },
  ],
  [
    'a nested transaction is undone with the outer one that throws',
    (store) => {
      assert.throws(() =>
        store.transaction(() => {
          store.transaction(() => store.put<Doc>('s', 'inner', { name: 'inner' }));
          throw new Error('outer fails');
        }),
      );
      assert.equal(store.get('s', 'inner'), undefined);
    },
  ],
  [
    'clear removes every document of every collection',
    (store) => {
      store.put<Doc>('s', 'a', { name: 'a' });
      store.put<Doc>('t', 'b', { name: 'b' });
      store.clear();
      assert.deepEqual(store.list('s'), []);
      assert.deepEqual(store.list('t'), []);
      store.put<Doc>('s', 'c', { name: 'c' });
      assert.deepEqual(store.get('s', 'c'), { name: 'c' });
    },
  ],
  [
    'ids and collections are exact strings (case, spaces and unicode kept apart)',
    (store) => {
      store.put<Doc>('s', 'Name', { name: 'upper' });
      store.put<Doc>('s', 'name', { name: 'lower' });
      store.put<Doc>('s', 'with space/é', { name: 'odd' });
      assert.equal(store.get<Doc>('s', 'Name')?.name, 'upper');
      assert.equal(store.get<Doc>('s', 'name')?.name, 'lower');
      assert.equal(store.get<Doc>('s', 'with space/é')?.name, 'odd');
    },
  ],
  [
    'JSON values of every kind round-trip',
    (store) => {
      const value = { s: 'x', n: 1.5, neg: -3, t: true, f: false, z: null, a: [1, 'two', { three: 3 }], o: { nested: { deep: [] } } };
      store.put('s', 'v', value);
      assert.deepEqual(store.get('s', 'v'), value);
      store.put('s', 'str', 'just a string');
      assert.equal(store.get('s', 'str'), 'just a string');
    },
  ],
];

storeSuite('KvStore', implementations, cases);
