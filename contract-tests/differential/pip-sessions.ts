/**
 * The differential cases of the pip-sessions API and the deviations the twin
 * keeps on purpose (each also explained in openapi/pip-sessions.yaml's
 * description). The cases run in order against two implementations that
 * start empty: first sessions are opened (some bound to labels) and closed,
 * then every command is sent good, bad and odd arguments, odd bodies, odd
 * content types, routing mistakes, paging and filters; writes come after the
 * reads that depend on the state they change, and the cases that are allowed
 * to differ in state (the protocol document's paths) come last.
 */
import type { Answer, Deviation, DiffCase } from './engine.js';

const V1 = '/v1/sessions';

/** Deviations the twin keeps, each with its reason (the spec's description says the same). */
export const PIP_DEVIATIONS: readonly Deviation[] = [
  {
    id: 'no-stack',
    reason:
      'The real service leaks the server stack trace in a `stack` member of every ErrorDescription; the twin never sends one (a stack trace tells an attacker about the server and a client nothing it can use).',
    normalise: (a) => withoutMember(a, 'stack'),
  },
  {
    id: 'validation-details',
    reason:
      'The real service sends `details` of INVALID_DATA as `{"results": "[object Object]"}` (its results serialised with toString); the twin sends `details.results` as the list of validation results (path, code, message, expected, actual) the message was made from.',
    normalise: (a) => (isError(a, 'INVALID_DATA') ? withoutMember(a, 'details') : a),
  },
  {
    id: 'correlation-id',
    reason:
      'The real service does not fill ErrorDescription.correlation_id; the twin echoes the `correlation_id` query parameter in it, as Pip.Services documents the field.',
    normalise: (a) => withoutMember(a, 'correlation_id'),
  },
  {
    id: 'time-filter',
    reason:
      'The real in-memory persistence keeps the sessions whose `request_time` is before `from_time` and at or after `to_time`, the reverse of what the names say; the twin keeps `from_time <= request_time < to_time`.',
  },
  {
    id: 'protocol-paths',
    reason:
      'The protocol document writes the commands as `/sessions/<command>`, which the real service does not serve (404); the twin serves them as well as `/v1/sessions/<command>`, so clients written from the document work.',
  },
];

function isError(a: Answer, code: string): boolean {
  return a.body !== null && typeof a.body === 'object' && (a.body as Record<string, unknown>).code === code;
}

function withoutMember(a: Answer, member: string): Answer {
  if (a.body === null || typeof a.body !== 'object' || Array.isArray(a.body) || !(member in a.body)) return a;
  const { [member]: _dropped, ...rest } = a.body as Record<string, unknown>;
  return { ...a, body: rest };
}

const cmd = (command: string, body: unknown, name: string, extra: Partial<DiffCase> = {}): DiffCase => ({
  name: `${command} ${name}`,
  path: `${V1}/${command}`,
  body,
  ...extra,
});

/** JSON values of every type, to send where a command expects something else. */
const ODD_VALUES: readonly [string, unknown][] = [
  ['a number', 5],
  ['a fraction', 1.5],
  ['true', true],
  ['an array', ['a']],
  ['an object', { a: 1 }],
  ['null', null],
  ['an empty string', ''],
];

/** Bodies that are not a JSON object, and bodies that are not JSON at all. */
const ODD_BODIES: readonly [string, Partial<DiffCase>][] = [
  ['an empty body', { raw: '' }],
  ['a JSON null body', { raw: 'null' }],
  ['a JSON array body', { raw: '[{"session_id":"x","user_id":"1"}]' }],
  ['a JSON string body', { raw: '"{\\"session_id\\":\\"x\\",\\"user_id\\":\\"1\\"}"' }],
  ['a JSON number body', { raw: '5' }],
  ['a JSON true body', { raw: 'true' }],
  ['a whitespace body', { raw: '  \n' }],
  ['a form-urlencoded body', { raw: 'session_id=x&user_id=1', contentType: 'application/x-www-form-urlencoded' }],
  ['JSON sent as text/plain', { raw: '{"session_id":"x","user_id":"1"}', contentType: 'text/plain' }],
  ['JSON sent without a Content-Type', { raw: '{"session_id":"x","user_id":"1"}', contentType: null }],
  ['JSON sent as application/octet-stream', { raw: '{"session_id":"x","user_id":"1"}', contentType: 'application/octet-stream' }],
  ['malformed JSON (unclosed object)', { raw: '{"session_id":"x"' }],
  ['malformed JSON (trailing comma)', { raw: '{"session_id":"x",}' }],
  ['malformed JSON (bare word)', { raw: 'nul' }],
  ['malformed JSON (single quotes)', { raw: "{'session_id':'x'}" }],
];

