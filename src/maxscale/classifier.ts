/**
 * The twin's query classifier (`GET /maxscale/query_classifier/classify`).
 * Statements are parsed for real with node-sql-parser (its MariaDB grammar,
 * then its MySQL one, which accepts a few forms MariaDB also takes, such as
 * `LOCK IN SHARE MODE` and `CREATE TABLE … AS SELECT`), and the AST is read
 * the way MaxScale 2.3's qc_sqlite reads its own parse tree.
 *
 * How a statement is answered, in order:
 * 1. node-sql-parser parses it: `QC_QUERY_PARSED`, with the type mask,
 *    operation, WHERE flag, fields and functions read from the AST. Only the
 *    first statement of a multi-statement string is classified, as qc_sqlite
 *    stops after the first one.
 * 2. node-sql-parser refuses it, but the whole statement matches one of the
 *    keyword-only grammars below (statements without expressions that the
 *    npm grammar lacks: `SHOW VARIABLES`, `SET NAMES`, `PREPARE`/`EXECUTE`,
 *    `REVOKE`, `COMMIT WORK`, savepoints…): `QC_QUERY_PARSED` too, because
 *    the regular expression is that statement's complete grammar.
 * 3. Otherwise, when the first word is a statement keyword MaxScale knows
 *    (`SELECT FROM WHERE`): `QC_QUERY_TOKENIZED`, with the type mask and
 *    operation qc_sqlite derives from that keyword alone, and no fields,
 *    functions or WHERE clause.
 * 4. Otherwise (`SELEC 1`, an empty string): `QC_QUERY_INVALID`,
 *    `QUERY_TYPE_UNKNOWN`, `QUERY_OP_UNDEFINED`.
 * Nothing throws: a parser crash is a refusal like any other.
 *
 * Type masks follow qc_sqlite (judgement calls are marked):
 * - SELECT → READ; reading `@v` adds USERVAR_READ, `@@v` SYSVAR_READ,
 *   `@@global.v` GSYSVAR_READ, `@@identity`/`@@last_insert_id` MASTER_READ;
 *   `LAST_INSERT_ID()` adds MASTER_READ; a function that is not a MariaDB
 *   built-in (a stored function) or a sequence function adds WRITE, as
 *   qc_sqlite's builtin-function check does. `SELECT … INTO` is
 *   GSYSVAR_WRITE ("mysql embedded considers it a system var write", says
 *   qc_sqlite). Judgement: a locking read (`FOR UPDATE`, `LOCK IN SHARE
 *   MODE`) is WRITE, since it takes row locks and must run on the master.
 * - INSERT/REPLACE/UPDATE/DELETE/CALL/GRANT/REVOKE/LOAD/EXECUTE → WRITE.
 * - CREATE/ALTER/DROP/RENAME/TRUNCATE → WRITE|COMMIT (DDL commits the open
 *   transaction implicitly); `CREATE TEMPORARY TABLE` → WRITE|CREATE_TMP_TABLE
 *   and `DROP TEMPORARY TABLE` → WRITE, since temporary tables do not commit.
 * - SET: `@x=` → USERVAR_WRITE, session variables → SESSION_WRITE, `GLOBAL`
 *   or `@@global.` → GSYSVAR_WRITE; `autocommit=1` adds
 *   ENABLE_AUTOCOMMIT|COMMIT and `autocommit=0` BEGIN_TRX|DISABLE_AUTOCOMMIT
 *   (MaxScale tracks the implicit transaction that way). `SET NAMES` →
 *   SESSION_WRITE; `SET TRANSACTION` → SESSION_WRITE|NEXT_TRX, or
 *   GSYSVAR_WRITE with GLOBAL/SESSION.
 * - BEGIN/START TRANSACTION → BEGIN_TRX (+READONLY/READWRITE), COMMIT →
 *   COMMIT, ROLLBACK → ROLLBACK, all with QUERY_OP_UNDEFINED as in qc_sqlite;
 *   savepoints → SESSION_WRITE.
 * - USE → SESSION_WRITE with QUERY_OP_CHANGE_DB.
 * - SHOW → READ with QUERY_OP_SHOW, except the types qc_sqlite gives:
 *   `SHOW DATABASES` → SHOW_DATABASES, `SHOW TABLES` → SHOW_TABLES,
 *   `SHOW VARIABLES` → SYSVAR_READ (GSYSVAR_READ with GLOBAL). DESCRIBE is a
 *   SHOW; EXPLAIN is READ with QUERY_OP_EXPLAIN and the explained
 *   statement's fields and functions.
 * - PREPARE → PREPARE_NAMED_STMT, DEALLOCATE PREPARE → DEALLOC_PREPARE.
 *
 * Fields are column references as written (`a`, `t.a`, `db.t.a`), in order
 * of appearance, deduplicated, without `*`, `t.*` or select-list aliases used
 * in GROUP BY/HAVING/ORDER BY. Functions are named in lower case and list the
 * fields found in their arguments; like qc_sqlite, comparison, arithmetic
 * and bit operators (`=`, `<>`, `+`, `between`, `in`, `like`…) count as
 * functions. `has_where_clause` is true when any SELECT, UPDATE or DELETE
 * of the statement, subqueries included, has a WHERE.
 */
