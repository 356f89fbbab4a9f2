/**
 * The one SessionsStore suite: every case runs against the memory and the
 * SQLite store, so both answer every query the same way.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ApiError } from '../errors.js';
import { SqliteFile } from '../store/sqlite.js';
import { storeSuite } from '../testing/store-suite.js';
import { MemorySessionsStore } from './memory-store.js';
import { SqliteSessionsStore } from './sqlite-store.js';
import { type SessionQuery, type SessionRecord, type SessionsStore, summaryOf } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'apitwin-sessions-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const implementations: Array<[string, () => SessionsStore]> = [
  ['memory', () => new MemorySessionsStore()],
  ['sqlite', () => SqliteSessionsStore.open(join(dir, `sessions-${++files}.db`))],
];

const minute = (m: number) => new Date(Date.UTC(2024, 4, 1, 10, m)).toISOString();

function session(id: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    user_id: 'u1',
    user_name: 'User One',
    active: true,
    open_time: minute(0),
    request_time: minute(0),
    address: '10.0.0.1',
    client: 'test',
    user: { id: 'u1', roles: ['user'] },
    data: { cart: [1, 2] },
    ...overrides,
  };
}

/** Six sessions over three users, opened in id order, with request times one minute apart. */
function seed(store: SessionsStore): void {
  const users = ['u1', 'u2', 'u1', 'u3', 'u1', 'u2'];
  users.forEach((user_id, i) => {
    store.insert(session(`s${i}`, { user_id, request_time: minute(i), active: i % 3 !== 2 }));
  });
}

const ids = (list: { id: string }[]) => list.map((s) => s.id);