/** Every command of the protocol, in the order the cases cover them. */
export const COMMANDS = [
  'get_sessions',
  'get_session_by_id',
  'open_session',
  'store_session_data',
  'update_session_user',
  'close_session',
  'close_expired_sessions',
  'delete_session_by_id',
] as const;

/** Sessions both sides open first; later cases read and change them. */
const SETUP: DiffCase[] = [
  cmd(
    'open_session',
    {
      user_id: '1',
      user_name: 'Alice',
      address: '10.0.0.1',
      client: 'web',
      user: { id: '1', name: 'Alice', roles: ['admin'] },
      data: { theme: 'dark' },
    },
    'with every argument',
    { bind: 's1' },
  ),
  cmd('open_session', { user_id: '2' }, 'with only user_id', { bind: 's2' }),
  cmd('open_session', { user_id: '1', data: 'abc' }, 'with data a string (the official client’s fixture)', { bind: 's3' }),
  cmd('open_session', { user_id: '3', user: 'bob', data: 42 }, 'with user a string and data a number', { bind: 's4' }),
  cmd('open_session', { user_id: '2', user: true, data: [1, 'two', { three: 3 }] }, 'with user a boolean and data an array', {
    bind: 's5',
  }),
  cmd(
    'open_session',
    { user_id: '4', id: 'my-own-id', active: false, open_time: '2000-01-01T00:00:00.000Z', extra: 1 },
    'with unknown members',
    {
      bind: 's6',
    },
  ),
  cmd('open_session', { user_id: '', user_name: '', address: null, client: null, user: null, data: null }, 'with empty strings and nulls', {
    bind: 's7',
  }),
  cmd('open_session', { user_id: '5', data: false, user: 0 }, 'with data false and user 0', { bind: 's8' }),
  cmd('close_session', { session_id: '$s3' }, 'of an open session'),
  cmd('close_session', { session_id: '$s4' }, 'of another open session'),
];