import { createRequire } from 'node:module';
import type NodeSqlParser from 'node-sql-parser';

export type ParseResult = 'QC_QUERY_PARSED' | 'QC_QUERY_INVALID' | 'QC_QUERY_TOKENIZED' | 'QC_QUERY_PARTIALLY_PARSED';

export interface FunctionInfo {
  name: string;
  arguments: string[];
}

export interface ClassifyAttributes {
  parse_result: ParseResult;
  /** Type names joined with `|` in MaxScale's order, as qc_typemask_to_string prints them. */
  type_mask: string;
  operation: string;
  has_where_clause: boolean;
  fields: string[];
  functions: FunctionInfo[];
}

// ---- type mask ---------------------------------------------------------------

/** MaxScale 2.3's qc_query_type_t, in the order qc_typemask_to_string prints it. */
const TYPES = [
  'LOCAL_READ',
  'READ',
  'WRITE',
  'MASTER_READ',
  'SESSION_WRITE',
  'USERVAR_WRITE',
  'USERVAR_READ',
  'SYSVAR_READ',
  'GSYSVAR_READ',
  'GSYSVAR_WRITE',
  'BEGIN_TRX',
  'ENABLE_AUTOCOMMIT',
  'DISABLE_AUTOCOMMIT',
  'ROLLBACK',
  'COMMIT',
  'PREPARE_NAMED_STMT',
  'PREPARE_STMT',
  'EXEC_STMT',
  'CREATE_TMP_TABLE',
  'READ_TMP_TABLE',
  'SHOW_DATABASES',
  'SHOW_TABLES',
  'DEALLOC_PREPARE',
  'READONLY',
  'READWRITE',
  'NEXT_TRX',
] as const;
type TypeName = (typeof TYPES)[number];

/** One bit per type; the values only need to be distinct, the order above is what is printed. */
const T = Object.fromEntries(TYPES.map((name, i) => [name, 2 ** i])) as Record<TypeName, number>;

export function typemaskToString(mask: number): string {
  const names = TYPES.filter((name) => (mask & T[name]) !== 0).map((name) => `QUERY_TYPE_${name}`);
  return names.length === 0 ? 'QUERY_TYPE_UNKNOWN' : names.join('|');
}

type Operation =
  | 'SELECT'
  | 'INSERT'
  | 'UPDATE'
  | 'DELETE'
  | 'CREATE'
  | 'DROP'
  | 'ALTER'
  | 'SET'
  | 'SHOW'
  | 'EXPLAIN'
  | 'CALL'
  | 'GRANT'
  | 'REVOKE'
  | 'TRUNCATE'
  | 'CHANGE_DB'
  | 'LOAD'
  | 'EXECUTE'
  | 'UNDEFINED';

interface Kind {
  mask: number;
  op: Operation;
}

const kind = (mask: number, op: Operation = 'UNDEFINED'): Kind => ({ mask, op });

// ---- tokenizing ----------------------------------------------------------------

/**
 * Removes comments (`-- `, `#`, `/* … *\/`) outside quotes, collapses
 * whitespace and drops trailing semicolons, for the keyword rules.
 */
function normalize(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < sql.length && sql[j] !== c) j += sql[j] === '\\' && c !== '`' ? 2 : 1;
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === '#' || (c === '-' && next === '-' && (sql[i + 2] === undefined || /\s/.test(sql[i + 2] as string)))) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
      out += ' ';
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
      out += ' ';
    } else {
      out += c;
      i++;
    }
  }
  return out
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/(\s*;)+$/, '');
}