const cases: Array<[string, (store: SessionsStore) => void]> = [
  [
    'a session put in is read back equal, user and data included; an unknown id is undefined',
    (store) => {
      const s = session('a');
      store.insert(s);
      assert.deepEqual(store.get('a'), s);
      assert.equal(store.get('nope'), undefined);
    },
  ],
  [
    'null fields and a close time round-trip as they were',
    (store) => {
      const s = session('a', {
        user_name: null,
        address: null,
        client: null,
        user: null,
        data: null,
        active: false,
        close_time: minute(5),
      });
      store.insert(s);
      assert.deepEqual(store.get('a'), s);
      assert.deepEqual(store.find({}, 0, undefined), [summaryOf(s)]);
    },
  ],
  [
    'find lists sessions in the order they were opened, without user and data',
    (store) => {
      seed(store);
      const all = store.find({}, 0, undefined);
      assert.deepEqual(ids(all), ['s0', 's1', 's2', 's3', 's4', 's5']);
      for (const s of all) {
        assert.ok(!('user' in s) && !('data' in s));
        assert.deepEqual(s, summaryOf(store.get(s.id) as SessionRecord));
      }
    },
  ],
  [
    'find skips and takes within the matching sessions',
    (store) => {
      seed(store);
      assert.deepEqual(ids(store.find({ user_id: 'u1' }, 0, 2)), ['s0', 's2']);
      assert.deepEqual(ids(store.find({ user_id: 'u1' }, 1, 2)), ['s2', 's4']);
      assert.deepEqual(ids(store.find({ user_id: 'u1' }, 3, 2)), []);
      assert.deepEqual(ids(store.find({}, 4, undefined)), ['s4', 's5']);
      assert.deepEqual(ids(store.find({}, 0, 0)), []);
    },
  ],
  [
    'every filter field narrows the result, and count agrees with find',
    (store) => {
      seed(store);
      const table: Array<[SessionQuery, string[]]> = [
        [{}, ['s0', 's1', 's2', 's3', 's4', 's5']],
        [{ id: 's3' }, ['s3']],
        [{ id: 'nope' }, []],
        [{ user_id: 'u2' }, ['s1', 's5']],
        [{ active: false }, ['s2', 's5']],
        [{ active: true, user_id: 'u1' }, ['s0', 's4']],
        // from_time <= request_time < to_time: the intended meaning, not the real service's reversed one
        [{ from_time: minute(2) }, ['s2', 's3', 's4', 's5']],
        [{ to_time: minute(2) }, ['s0', 's1']],
        [{ from_time: minute(1), to_time: minute(3) }, ['s1', 's2']],
        [{ from_time: minute(3), to_time: minute(3) }, []],
        [{ user_id: 'u1', active: true, from_time: minute(1), to_time: minute(9) }, ['s4']],
      ];
      for (const [query, want] of table) {
        assert.deepEqual(ids(store.find(query, 0, undefined)), want, JSON.stringify(query));
        assert.equal(store.count(query), want.length, `count ${JSON.stringify(query)}`);
      }
    },
  ],
  [
    'an id in use is refused with a conflict and the stored session stays',
    (store) => {
      store.insert(session('a'));
      assert.throws(
        () => store.insert(session('a', { user_id: 'other' })),
        (err: unknown) => err instanceof ApiError && err.status === 409,
      );
      assert.equal(store.get('a')?.user_id, 'u1');
      assert.equal(store.count({}), 1);
    },
  ],
  [
    'replace changes a session in place (its place in the order kept) and says false for an unknown id',
    (store) => {
      seed(store);
      const changed = { ...session('s1', { user_id: 'u2', request_time: minute(30) }), data: { new: true }, user: null };
      assert.equal(store.replace(changed), true);
      assert.deepEqual(store.get('s1'), changed);
      assert.deepEqual(ids(store.find({}, 0, undefined)), ['s0', 's1', 's2', 's3', 's4', 's5']);
      assert.equal(store.replace(session('nope')), false);
      assert.equal(store.get('nope'), undefined);
    },
  ],
  [
    'delete returns the session as it was, then it is gone; an unknown id is undefined',
    (store) => {
      seed(store);
      const before = store.get('s2');
      assert.deepEqual(store.delete('s2'), before);
      assert.equal(store.get('s2'), undefined);
      assert.equal(store.delete('s2'), undefined);
      assert.deepEqual(ids(store.find({}, 0, undefined)), ['s0', 's1', 's3', 's4', 's5']);
    },
  ],
  [
    'a session read cannot change what is stored',
    (store) => {
      store.insert(session('a'));
      const read = store.get('a');
      if (read?.data && typeof read.data === 'object') (read.data as Record<string, unknown>).cart = 'changed';
      const listed = store.find({}, 0, undefined)[0];
      if (listed) listed.user_id = 'changed';
      assert.deepEqual(store.get('a'), session('a'));
    },
  ],
  [
    'a transaction that throws keeps none of its writes, order included',
    (store) => {
      seed(store);
      const before = store.find({}, 0, undefined);
      assert.throws(() =>
        store.transaction(() => {
          store.insert(session('new'));
          store.replace(session('s0', { active: false }));
          store.delete('s1');
          store.clear();
          throw new Error('refused');
        }),
      );
      assert.deepEqual(store.find({}, 0, undefined), before);
      assert.equal(store.get('s0')?.active, true);
    },
  ],
  [
    'clear removes every session',
    (store) => {
      seed(store);
      store.clear();
      assert.equal(store.count({}), 0);
      store.insert(session('again'));
      assert.deepEqual(ids(store.find({}, 0, undefined)), ['again']);
    },
  ],
];

storeSuite('SessionsStore', implementations, cases);

describe('SessionsStore (sqlite) over many sessions', () => {
  test('get_sessions by user reads through the user index in opening order, without sorting', () => {
    const file = SqliteFile.open(join(dir, 'plan.db'));
    const store = new SqliteSessionsStore(file);
    try {
      // The query the benchmark times: it must not scan the table nor build a temporary sort.
      const plan = file.db
        .prepare("EXPLAIN QUERY PLAN SELECT id FROM pip_sessions WHERE user_id = 'u1' ORDER BY seq LIMIT 20 OFFSET 0")
        .all() as { detail: string }[];
      const details = plan.map((p) => p.detail).join(' | ');
      assert.match(details, /USING INDEX pip_sessions_by_user/);
      assert.doesNotMatch(details, /TEMP B-TREE/);
    } finally {
      store.close();
      file.release();
    }
  });
});