function getSessionsCases(): DiffCase[] {
  const gs = (body: unknown, name: string, extra: Partial<DiffCase> = {}) => cmd('get_sessions', body, name, extra);
  const out: DiffCase[] = [gs({}, 'with no arguments'), gs({ filter: {}, paging: {} }, 'with an empty filter and paging')];
  const paging: [string, unknown][] = [
    ['skip 0', { skip: 0 }],
    ['skip 1', { skip: 1 }],
    ['skip 3 take 2', { skip: 3, take: 2 }],
    ['skip past the end', { skip: 50 }],
    ['skip -1', { skip: -1 }],
    ['skip -5', { skip: -5 }],
    ['skip 1.5', { skip: 1.5 }],
    ['skip 0.2', { skip: 0.2 }],
    ['skip -0.5', { skip: -0.5 }],
    ['skip null', { skip: null }],
    ['skip "1"', { skip: '1' }],
    ['skip true', { skip: true }],
    ['skip []', { skip: [] }],
    ['skip {}', { skip: {} }],
    ['take 0', { take: 0 }],
    ['take 1', { take: 1 }],
    ['take 2', { take: 2 }],
    ['take 1.5', { take: 1.5 }],
    ['take 0.4', { take: 0.4 }],
    ['take -0.5', { take: -0.5 }],
    ['take -1', { take: -1 }],
    ['take 101', { take: 101 }],
    ['take 1000000', { take: 1000000 }],
    ['take null', { take: null }],
    ['take "2"', { take: '2' }],
    ['take "x"', { take: 'x' }],
    ['take false', { take: false }],
    ['total true', { total: true }],
    ['total false', { total: false }],
    ['total null', { total: null }],
    ['total "true"', { total: 'true' }],
    ['total 1', { total: 1 }],
    ['total 0', { total: 0 }],
    ['total {}', { total: {} }],
    ['skip 1 take 2 total true', { skip: 1, take: 2, total: true }],
    ['take -1 total true', { take: -1, total: true }],
    ['upper-case keys', { SKIP: 1, Take: 1, TOTAL: true }],
    ['an unknown member', { skip: 1, page: 3 }],
    ['three wrong types', { skip: '1', take: '2', total: 'yes' }],
    ['a string', 'abc'],
    ['a number', 5],
    ['true', true],
    ['an array', [1, 2]],
    ['an array of paging objects', [{ skip: 1, take: 'x' }]],
    ['null', null],
  ];
  for (const [name, value] of paging) out.push(gs({ paging: value }, `paging ${name}`));
  const filters: [string, unknown][] = [
    ['id of a session', { id: '$s1' }],
    ['id unknown', { id: 'nope' }],
    ['id ""', { id: '' }],
    ['id a number', { id: 5 }],
    ['id null', { id: null }],
    ['user_id "1"', { user_id: '1' }],
    ['user_id "2"', { user_id: '2' }],
    ['user_id ""', { user_id: '' }],
    ['user_id the number 1', { user_id: 1 }],
    ['user_id the number 1.0', { user_id: 1.0 }],
    ['user_id [1]', { user_id: [1] }],
    ['user_id ["1", "2"]', { user_id: ['1', '2'] }],
    ['user_id {}', { user_id: {} }],
    ['user_id true', { user_id: true }],
    ['user_id null', { user_id: null }],
    ['USER_ID "1" (keys are case-sensitive)', { USER_ID: '1' }],
    ['an unknown key', { colour: 'red' }],
    ['user_id and active', { user_id: '1', active: true }],
    ['user_id, active and id', { user_id: '2', active: 'true', id: '$s5' }],
  ];
  const actives: unknown[] = [
    true,
    false,
    'true',
    'false',
    'TRUE',
    'False',
    't',
    'f',
    'y',
    'n',
    'yes',
    'NO',
    '1',
    '0',
    1,
    0,
    5,
    -1,
    1.5,
    'maybe',
    '',
    null,
    [true],
    ['1'],
    {},
  ];
  for (const a of actives) filters.push([`active ${JSON.stringify(a)}`, { active: a }]);
  for (const [name, value] of filters) out.push(gs({ filter: value }, `filter ${name}`));
  out.push(gs({ filter: { user_id: '1' }, paging: { take: 1, total: true } }, 'filter and paging'));
  out.push(gs({ filter: { active: false }, paging: { total: true } }, 'closed sessions with total'));
  // Times that do not parse are ignored by the real service: no filter.
  for (const t of ['garbage', '', 'yesterday', '2024-13-45T99:99:99Z']) {
    out.push(gs({ filter: { from_time: t } }, `filter from_time ${JSON.stringify(t)} (not a time)`));
    out.push(gs({ filter: { to_time: t } }, `filter to_time ${JSON.stringify(t)} (not a time)`));
  }
  // Times that parse: the real service applies them reversed.
  const timeFilters: [string, unknown][] = [
    ['from_time in the past', { from_time: '2000-01-01T00:00:00.000Z' }],
    ['from_time in the future', { from_time: '2999-01-01T00:00:00Z' }],
    ['to_time in the future', { to_time: '2999-01-01' }],
    ['to_time in the past', { to_time: '2000-01-01T00:00:00+02:00' }],
    ['from_time past and to_time future', { from_time: '2000-01-01', to_time: '2999-01-01' }],
  ];
  for (const [name, value] of timeFilters) out.push(gs({ filter: value }, `filter ${name}`, { deviation: 'time-filter' }));
  for (const [name, value] of ODD_VALUES.filter(([, v]) => v !== null && (typeof v !== 'object' || Array.isArray(v)))) {
    out.push(gs({ filter: value }, `filter ${name}`));
  }
  out.push(gs({ filter: 0 }, 'filter 0 (falsy: no filter)'));
  out.push(gs({ filter: false }, 'filter false (falsy: no filter)'));
  out.push(gs({ filter: 'x', paging: { skip: 'x' } }, 'a wrong filter and a wrong paging (both said, in order)'));
  out.push(gs({ filter: { user_id: '1' }, page: 2, sort: 'id' }, 'unknown members'));
  return out;
}

/** The commands that take only a session id: its wrong types, unknown ids and extra members. */
function sessionIdCases(command: string, existing: string): DiffCase[] {
  const out: DiffCase[] = [
    cmd(command, { session_id: 'no-such-session' }, 'of an unknown id'),
    cmd(command, { session_id: '' }, 'of an empty id'),
    cmd(command, {}, 'without session_id'),
    cmd(command, { session_id: '$s1', unknown: [1, 2], user_id: 5 }, 'of a session, with unknown members', {}),
  ];
  for (const [name, value] of ODD_VALUES.filter(([, v]) => v !== ''))
    out.push(cmd(command, { session_id: value }, `with session_id ${name}`));
  out.push(cmd(command, { session_id: existing }, 'of a session'));
  return out;
}