/** The statement's first word, upper-cased ('' when there is none). */
function firstWord(normalized: string): string {
  return /^\(*\s*([A-Za-z_]+)/.exec(normalized)?.[1]?.toUpperCase() ?? '';
}

/** What qc_sqlite derives from the leading keyword alone (a TOKENIZED answer). */
function keywordKind(normalized: string): Kind | undefined {
  const word = firstWord(normalized);
  const second = /^\(*\s*[A-Za-z_]+\s+([A-Za-z_]+)/.exec(normalized)?.[1]?.toUpperCase();
  switch (word) {
    case 'SELECT':
    case 'WITH':
      return kind(T.READ, 'SELECT');
    case 'INSERT':
    case 'REPLACE':
      return kind(T.WRITE, 'INSERT');
    case 'UPDATE':
      return kind(T.WRITE, 'UPDATE');
    case 'DELETE':
      return kind(T.WRITE, 'DELETE');
    case 'CREATE':
      return kind(T.WRITE | T.COMMIT, 'CREATE');
    case 'ALTER':
    case 'RENAME':
      return kind(T.WRITE | T.COMMIT, 'ALTER');
    case 'DROP':
      return kind(T.WRITE | T.COMMIT, 'DROP');
    case 'TRUNCATE':
      return kind(T.WRITE | T.COMMIT, 'TRUNCATE');
    case 'SET':
      return kind(T.SESSION_WRITE, 'SET');
    case 'SHOW':
      return kind(T.READ, 'SHOW');
    case 'DESC':
    case 'DESCRIBE':
    case 'EXPLAIN':
      return kind(T.READ, 'EXPLAIN');
    case 'CALL':
      return kind(T.WRITE, 'CALL');
    case 'GRANT':
      return kind(T.WRITE, 'GRANT');
    case 'REVOKE':
      return kind(T.WRITE, 'REVOKE');
    case 'LOAD':
      return kind(T.WRITE, 'LOAD');
    case 'EXECUTE':
      return kind(T.WRITE, 'EXECUTE');
    case 'PREPARE':
      return kind(T.PREPARE_NAMED_STMT);
    case 'DEALLOCATE':
      return kind(T.DEALLOC_PREPARE);
    case 'USE':
      return kind(T.SESSION_WRITE, 'CHANGE_DB');
    case 'BEGIN':
      return kind(T.BEGIN_TRX);
    case 'START':
      return second === 'TRANSACTION' ? kind(T.BEGIN_TRX) : kind(T.WRITE);
    case 'COMMIT':
      return kind(T.COMMIT);
    case 'ROLLBACK':
      return kind(T.ROLLBACK);
    case 'SAVEPOINT':
    case 'RELEASE':
      return kind(T.SESSION_WRITE);
    // Statements MaxScale knows but types conservatively: they go to the master.
    case 'LOCK':
    case 'UNLOCK':
    case 'FLUSH':
    case 'KILL':
    case 'HANDLER':
    case 'OPTIMIZE':
    case 'ANALYZE':
    case 'CHECK':
    case 'REPAIR':
    case 'INSTALL':
    case 'UNINSTALL':
    case 'RESET':
    case 'PURGE':
    case 'CHANGE':
    case 'STOP':
    case 'XA':
      return kind(T.WRITE);
    default:
      return undefined;
  }
}

// ---- keyword-only grammars -------------------------------------------------------

const ID = '(?:`[^`]+`|[A-Za-z0-9_$]+)';
const STR = `(?:'(?:[^'\\\\]|\\\\.|'')*'|"(?:[^"\\\\]|\\\\.|"")*")`;
const NAME = `${ID}(?:\\.${ID})?`;
const USER = `(?:${STR}|${ID})(?:@(?:${STR}|${ID}))?`;
const LIKE = `(?:\\s+LIKE\\s+${STR})?`;
const FROM_DB = `(?:\\s+(?:FROM|IN)\\s+${ID})?`;
const ISOLATION = '(?:ISOLATION LEVEL (?:READ UNCOMMITTED|READ COMMITTED|REPEATABLE READ|SERIALIZABLE)|READ ONLY|READ WRITE)';
const CHAIN = '(?: AND (?:NO )?CHAIN)?(?: (?:NO )?RELEASE)?';

const rule = (pattern: string, result: (m: RegExpExecArray) => Kind): [RegExp, (m: RegExpExecArray) => Kind] => [
  new RegExp(`^${pattern}$`, 'i'),
  result,
];

/**
 * Complete grammars of statements without expressions that node-sql-parser
 * does not accept; matching one is a full parse (see the header).
 */
const KEYWORD_STATEMENTS = [
  rule(`SHOW (?:FULL )?TABLES${FROM_DB}${LIKE}`, () => kind(T.SHOW_TABLES, 'SHOW')),
  rule(`SHOW (?:DATABASES|SCHEMAS)${LIKE}`, () => kind(T.SHOW_DATABASES, 'SHOW')),
  rule(`SHOW (?:(GLOBAL|SESSION|LOCAL) )?VARIABLES${LIKE}`, (m) =>
    kind(m[1]?.toUpperCase() === 'GLOBAL' ? T.GSYSVAR_READ : T.SYSVAR_READ, 'SHOW'),
  ),
  rule(`SHOW (?:(?:GLOBAL|SESSION|LOCAL) )?STATUS${LIKE}`, () => kind(T.READ, 'SHOW')),
  rule(`SHOW TABLE STATUS${FROM_DB}${LIKE}`, () => kind(T.READ, 'SHOW')),
  rule('SHOW (?:SLAVE|MASTER|ALL SLAVES) STATUS', () => kind(T.READ, 'SHOW')),
  rule('SHOW (?:WARNINGS|ERRORS)(?: LIMIT \\d+(?: ?, ?\\d+)?)?', () => kind(T.READ, 'SHOW')),
  rule(`SHOW (?:ENGINES|PLUGINS|PRIVILEGES|COLLATION|CHARACTER SET|(?:FULL )?PROCESSLIST)${LIKE}`, () => kind(T.READ, 'SHOW')),
  rule(`SET NAMES (?:${ID}|${STR})(?: COLLATE (?:${ID}|${STR}))?`, () => kind(T.SESSION_WRITE, 'SET')),
  rule(`SET CHARACTER SET (?:${ID}|${STR})`, () => kind(T.SESSION_WRITE, 'SET')),
  rule(`SET (?:(GLOBAL|SESSION) )?TRANSACTION ${ISOLATION}(?: ?, ?${ISOLATION})*`, (m) =>
    kind(m[1] ? T.GSYSVAR_WRITE : T.SESSION_WRITE | T.NEXT_TRX, 'SET'),
  ),
  rule(`PREPARE ${ID} FROM (?:${STR}|@${ID})`, () => kind(T.PREPARE_NAMED_STMT)),
  rule(`EXECUTE ${ID}( USING @${ID}(?: ?, ?@${ID})*)?`, (m) => kind(T.WRITE | (m[1] ? T.USERVAR_READ : 0), 'EXECUTE')),
  rule(`(?:DEALLOCATE|DROP) PREPARE ${ID}`, () => kind(T.DEALLOC_PREPARE)),
  rule(`(?:SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK(?: WORK)? TO(?: SAVEPOINT)?) ${ID}`, () => kind(T.SESSION_WRITE)),
  rule(`COMMIT(?: WORK)?${CHAIN}`, () => kind(T.COMMIT)),
  rule(`ROLLBACK(?: WORK)?${CHAIN}`, () => kind(T.ROLLBACK)),
  rule('START TRANSACTION WITH CONSISTENT SNAPSHOT(?: ?, ?READ (ONLY|WRITE))?', (m) =>
    kind(T.BEGIN_TRX | (m[1] === undefined ? 0 : m[1].toUpperCase() === 'ONLY' ? T.READONLY : T.READWRITE)),
  ),
  rule(
    `REVOKE [A-Za-z_ ,()\`]+?(?: ON (?:(?:TABLE|FUNCTION|PROCEDURE) )?(?:\\*|${ID})(?:\\.(?:\\*|${ID}))?)? FROM ${USER}(?: ?, ?${USER})*`,
    () => kind(T.WRITE, 'REVOKE'),
  ),
  rule(`DROP TEMPORARY TABLE(?: IF EXISTS)? ${NAME}(?: ?, ?${NAME})*`, () => kind(T.WRITE, 'DROP')),
  rule(`DROP USER(?: IF EXISTS)? ${USER}(?: ?, ?${USER})*`, () => kind(T.WRITE | T.COMMIT, 'DROP')),
];

// ---- functions -----------------------------------------------------------------

/**
 * MariaDB's built-in functions. Like qc_sqlite, a function that is not one
 * of them is a stored function, which may write, so it makes the statement
 * a write.
 */
const BUILTIN_FUNCTIONS = new Set(
  `avg bit_and bit_or bit_xor count group_concat json_arrayagg json_objectagg max min std stddev stddev_pop stddev_samp sum
   var_pop var_samp variance row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value nth_value
   median percentile_cont percentile_disc
   if ifnull nullif coalesce greatest least isnull interval nvl nvl2 decode_oracle
   ascii bin bit_length char char_length character_length chr concat concat_ws elt export_set field find_in_set format
   from_base64 hex insert instr lcase left length lengthb locate lower lpad ltrim make_set mid oct octet_length ord position
   quote regexp_instr regexp_replace regexp_substr repeat replace reverse right rpad rtrim soundex space strcmp substr
   substring substring_index to_base64 to_char trim ucase unhex upper weight_string sformat natural_sort_key convert cast
   abs acos asin atan atan2 ceil ceiling conv cos cot crc32 degrees exp floor ln log log10 log2 mod pi pow power radians rand
   round sign sin sqrt tan truncate
   adddate addtime convert_tz curdate current_date current_time current_timestamp curtime date date_add date_format date_sub
   datediff day dayname dayofmonth dayofweek dayofyear extract from_days from_unixtime get_format hour last_day localtime
   localtimestamp makedate maketime microsecond minute month monthname now period_add period_diff quarter sec_to_time second
   str_to_date subdate subtime sysdate time time_format time_to_sec timediff timestamp timestampadd timestampdiff to_days
   to_seconds unix_timestamp utc_date utc_time utc_timestamp week weekday weekofyear year yearweek
   benchmark binlog_gtid_pos charset coercibility collation connection_id current_role current_user database default
   found_rows last_insert_id row_count schema session_user system_user user version
   aes_decrypt aes_encrypt compress decode des_decrypt des_encrypt encode encrypt md5 old_password password random_bytes sha
   sha1 sha2 uncompress uncompressed_length bit_count
   get_lock release_lock is_free_lock is_used_lock release_all_locks sleep uuid uuid_short inet_aton inet_ntoa inet6_aton
   inet6_ntoa is_ipv4 is_ipv4_compat is_ipv4_mapped is_ipv6 master_gtid_wait master_pos_wait name_const values value
   json_array json_array_append json_array_insert json_compact json_contains json_contains_path json_depth json_detailed
   json_exists json_extract json_insert json_keys json_length json_loose json_merge json_merge_patch json_merge_preserve
   json_object json_query json_quote json_remove json_replace json_search json_set json_type json_unquote json_valid
   json_value column_get column_create column_add column_delete column_exists column_list column_check column_json`
    .split(/\s+/)
    .filter(Boolean),
);

/** Sequence functions advance a sequence: a write wherever they appear. */
const SEQUENCE_FUNCTIONS = new Set(['nextval', 'lastval', 'setval']);

/** Operators qc_sqlite reports as functions, by the symbol it prints. */
const OPERATOR_FUNCTIONS: Record<string, string> = {
  '=': '=',
  '<>': '<>',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '<=>': '<=>',
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
  '%': '%',
  DIV: 'div',
  MOD: '%',
  '&': '&',
  '|': '|',
  '^': '^',
  '<<': '<<',
  '>>': '>>',
  '||': '||',
  BETWEEN: 'between',
  'NOT BETWEEN': 'between',
  IN: 'in',
  'NOT IN': 'in',
  LIKE: 'like',
  'NOT LIKE': 'like',
};

/** Function-shaped nodes that are not functions (`EXISTS (…)`, `SET x = ON`). */
const NOT_FUNCTIONS = new Set(['exists', 'on', 'off']);

// ---- walking the AST ------------------------------------------------------------

type Node = { [key: string]: unknown };

const isNode = (x: unknown): x is Node => typeof x === 'object' && x !== null && !Array.isArray(x);
const asNode = (x: unknown): Node | undefined => (isNode(x) ? x : undefined);
const asString = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const asArray = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

/** An identifier as node-sql-parser gives it: a string, or `{ value }` / `{ expr: { value } }`. */
function identifier(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  const node = asNode(x);
  if (!node) return undefined;
  return asString(node.value) ?? identifier(node.expr);
}

function columnName(node: Node): string | undefined {
  const column = identifier(node.column);
  if (column === undefined || column === '*') return undefined;
  const qualifiers = [identifier(node.db), identifier(node.table)].filter((q): q is string => q !== undefined && q !== '');
  return [...qualifiers, column].join('.');
}

function functionName(node: Node): string {
  if (typeof node.name === 'string') return node.name.toLowerCase();
  const parts = asArray(asNode(node.name)?.name).map(identifier);
  return parts
    .filter((p): p is string => p !== undefined)
    .join('.')
    .toLowerCase();
}

/** A nested statement: a subquery node (`{ ast }`) or a SELECT itself. */
function nestedStatement(node: Node): Node | undefined {
  const ast = asNode(node.ast);
  if (ast) return ast;
  return node.type === 'select' ? node : undefined;
}

class Collector {
  mask = 0;
  hasWhere = false;
  readonly fields: string[] = [];
  readonly functions = new Map<string, string[]>();

  addField(name: string): void {
    if (!this.fields.includes(name)) this.fields.push(name);
  }

  addFunction(name: string, args: string[]): void {
    const known = this.functions.get(name);
    if (!known) this.functions.set(name, [...args]);
    else for (const a of args) if (!known.includes(a)) known.push(a);
  }

  /** Expression walk: fields, functions, variable reads and nested statements. */
  expr(x: unknown, aliases?: ReadonlySet<string>): void {
    if (Array.isArray(x)) {
      for (const item of x) this.expr(item, aliases);
      return;
    }
    const node = asNode(x);
    if (!node) return;
    const nested = nestedStatement(node);
    if (nested) {
      this.statement(nested);
      return;
    }
    switch (node.type) {
      case 'column_ref': {
        const name = columnName(node);
        const unqualified = identifier(node.table) === undefined;
        if (name !== undefined && !(unqualified && aliases?.has(name.toLowerCase()))) this.addField(name);
        return;
      }
      case 'var':
        this.variableRead(node);
        return;
      case 'assign': {
        const left = asNode(node.left);
        if (left?.type === 'var' && left.prefix === '@') this.mask |= T.USERVAR_WRITE;
        this.expr(node.right, aliases);
        return;
      }
      case 'function':
      case 'aggr_func': {
        const name = functionName(node);
        if (!NOT_FUNCTIONS.has(name)) {
          this.addFunction(name, fieldsIn(node.args, aliases));
          this.functionType(name);
        }
        this.expr(node.args, aliases);
        this.expr(node.over, aliases);
        return;
      }
      case 'binary_expr': {
        const symbol = OPERATOR_FUNCTIONS[String(node.operator).toUpperCase()];
        if (symbol !== undefined) this.addFunction(symbol, fieldsIn([node.left, node.right], aliases));
        this.expr(node.left, aliases);
        this.expr(node.right, aliases);
        return;
      }
      default:
        for (const value of Object.values(node)) this.expr(value, aliases);
    }
  }

  variableRead(node: Node): void {
    const name = String(node.name).toLowerCase();
    const members = asArray(node.members).map((m) => String(m).toLowerCase());
    if (node.prefix === '@') {
      this.mask |= T.USERVAR_READ;
    } else if (node.prefix === '@@') {
      const scoped = members.length > 0 && ['global', 'session', 'local'].includes(name);
      const variable = scoped ? members[0] : name;
      if (scoped && name === 'global') this.mask |= T.GSYSVAR_READ;
      else if (variable === 'identity' || variable === 'last_insert_id') this.mask |= T.MASTER_READ;
      else this.mask |= T.SYSVAR_READ;
    }
  }

  functionType(name: string): void {
    if (name === 'last_insert_id') this.mask |= T.READ | T.MASTER_READ;
    else if (SEQUENCE_FUNCTIONS.has(name) || !BUILTIN_FUNCTIONS.has(name)) this.mask |= T.WRITE;
  }

  /** Any statement nested in an expression (subqueries) or given as a whole. */
  statement(node: Node): void {
    if (node.type === 'select') this.select(node);
    else this.expr(Object.fromEntries(Object.entries(node).filter(([key]) => key !== 'type')));
  }

  select(node: Node): void {
    if (node.where) this.hasWhere = true;
    for (const cte of asArray(node.with)) {
      const stmt = asNode(asNode(cte)?.stmt);
      const ast = stmt ? (asNode(stmt.ast) ?? stmt) : undefined;
      if (ast) this.statement(ast);
    }
    const aliases = new Set<string>();
    for (const column of asArray(node.columns)) {
      const c = asNode(column);
      if (!c) continue;
      this.expr(c.expr);
      const alias = identifier(c.as);
      if (alias !== undefined) aliases.add(alias.toLowerCase());
    }
    this.from(node.from);
    this.expr(node.where);
    const groupby = asNode(node.groupby);
    this.expr(groupby ? groupby.columns : node.groupby, aliases);
    this.expr(node.having, aliases);
    for (const item of asArray(node.orderby)) this.expr(asNode(item)?.expr, aliases);
    const next = asNode(node._next);
    if (next) this.select(next);
  }

  from(list: unknown): void {
    for (const item of asArray(list)) {
      const entry = asNode(item);
      if (!entry) continue;
      const sub = asNode(entry.expr);
      if (sub) this.expr(sub);
      this.expr(entry.on);
    }
  }

  /** `SET col = expr` lists of UPDATE, INSERT … SET and ON DUPLICATE KEY UPDATE. */
  assignments(list: unknown): void {
    for (const item of asArray(list)) {
      const a = asNode(item);
      if (!a) continue;
      const column = identifier(a.column);
      const table = identifier(a.table);
      if (column !== undefined) this.addField(table ? `${table}.${column}` : column);
      this.expr(a.value);
    }
  }
}

/** The fields an expression uses, subqueries excluded (a function's arguments). */
function fieldsIn(x: unknown, aliases?: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const visit = (y: unknown): void => {
    if (Array.isArray(y)) {
      for (const item of y) visit(item);
      return;
    }
    const node = asNode(y);
    if (!node || nestedStatement(node)) return;
    if (node.type === 'column_ref') {
      const name = columnName(node);
      const unqualified = identifier(node.table) === undefined;
      if (name !== undefined && !found.includes(name) && !(unqualified && aliases?.has(name.toLowerCase()))) found.push(name);
      return;
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(x);
  return found;
}

function isTruthySetting(x: unknown): boolean {
  const node = asNode(x);
  if (!node) return false;
  if (node.type === 'number') return Number(node.value) !== 0;
  if (node.type === 'bool') return node.value === true;
  const word = (node.type === 'function' ? functionName(node) : String(identifier(node.column) ?? node.value ?? '')).toLowerCase();
  return word === 'on' || word === 'true' || word === '1';
}

/** SET assignments, as qc_sqlite's maxscaleSet types them. */
function classifySet(node: Node, c: Collector): void {
  const scope = String(node.keyword ?? '').toUpperCase();
  for (const item of asArray(node.expr)) {
    const assign = asNode(item);
    const left = asNode(assign?.left);
    if (!assign || !left) continue;
    if (left.prefix === '@') {
      c.mask |= T.USERVAR_WRITE;
    } else {
      const name = String(left.name).toLowerCase();
      const members = asArray(left.members).map((m) => String(m).toLowerCase());
      const scoped = left.prefix === '@@' && members.length > 0 && ['global', 'session', 'local'].includes(name);
      const variable = scoped ? members[0] : name;
      const global = scoped ? name === 'global' : scope === 'GLOBAL';
      if (global) {
        c.mask |= T.GSYSVAR_WRITE;
      } else {
        c.mask |= T.SESSION_WRITE;
        if (variable === 'autocommit') {
          c.mask |= isTruthySetting(assign.right) ? T.ENABLE_AUTOCOMMIT | T.COMMIT : T.BEGIN_TRX | T.DISABLE_AUTOCOMMIT;
        }
      }
    }
    // A bare word on the right (`= DEFAULT`, `= ON`, `= TRADITIONAL`) is a value, not a column or a function.
    const right = asNode(assign.right);
    const bareWord = right && ((right.type === 'column_ref' && identifier(right.table) === undefined) || right.args === null);
    if (!bareWord) c.expr(assign.right);
  }
}

function classifyShow(node: Node): number {
  switch (String(node.keyword).toLowerCase()) {
    case 'databases':
    case 'schemas':
      return T.SHOW_DATABASES;
    case 'tables':
      return T.SHOW_TABLES;
    default:
      return T.READ;
  }
}

function classifyTransaction(node: Node): number {
  const expr = asNode(node.expr);
  const action = String(asNode(expr?.action)?.value ?? '').toLowerCase();
  if (action === 'commit') return T.COMMIT;
  if (action === 'rollback') return T.ROLLBACK;
  let mask = T.BEGIN_TRX;
  for (const mode of asArray(expr?.modes)) {
    const value = String(asNode(mode)?.value ?? '').toLowerCase();
    if (value === 'read only') mask |= T.READONLY;
    if (value === 'read write') mask |= T.READWRITE;
  }
  return mask;
}

/** The type and operation of a parsed statement; the collector gathers the rest. */
function classifyStatement(node: Node, c: Collector): Operation {
  switch (node.type) {
    case 'select': {
      const into = asNode(node.into);
      const locking = node.locking_read !== null && node.locking_read !== undefined;
      c.mask |= into?.keyword ? T.GSYSVAR_WRITE : locking ? T.WRITE : T.READ;
      c.select(node);
      return 'SELECT';
    }
    case 'insert':
    case 'replace': {
      c.mask |= T.WRITE;
      for (const column of asArray(node.columns)) {
        const name = identifier(column);
        if (name !== undefined) c.addField(name);
      }
      c.assignments(node.set);
      const values = asNode(node.values);
      if (values) c.expr(values.type === 'values' ? values.values : values);
      c.assignments(asNode(node.on_duplicate_update)?.set);
      return 'INSERT';
    }
    case 'update':
      c.mask |= T.WRITE;
      if (node.where) c.hasWhere = true;
      c.assignments(node.set);
      c.from(node.table);
      c.expr(node.where);
      return 'UPDATE';
    case 'delete':
      c.mask |= T.WRITE;
      if (node.where) c.hasWhere = true;
      c.from(node.from);
      c.expr(node.where);
      return 'DELETE';
    case 'create': {
      const temporary = node.keyword === 'table' && node.temporary !== null && node.temporary !== undefined;
      c.mask |= T.WRITE | (temporary ? T.CREATE_TMP_TABLE : T.COMMIT);
      // CREATE VIEW … AS SELECT and CREATE TABLE … AS SELECT read the SELECT's fields.
      const query = asNode(node.select) ?? asNode(node.query_expr);
      if (query) c.statement(asNode(query.ast) ?? query);
      return 'CREATE';
    }
    case 'drop':
      c.mask |= T.WRITE | T.COMMIT;
      return 'DROP';
    case 'alter':
    case 'rename':
      c.mask |= T.WRITE | T.COMMIT;
      return 'ALTER';
    case 'truncate':
      c.mask |= T.WRITE | T.COMMIT;
      return 'TRUNCATE';
    case 'set':
      classifySet(node, c);
      return 'SET';
    case 'show':
      c.mask |= classifyShow(node);
      return 'SHOW';
    case 'desc':
      c.mask |= T.READ;
      return 'SHOW';
    case 'explain': {
      const inner = asNode(node.expr);
      const probe = new Collector();
      if (inner) classifyStatement(inner, probe);
      for (const f of probe.fields) c.addField(f);
      for (const [name, args] of probe.functions) c.addFunction(name, args);
      c.hasWhere ||= probe.hasWhere;
      c.mask |= T.READ;
      return 'EXPLAIN';
    }
    case 'call':
      c.mask |= T.WRITE;
      c.expr(asNode(node.expr)?.args);
      return 'CALL';
    case 'grant':
      c.mask |= T.WRITE;
      return 'GRANT';
    case 'load_data':
      c.mask |= T.WRITE;
      return 'LOAD';
    case 'use':
      c.mask |= T.SESSION_WRITE;
      return 'CHANGE_DB';
    case 'transaction':
      c.mask |= classifyTransaction(node);
      return 'UNDEFINED';
    default: {
      // A statement the parser knows but the rules above do not: type it from its keyword.
      const k = keywordKind(String(node.type).toUpperCase());
      c.mask |= k?.mask ?? T.WRITE;
      return k?.op ?? 'UNDEFINED';
    }
  }
}

// ---- entry point ---------------------------------------------------------------

let parser: InstanceType<typeof NodeSqlParser.Parser> | undefined;

/**
 * node-sql-parser is several megabytes of generated grammar: loaded on the first query
 * classified rather than at every start (cold start, issue 13).
 */
function sqlParser(): InstanceType<typeof NodeSqlParser.Parser> {
  if (!parser) {
    const { Parser } = createRequire(import.meta.url)('node-sql-parser') as typeof NodeSqlParser;
    parser = new Parser();
  }
  return parser;
}

function parse(sql: string): Node | undefined {
  const parser = sqlParser();
  for (const database of ['MariaDB', 'mysql']) {
    try {
      const ast: unknown = parser.astify(sql, { database });
      const first = Array.isArray(ast) ? ast[0] : ast;
      if (isNode(first)) return first;
    } catch {
      // A syntax error in this dialect; try the next one, then the keyword rules.
    }
  }
  return undefined;
}

const result = (parse_result: ParseResult, k: Kind, c?: Collector): ClassifyAttributes => ({
  parse_result,
  type_mask: typemaskToString(k.mask),
  operation: `QUERY_OP_${k.op}`,
  has_where_clause: c?.hasWhere ?? false,
  fields: c ? [...c.fields] : [],
  functions: c ? [...c.functions].map(([name, args]) => ({ name, arguments: args })) : [],
});

/** Classifies one SQL statement as MaxScale 2.3's query classifier does (see the header for the rules). */
export function classify(sql: string): ClassifyAttributes {
  const normalized = normalize(sql);
  if (normalized === '') return result('QC_QUERY_INVALID', kind(0));
  const ast = parse(sql);
  if (ast) {
    const c = new Collector();
    const op = classifyStatement(ast, c);
    return result('QC_QUERY_PARSED', kind(c.mask, op), c);
  }
  for (const [pattern, toKind] of KEYWORD_STATEMENTS) {
    const m = pattern.exec(normalized);
    if (m) return result('QC_QUERY_PARSED', toKind(m));
  }
  const k = keywordKind(normalized);
  return k ? result('QC_QUERY_TOKENIZED', k) : result('QC_QUERY_INVALID', kind(0));
}
