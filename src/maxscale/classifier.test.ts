import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ClassifyAttributes, classify, typemaskToString } from './classifier.js';

type Want = ClassifyAttributes;

/** The whole expected answer, so a stray field or function fails the test too. */
const want = (
  parse_result: Want['parse_result'],
  type_mask: string,
  operation: string,
  extra: Partial<Pick<Want, 'has_where_clause' | 'fields' | 'functions'>> = {},
): Want => ({ parse_result, type_mask, operation, has_where_clause: false, fields: [], functions: [], ...extra });

const parsed = (type_mask: string, operation: string, extra: Parameters<typeof want>[3] = {}) =>
  want('QC_QUERY_PARSED', type_mask, operation, extra);

const fn = (name: string, ...args: string[]) => ({ name, arguments: args });

const tests: [string, { given: string; want: Want }][] = [
  // The one example Resources-MaxScale.md gives; it must hold exactly.
  ['the documented SELECT 1 example', { given: 'SELECT 1', want: parsed('QUERY_TYPE_READ', 'QUERY_OP_SELECT') }],
  [
    'a function with its field arguments and a WHERE clause',
    {
      given: 'SELECT concat(a, b) FROM t WHERE id = 1',
      want: parsed('QUERY_TYPE_READ', 'QUERY_OP_SELECT', {
        has_where_clause: true,
        fields: ['a', 'b', 'id'],
        functions: [fn('concat', 'a', 'b'), fn('=', 'id')],
      }),
    },
  ],
  [
    'qualified fields as written, deduplicated, without * or aliases',
    {
      given: 'SELECT t.a, db.u.b AS x, t.a, * FROM t JOIN db.u ON t.id = db.u.id ORDER BY x',
      want: parsed('QUERY_TYPE_READ', 'QUERY_OP_SELECT', {
        fields: ['t.a', 'db.u.b', 't.id', 'db.u.id'],
        functions: [fn('=', 't.id', 'db.u.id')],
      }),
    },
  ],
  [
    'COUNT(*) is a function without field arguments',
    { given: 'SELECT COUNT(*) FROM t', want: parsed('QUERY_TYPE_READ', 'QUERY_OP_SELECT', { functions: [fn('count')] }) },
  ],
  [
    'a WHERE in a subquery counts, and its fields are collected',
    {
      given: 'SELECT a FROM t WHERE a IN (SELECT b FROM u WHERE c > 1)',
      want: parsed('QUERY_TYPE_READ', 'QUERY_OP_SELECT', {
        has_where_clause: true,
        fields: ['a', 'b', 'c'],
        functions: [fn('in', 'a'), fn('>', 'c')],
      }),
    },
  ],
  [
    'user and system variables read by a SELECT',
    {
      given: 'SELECT @@version, @x',
      want: parsed('QUERY_TYPE_READ|QUERY_TYPE_USERVAR_READ|QUERY_TYPE_SYSVAR_READ', 'QUERY_OP_SELECT'),
    },
  ],
  [
    'a global system variable and @@identity',
    {
      given: 'SELECT @@global.max_connections, @@identity',
      want: parsed('QUERY_TYPE_READ|QUERY_TYPE_MASTER_READ|QUERY_TYPE_GSYSVAR_READ', 'QUERY_OP_SELECT'),
    },
  ],
  [
    'LAST_INSERT_ID() must be read from the master',
    {
      given: 'SELECT LAST_INSERT_ID()',
      want: parsed('QUERY_TYPE_READ|QUERY_TYPE_MASTER_READ', 'QUERY_OP_SELECT', { functions: [fn('last_insert_id')] }),
    },
  ],
  [
    'a stored function may write, so the SELECT is a write too',
    {
      given: 'SELECT my_func(a) FROM t',
      want: parsed('QUERY_TYPE_READ|QUERY_TYPE_WRITE', 'QUERY_OP_SELECT', { fields: ['a'], functions: [fn('my_func', 'a')] }),
    },
  ],
  [
    'a locking read is a write',
    {
      given: 'SELECT a FROM t WHERE id = 1 FOR UPDATE',
      want: parsed('QUERY_TYPE_WRITE', 'QUERY_OP_SELECT', { has_where_clause: true, fields: ['a', 'id'], functions: [fn('=', 'id')] }),
    },
  ],
  [
    'SELECT … INTO a variable is a system variable write, as qc_sqlite types it',
    { given: 'SELECT a INTO @v FROM t', want: parsed('QUERY_TYPE_GSYSVAR_WRITE', 'QUERY_OP_SELECT', { fields: ['a'] }) },
  ],
  [
    'INSERT reports its column list',
    { given: 'INSERT INTO t (a, b) VALUES (1, 2)', want: parsed('QUERY_TYPE_WRITE', 'QUERY_OP_INSERT', { fields: ['a', 'b'] }) },
  ],
  [
    'INSERT … SELECT with a user variable',
    {
      given: 'INSERT INTO t (a) SELECT b FROM u WHERE c = @x',
      want: parsed('QUERY_TYPE_WRITE|QUERY_TYPE_USERVAR_READ', 'QUERY_OP_INSERT', {
        has_where_clause: true,
        fields: ['a', 'b', 'c'],
        functions: [fn('=', 'c')],
      }),
    },
  ],
  [
    'UPDATE with a WHERE clause',
    {
      given: 'UPDATE t SET a = a + 1 WHERE b = 2',
      want: parsed('QUERY_TYPE_WRITE', 'QUERY_OP_UPDATE', {
        has_where_clause: true,
        fields: ['a', 'b'],
        functions: [fn('+', 'a'), fn('=', 'b')],
      }),
    },
  ],
  ['DELETE without a WHERE clause', { given: 'DELETE FROM t', want: parsed('QUERY_TYPE_WRITE', 'QUERY_OP_DELETE') }],
  [
    'CREATE TABLE commits implicitly',
    { given: 'CREATE TABLE t (id INT PRIMARY KEY)', want: parsed('QUERY_TYPE_WRITE|QUERY_TYPE_COMMIT', 'QUERY_OP_CREATE') },
  ],
  [
    'CREATE TEMPORARY TABLE does not commit',
    { given: 'CREATE TEMPORARY TABLE t (a INT)', want: parsed('QUERY_TYPE_WRITE|QUERY_TYPE_CREATE_TMP_TABLE', 'QUERY_OP_CREATE') },
  ],
  ['DROP TABLE', { given: 'DROP TABLE IF EXISTS t, u', want: parsed('QUERY_TYPE_WRITE|QUERY_TYPE_COMMIT', 'QUERY_OP_DROP') }],
  ['ALTER TABLE', { given: 'ALTER TABLE t ADD COLUMN c INT', want: parsed('QUERY_TYPE_WRITE|QUERY_TYPE_COMMIT', 'QUERY_OP_ALTER') }],
  ['TRUNCATE', { given: 'TRUNCATE TABLE t', want: parsed('QUERY_TYPE_WRITE|QUERY_TYPE_COMMIT', 'QUERY_OP_TRUNCATE') }],
  [
    'SET autocommit=0 starts a transaction',
    {
      given: 'SET autocommit=0',
      want: parsed('QUERY_TYPE_SESSION_WRITE|QUERY_TYPE_BEGIN_TRX|QUERY_TYPE_DISABLE_AUTOCOMMIT', 'QUERY_OP_SET'),
    },
  ],
  [
    'SET autocommit=ON commits',
    {
      given: 'SET autocommit = ON',
      want: parsed('QUERY_TYPE_SESSION_WRITE|QUERY_TYPE_ENABLE_AUTOCOMMIT|QUERY_TYPE_COMMIT', 'QUERY_OP_SET'),
    },
  ],
  ['SET of a user variable', { given: 'SET @x = 1', want: parsed('QUERY_TYPE_USERVAR_WRITE', 'QUERY_OP_SET') }],
  ['SET of a global variable', { given: 'SET GLOBAL max_connections = 100', want: parsed('QUERY_TYPE_GSYSVAR_WRITE', 'QUERY_OP_SET') }],
  ['SET of a session variable', { given: "SET SESSION sql_mode = ''", want: parsed('QUERY_TYPE_SESSION_WRITE', 'QUERY_OP_SET') }],
  ['SET NAMES', { given: 'SET NAMES utf8mb4', want: parsed('QUERY_TYPE_SESSION_WRITE', 'QUERY_OP_SET') }],
  ['BEGIN', { given: 'BEGIN', want: parsed('QUERY_TYPE_BEGIN_TRX', 'QUERY_OP_UNDEFINED') }],
  [
    'START TRANSACTION READ ONLY',
    { given: 'START TRANSACTION READ ONLY', want: parsed('QUERY_TYPE_BEGIN_TRX|QUERY_TYPE_READONLY', 'QUERY_OP_UNDEFINED') },
  ],
  ['COMMIT', { given: 'COMMIT', want: parsed('QUERY_TYPE_COMMIT', 'QUERY_OP_UNDEFINED') }],
  ['COMMIT WORK', { given: 'COMMIT WORK', want: parsed('QUERY_TYPE_COMMIT', 'QUERY_OP_UNDEFINED') }],
  ['ROLLBACK', { given: 'ROLLBACK', want: parsed('QUERY_TYPE_ROLLBACK', 'QUERY_OP_UNDEFINED') }],
  ['USE changes the default database', { given: 'USE test', want: parsed('QUERY_TYPE_SESSION_WRITE', 'QUERY_OP_CHANGE_DB') }],
  ['SHOW COLUMNS', { given: 'SHOW COLUMNS FROM t', want: parsed('QUERY_TYPE_READ', 'QUERY_OP_SHOW') }],
  ['SHOW DATABASES', { given: 'SHOW DATABASES', want: parsed('QUERY_TYPE_SHOW_DATABASES', 'QUERY_OP_SHOW') }],
  ['SHOW FULL TABLES', { given: "SHOW FULL TABLES FROM db LIKE 'a%'", want: parsed('QUERY_TYPE_SHOW_TABLES', 'QUERY_OP_SHOW') }],
  ['SHOW VARIABLES', { given: "SHOW VARIABLES LIKE 'max%'", want: parsed('QUERY_TYPE_SYSVAR_READ', 'QUERY_OP_SHOW') }],
  ['SHOW GLOBAL VARIABLES', { given: 'SHOW GLOBAL VARIABLES', want: parsed('QUERY_TYPE_GSYSVAR_READ', 'QUERY_OP_SHOW') }],
  [
    'EXPLAIN reports the explained statement',
    {
      given: 'EXPLAIN SELECT a FROM t WHERE b > 1',
      want: parsed('QUERY_TYPE_READ', 'QUERY_OP_EXPLAIN', { has_where_clause: true, fields: ['a', 'b'], functions: [fn('>', 'b')] }),
    },
  ],
  ['CALL', { given: 'CALL p(a, @x)', want: parsed('QUERY_TYPE_WRITE|QUERY_TYPE_USERVAR_READ', 'QUERY_OP_CALL', { fields: ['a'] }) }],
  ['GRANT', { given: "GRANT SELECT ON db.* TO 'u'@'%'", want: parsed('QUERY_TYPE_WRITE', 'QUERY_OP_GRANT') }],
  ['REVOKE', { given: "REVOKE SELECT ON db.* FROM 'u'@'%'", want: parsed('QUERY_TYPE_WRITE', 'QUERY_OP_REVOKE') }],
  ['LOAD DATA', { given: "LOAD DATA INFILE '/tmp/t.csv' INTO TABLE t", want: parsed('QUERY_TYPE_WRITE', 'QUERY_OP_LOAD') }],
  ['PREPARE', { given: "PREPARE stmt FROM 'SELECT 1'", want: parsed('QUERY_TYPE_PREPARE_NAMED_STMT', 'QUERY_OP_UNDEFINED') }],
  [
    'EXECUTE with user variables',
    { given: 'EXECUTE stmt USING @a, @b', want: parsed('QUERY_TYPE_WRITE|QUERY_TYPE_USERVAR_READ', 'QUERY_OP_EXECUTE') },
  ],
  ['DEALLOCATE PREPARE', { given: 'DEALLOCATE PREPARE stmt', want: parsed('QUERY_TYPE_DEALLOC_PREPARE', 'QUERY_OP_UNDEFINED') }],
  [
    'comments and a trailing semicolon are ignored',
    { given: '/* hint */ SELECT 1; -- done', want: parsed('QUERY_TYPE_READ', 'QUERY_OP_SELECT') },
  ],
  [
    'only the first of several statements is classified',
    { given: 'SELECT 1; DELETE FROM t', want: parsed('QUERY_TYPE_READ', 'QUERY_OP_SELECT') },
  ],
  // Parse failures, answered as qc_sqlite does.
  ['a misspelt keyword is invalid', { given: 'SELEC 1', want: want('QC_QUERY_INVALID', 'QUERY_TYPE_UNKNOWN', 'QUERY_OP_UNDEFINED') }],
  [
    'a broken SELECT is only tokenized, typed from its keyword',
    { given: 'SELECT FROM WHERE', want: want('QC_QUERY_TOKENIZED', 'QUERY_TYPE_READ', 'QUERY_OP_SELECT') },
  ],
  [
    'a broken UPDATE is only tokenized',
    { given: 'UPDATE SET WHERE', want: want('QC_QUERY_TOKENIZED', 'QUERY_TYPE_WRITE', 'QUERY_OP_UPDATE') },
  ],
  [
    'a broken DDL statement keeps its implicit commit',
    { given: 'CREATE TABLE (', want: want('QC_QUERY_TOKENIZED', 'QUERY_TYPE_WRITE|QUERY_TYPE_COMMIT', 'QUERY_OP_CREATE') },
  ],
  ['an empty statement is invalid', { given: '  ', want: want('QC_QUERY_INVALID', 'QUERY_TYPE_UNKNOWN', 'QUERY_OP_UNDEFINED') }],
  ['a comment alone is invalid', { given: '-- nothing here', want: want('QC_QUERY_INVALID', 'QUERY_TYPE_UNKNOWN', 'QUERY_OP_UNDEFINED') }],
  ['plain text is invalid', { given: 'hello world', want: want('QC_QUERY_INVALID', 'QUERY_TYPE_UNKNOWN', 'QUERY_OP_UNDEFINED') }],
];