function openSessionCases(): DiffCase[] {
  const os = (body: unknown, name: string) => cmd('open_session', body, name);
  const out: DiffCase[] = [os({}, 'without user_id'), os({ user_name: 'x' }, 'with user_name but no user_id')];
  for (const [name, value] of ODD_VALUES) {
    out.push(os({ user_id: value }, `with user_id ${name}`));
    if (value !== null) {
      out.push(os({ user_id: '9', user_name: value }, `with user_name ${name}`));
      out.push(os({ user_id: '9', address: value }, `with address ${name}`));
      out.push(os({ user_id: '9', client: value }, `with client ${name}`));
    }
    out.push(os({ user_id: '9', user: value, data: value }, `with user and data ${name}`));
  }
  out.push(os({ user_id: 1, user_name: 2, address: 3, client: 4 }, 'with four wrong types (said in order)'));
  out.push(os({ client: true, user_id: null }, 'with a null user_id and a wrong client (said in order)'));
  out.push(os({ user_id: '9', data: { nested: { deep: [1, { a: null }] } } }, 'with nested data'));
  return out;
}

function storeAndUpdateCases(command: 'store_session_data' | 'update_session_user', field: 'data' | 'user'): DiffCase[] {
  const c = (body: unknown, name: string) => cmd(command, body, name);
  const out: DiffCase[] = [
    c({ session_id: '$s2', [field]: { a: 1 } }, `of a session, ${field} an object`),
    c({ session_id: '$s2', [field]: 'text' }, `of a session, ${field} a string`),
    c({ session_id: '$s2', [field]: 7 }, `of a session, ${field} a number`),
    c({ session_id: '$s2', [field]: [1, 2] }, `of a session, ${field} an array`),
    c({ session_id: '$s2', [field]: false }, `of a session, ${field} false`),
    c({ session_id: '$s2', [field]: {} }, `of a session, ${field} an empty object`),
    c({ session_id: '$s3', [field]: { again: true } }, 'of a closed session'),
    c({ session_id: '$s2', [field]: { b: 2 }, active: false, id: 'x' }, 'with unknown members'),
    c({ session_id: 'no-such-session', [field]: { a: 1 } }, 'of an unknown id'),
    c({ session_id: '$s2' }, `without ${field}`),
    c({ session_id: '$s2', [field]: null }, `with ${field} null`),
    c({ [field]: { a: 1 } }, 'without session_id'),
    c({}, 'without arguments (both said, in order)'),
    c({ session_id: 5 }, `with session_id a number and no ${field} (both said, in order)`),
    c({ [field]: null, session_id: null }, 'with both null (said in declaration order)'),
  ];
  for (const [name, value] of ODD_VALUES.filter(([, v]) => v !== null && v !== '')) {
    out.push(c({ session_id: value, [field]: { a: 1 } }, `with session_id ${name}`));
  }
  out.push(cmd('get_session_by_id', { session_id: '$s2' }, `after ${command}`));
  return out;
}

function oddBodyCases(): DiffCase[] {
  const out: DiffCase[] = [];
  for (const command of COMMANDS) {
    for (const [name, extra] of ODD_BODIES) out.push({ name: `${command} with ${name}`, path: `${V1}/${command}`, ...extra });
  }
  return out;
}

function routingCases(): DiffCase[] {
  const out: DiffCase[] = [];
  for (const command of COMMANDS) {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      out.push({ name: `${method} ${command}`, method, path: `${V1}/${command}`, ...(method === 'GET' ? {} : { body: {} }) });
    }
    out.push({ name: `${command} with a trailing slash`, path: `${V1}/${command}/`, body: {} });
    out.push({ name: `${command} in upper case`, path: `${V1}/${command.toUpperCase()}`, body: {} });
  }
  const paths = [
    `${V1}/no_such_command`,
    `${V1}/`,
    V1,
    '/v1',
    '/',
    `${V1}//get_sessions`,
    `${V1}/get_sessions/extra`,
    '/v2/sessions/get_sessions',
    '/V1/sessions/get_sessions',
  ];
  for (const path of paths) out.push({ name: `POST ${path}`, path, body: {} });
  out.push({ name: 'GET an unknown path', method: 'GET', path: '/nothing/here' });
  out.push({ name: 'GET heartbeat', method: 'GET', path: '/heartbeat' });
  out.push({ name: 'POST heartbeat', path: '/heartbeat', body: {} });
  out.push({ name: 'GET status', method: 'GET', path: '/status' });
  out.push({ name: 'DELETE status', method: 'DELETE', path: '/status' });
  out.push({ name: 'GET heartbeat with a query string', method: 'GET', path: '/heartbeat?x=1' });
  return out;
}