describe('query classifier', () => {
  for (const [name, { given, want: expected }] of tests) {
    test(`${name}: ${JSON.stringify(given)}`, () => {
      assert.deepEqual(classify(given), expected);
    });
  }

  test('every operation the twin documents is produced by some statement', () => {
    const operations = new Set(tests.map(([, t]) => t.want.operation));
    for (const op of [
      'SELECT',
      'INSERT',
      'UPDATE',
      'DELETE',
      'CREATE',
      'DROP',
      'ALTER',
      'SET',
      'SHOW',
      'EXPLAIN',
      'CALL',
      'GRANT',
      'REVOKE',
      'TRUNCATE',
      'CHANGE_DB',
      'LOAD',
      'EXECUTE',
      'UNDEFINED',
    ]) {
      assert.ok(operations.has(`QUERY_OP_${op}`), `no test classifies a statement as QUERY_OP_${op}`);
    }
  });

  test('an empty type mask prints as QUERY_TYPE_UNKNOWN, as qc_typemask_to_string does', () => {
    assert.equal(typemaskToString(0), 'QUERY_TYPE_UNKNOWN');
  });

  // The endpoint passes user input straight in; no input may make it throw.
  test('nothing a user sends makes it throw', () => {
    for (const sql of ["'", '"unterminated', '/* open comment', 'SELECT (((', '\u0000', ';;;', 'SELECT * FROM t WHERE a = ?']) {
      const r = classify(sql);
      assert.ok(['QC_QUERY_PARSED', 'QC_QUERY_INVALID', 'QC_QUERY_TOKENIZED'].includes(r.parse_result), sql);
    }
  });
});