function headerCases(): DiffCase[] {
  const gs = `${V1}/get_session_by_id`;
  return [
    { name: 'Accept image/png', path: gs, body: { session_id: 'x' }, headers: { Accept: 'image/png' } },
    { name: 'Accept text/html', path: gs, body: { session_id: 'x' }, headers: { Accept: 'text/html' } },
    { name: 'Accept text/plain', path: gs, body: { session_id: 'x' }, headers: { Accept: 'text/plain' } },
    { name: 'Accept application/*', path: gs, body: { session_id: 'x' }, headers: { Accept: 'application/*' } },
    { name: 'Accept application/json', path: gs, body: { session_id: '$s1' }, headers: { Accept: 'application/json' } },
    { name: 'Accept image/png on heartbeat', method: 'GET', path: '/heartbeat', headers: { Accept: 'image/png' } },
    { name: 'Content-Type with a charset', path: gs, body: { session_id: '$s1' }, contentType: 'application/json; charset=utf-8' },
    { name: 'Content-Type in upper case', path: gs, body: { session_id: '$s1' }, contentType: 'APPLICATION/JSON' },
    { name: 'correlation_id on a success', path: `${gs}?correlation_id=abc`, body: { session_id: '$s1' } },
    { name: 'correlation_id on an error', path: `${gs}?correlation_id=abc`, body: {} },
    { name: 'two correlation_ids', path: `${gs}?correlation_id=a&correlation_id=b`, body: { session_id: 5 } },
    { name: 'an unknown query parameter', path: `${gs}?foo=bar`, body: { session_id: '$s1' } },
  ];
}

function largeBodyCases(): DiffCase[] {
  const mib = (n: number) => 'x'.repeat(n * 1024 * 1024);
  return [
    cmd('open_session', { user_id: 'big', data: { blob: mib(2) } }, 'with 2 MiB of data', { bind: 'big' }),
    cmd('store_session_data', { session_id: '$big', data: { blob: mib(5) } }, 'with 5 MiB of data'),
    cmd('close_session', { session_id: '$big' }, 'of the session with 5 MiB of data'),
  ];
}

/** Writes that change the state the reads above saw, then reads of the result. */
function closingCases(): DiffCase[] {
  return [
    ...sessionIdCases('close_session', '$s2'),
    cmd('close_session', { session_id: '$s2' }, 'of a closed session (closed again)'),
    cmd('close_expired_sessions', {}, 'with nothing expired'),
    cmd('close_expired_sessions', { session_id: '$s1', timeout: 0 }, 'with unknown members'),
    cmd('close_expired_sessions', null, 'with a null body'),
    ...sessionIdCases('delete_session_by_id', '$s7'),
    cmd('delete_session_by_id', { session_id: '$s7' }, 'of a deleted session'),
    cmd('delete_session_by_id', { session_id: '$s3' }, 'of a closed session'),
    cmd('get_session_by_id', { session_id: '$s7' }, 'of a deleted session'),
    cmd('get_sessions', { paging: { total: true } }, 'after closing and deleting'),
    cmd('get_sessions', { filter: { active: false }, paging: { total: true } }, 'closed, after closing and deleting'),
  ];
}

/** The protocol document's paths: the real service does not serve them (and the twin does). Last: they change the twin's state. */
function protocolPathCases(): DiffCase[] {
  return COMMANDS.map((command) => ({
    name: `${command} on the protocol document's path /sessions/${command}`,
    path: `/sessions/${command}`,
    body:
      command === 'open_session'
        ? { user_id: 'doc' }
        : command === 'get_sessions' || command === 'close_expired_sessions'
          ? {}
          : { session_id: '$s1', data: {}, user: {} },
    deviation: 'protocol-paths',
  }));
}

export function pipSessionsCases(): DiffCase[] {
  return [
    ...SETUP,
    ...getSessionsCases(),
    ...sessionIdCases('get_session_by_id', '$s1'),
    ...['$s2', '$s3', '$s4', '$s5', '$s6', '$s7', '$s8'].map((s) => cmd('get_session_by_id', { session_id: s }, `of ${s.slice(1)}`)),
    ...openSessionCases(),
    ...storeAndUpdateCases('store_session_data', 'data'),
    ...storeAndUpdateCases('update_session_user', 'user'),
    ...oddBodyCases(),
    ...routingCases(),
    ...headerCases(),
    ...largeBodyCases(),
    ...closingCases(),
    ...protocolPathCases(),
  ];
}
