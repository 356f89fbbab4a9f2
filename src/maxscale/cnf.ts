/**
 * Reads a MaxScale 2.3 configuration file (`maxscale.cnf`) into the twin's
 * initial state, so `apitwin serve --maxscale-config FILE` twins a real
 * deployment. Any problem is a `CnfError` naming the file, the line and the
 * reason, and nothing is half-loaded.
 *
 * The format, as MaxScale's inih reads it:
 * - `[name]` starts a section; names must not contain whitespace and must be
 *   unique (compared case-insensitively, as the twin looks names up that way).
 * - `key=value` lines (spaces around `=` allowed); a key may appear once per
 *   section. A `;` preceded by whitespace starts an inline comment, as in inih.
 * - Lines whose first non-blank character is `#` or `;` are comments.
 * - A line starting with whitespace right after a `key=value` line (or
 *   another continuation) continues that value; MaxScale appends it with a
 *   comma, and list parameters take each line's items. A blank line ends the
 *   value. An indented line that continues nothing is read as a normal line.
 *   Because an indented `key=value` line therefore joins the value above it,
 *   the refusal that follows names the line that was swallowed.
 * - `[maxscale]` (or its old name `[gateway]`, any case) holds global
 *   parameters; every other section needs
 *   `type=server|monitor|service|listener|filter`.
 *
 * Mapping to records (values typed: `true/false/yes/no/on/off` → boolean,
 * integers → number, except for free-text parameters such as `user`,
 * `password`, `address` that stay strings):
 * - server: `address` and `port` required, `protocol` defaults to
 *   `MariaDBBackend`; status `Running`. The first server of a `mariadbmon`
 *   (or `mysqlmon`) monitor's `servers=` list becomes `Master, Running`, the
 *   others `Slave, Running` replicating from it; monitored servers get
 *   `node_id` 3000 + their position among the file's servers, like the
 *   documented examples. A real monitor would discover this; the twin needs
 *   a plausible starting topology for switchover and failover.
 * - monitor: `module` required, `servers=` comma list; a server may be
 *   monitored by one monitor only. State `Running`.
 * - service: `router` required, `servers=` comma list, `filters=` list
 *   separated by `|` as MaxScale 2.3 does; the standard service parameter
 *   defaults are added. State `Started` at load time.
 * - listener: `service` required; `port`, or `socket` (shown as MaxScale
 *   does, `address` = the socket path and `port` 0, never both);
 *   `protocol` defaults to `MariaDBClient` (`MySQLClient` is kept as
 *   written); MariaDB client listeners default to the `MySQLAuth`
 *   authenticator. `ssl=required` needs `ssl_key`, `ssl_cert` and
 *   `ssl_ca_cert`; without it the `ssl_*` parameters are ignored, as MaxScale
 *   ignores them. Any other parameter is refused, and two listeners may not
 *   share a port on overlapping addresses.
 * - filter: `module` required.
 * - `[maxscale]`: `admin_auth` (boolean, default true), `admin_host`,
 *   `admin_port` (a port), `threads` (a positive integer or `auto`); other
 *   parameters are kept, typed, and the state carries them as
 *   `maxscale.parameters` (where `MaxscaleModel.adminAuthDisabled` looks).
 * References (`servers=`, `filters=`, `service=`) may point forward in the
 * file, must name a section of the right type exactly (a near miss in case
 * gets a hint) and may not repeat a name.
 */
import { readFileSync } from 'node:fs';
import { asctime, checkStateConsistency } from './model.js';
import type {
  FilterRecord,
  ListenerRecord,
  MaxscaleState,
  MonitorRecord,
  Params,
  ParamValue,
  ServerRecord,
  ServiceRecord,
} from './records.js';
import { SERVICE_PARAMETER_DEFAULTS } from './rules/services.js';

export interface CnfResult {
  state: MaxscaleState;
  /** The `[maxscale]` section's parameters, typed. */
  maxscale: Record<string, string | number | boolean>;
  admin: { auth: boolean; host: string | undefined; port: number | undefined };
}

/** A configuration file MaxScale would refuse; the message is `file:line: reason`. */
export class CnfError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'CnfError';
  }
}

const OBJECT_TYPES = ['server', 'monitor', 'service', 'listener', 'filter'] as const;
type ObjectType = (typeof OBJECT_TYPES)[number];

interface RawParam {
  key: string;
  line: number;
  /** The value on the key's line, then one entry per continuation line. */
  pieces: string[];
  /** The line of each piece. */
  lines: number[];
}

interface RawSection {
  name: string;
  line: number;
  params: Map<string, RawParam>;
}

/** Parameters whose values are free text, never converted to numbers or booleans. */
const STRING_PARAMETERS = new Set([
  'user',
  'password',
  'passwd',
  'address',
  'socket',
  'admin_host',
  'version_string',
  'router_options',
  'options',
  'filebase',
  'match',
  'exclude',
  'source',
  'authenticator_options',
  'ssl_key',
  'ssl_cert',
  'ssl_ca_cert',
  'ssl_version',
  'script',
]);

const LISTENER_PARAMETERS = new Set([
  'type',
  'service',
  'address',
  'port',
  'socket',
  'protocol',
  'authenticator',
  'authenticator_options',
  'ssl',
  'ssl_key',
  'ssl_cert',
  'ssl_ca_cert',
  'ssl_version',
  'ssl_cert_verify_depth',
]);

const MARIADB_MONITORS = new Set(['mariadbmon', 'mysqlmon']);
const MARIADB_CLIENT_PROTOCOLS = new Set(['mariadbclient', 'mysqlclient']);

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

/** A multi-line value as one string: MaxScale appends continuation lines with a comma. */
function joined(p: RawParam): string {
  return p.pieces.reduce((acc, piece) => {
    if (acc === '') return piece;
    if (piece === '') return acc;
    return acc.endsWith(',') || piece.startsWith(',') ? acc + piece : `${acc},${piece}`;
  }, '');
}

function typed(key: string, value: string): ParamValue {
  if (STRING_PARAMETERS.has(key)) return value;
  if (/^(true|yes|on)$/i.test(value)) return true;
  if (/^(false|no|off)$/i.test(value)) return false;
  if (/^-?\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  return value;
}

function stripInlineComment(value: string): string {
  return value.replace(/\s;.*$/, '');
}

/** Splits a file into sections; only the syntax is checked here. */
function readSections(text: string, fail: (line: number, reason: string) => never): RawSection[] {
  const sections: RawSection[] = [];
  const seen = new Map<string, RawSection>();
  let current: RawSection | undefined;
  let last: RawParam | undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '') {
      last = undefined;
      return;
    }
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    if (/^\s/.test(raw) && last) {
      last.pieces.push(stripInlineComment(trimmed).trim());
      last.lines.push(line);
      return;
    }
    const section = /^\[([^\]]*)\]\s*(?:[;#].*)?$/.exec(trimmed);
    if (section) {
      const name = section[1] ?? '';
      if (name === '') fail(line, 'empty section name');
      if (/\s/.test(name)) fail(line, `section name '${name}' must not contain whitespace`);
      const previous = seen.get(name.toLowerCase());
      if (previous) fail(line, `duplicate section [${name}] (first defined on line ${previous.line})`);
      current = { name, line, params: new Map() };
      seen.set(name.toLowerCase(), current);
      sections.push(current);
      last = undefined;
      return;
    }
    const eq = trimmed.indexOf('=');
    if (eq === -1 || trimmed.startsWith('[')) {
      fail(line, `cannot read '${trimmed}': expected '[section]', 'key=value', a comment or an indented continuation line`);
    }
    const key = trimmed.slice(0, eq).trim();
    if (!/^[A-Za-z0-9_.-]+$/.test(key)) fail(line, `invalid parameter name '${key}'`);
    if (!current) fail(line, `parameter '${key}' is outside of any section`);
    const existing = current.params.get(key);
    if (existing) fail(line, `duplicate parameter '${key}' in section [${current.name}] (first set on line ${existing.line})`);
    last = { key, line, pieces: [stripInlineComment(trimmed.slice(eq + 1)).trim()], lines: [line] };
    current.params.set(key, last);
  });
  return sections;
}

/**
 * An indented `key=value` line continues the previous value (inih's rule),
 * which surprises anyone who indents a section; refusals say so when a
 * value swallowed such a line (the one starting with `key=`, or any).
 */
function continuationHint(p: RawParam, key?: string): string {
  const looksLikeParameter = key === undefined ? /^[A-Za-z0-9_.-]+\s*=/ : new RegExp(`^${key}\\s*=`);
  const i = p.pieces.findIndex((piece, n) => n > 0 && looksLikeParameter.test(piece));
  return i > 0 ? `; line ${p.lines[i]} starts with whitespace, so it continues '${p.key}'` : '';
}

function swallowed(s: RawSection, key: string): string {
  for (const p of s.params.values()) {
    const hint = continuationHint(p, key);
    if (hint) return hint;
  }
  return '';
}

/** Parses the text of a MaxScale 2.3 configuration file; `file` only names it in errors. */
export function parseMaxscaleCnf(text: string, file: string): CnfResult {
  const fail: (line: number, reason: string) => never = (line, reason) => {
    throw new CnfError(file, line, reason);
  };
  const sections = readSections(text, fail);

  const isGlobal = (s: RawSection) => ['maxscale', 'gateway'].includes(s.name.toLowerCase());
  const objects = sections.filter((s) => !isGlobal(s));

  // Every object's type first, so references may point forward in the file.
  const types = new Map<string, ObjectType>();
  for (const s of objects) {
    const type = s.params.get('type');
    if (!type) fail(s.line, `section [${s.name}] has no 'type' parameter (server, monitor, service, listener or filter)`);
    const value = joined(type);
    if (!(OBJECT_TYPES as readonly string[]).includes(value)) {
      fail(
        type.line,
        `unknown type '${value}' in section [${s.name}] (expected server, monitor, service, listener or filter)${continuationHint(type)}`,
      );
    }
    types.set(s.name, value as ObjectType);
  }

  const required = (s: RawSection, kind: ObjectType, key: string): RawParam => {
    const p = s.params.get(key);
    if (!p) return fail(s.line, `${kind} '${s.name}' is missing the required parameter '${key}'${swallowed(s, key)}`);
    return p;
  };

  const integer = (p: RawParam, what: string, min: number, max: number): number => {
    const value = joined(p);
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      fail(p.line, `invalid ${what} '${value}' for '${p.key}': expected an integer from ${min} to ${max}${continuationHint(p)}`);
    }
    return n;
  };

  const port = (p: RawParam, min = 1) => integer(p, 'port', min, 65535);

  const boolean = (p: RawParam): boolean => {
    const value = joined(p).toLowerCase();
    if (TRUE_WORDS.has(value)) return true;
    if (FALSE_WORDS.has(value)) return false;
    return fail(p.line, `invalid value '${joined(p)}' for '${p.key}': expected a boolean (true/false, yes/no, on/off, 1/0)`);
  };

  /** Resolves a `servers=`/`filters=`/`service=` list to section names of one type. */
  const refs = (p: RawParam | undefined, kind: ObjectType, separator: string): string[] => {
    if (!p) return [];
    const names = p.pieces.flatMap((piece) =>
      piece
        .split(separator)
        .map((n) => n.trim())
        .filter((n) => n !== ''),
    );
    const found: string[] = [];
    for (const name of names) {
      const type = types.get(name);
      if (type === undefined) {
        const near = [...types].find(([other, t]) => t === kind && other.toLowerCase() === name.toLowerCase())?.[0];
        const hint = near ? ` (did you mean '${near}'?)` : kind === 'filter' && name.includes(',') ? ` (filters are separated by '|')` : '';
        fail(p.line, `unknown ${kind} '${name}' in ${p.key}=${hint}`);
      }
      if (type !== kind) fail(p.line, `'${name}' in ${p.key}= is a ${type}, not a ${kind}`);
      if (found.includes(name)) fail(p.line, `${kind} '${name}' is listed twice in ${p.key}=`);
      found.push(name);
    }
    return found;
  };

  const rest = (s: RawSection, skip: readonly string[]): Params => {
    const params: Params = {};
    for (const p of s.params.values()) if (!skip.includes(p.key)) params[p.key] = typed(p.key, joined(p));
    return params;
  };

  const now = asctime(new Date());
  const servers: ServerRecord[] = [];
  const monitors: MonitorRecord[] = [];
  const filters: FilterRecord[] = [];
  const services: ServiceRecord[] = [];
  const listeners: ListenerRecord[] = [];
  const monitoredBy = new Map<string, string>();
  const ports: { name: string; address: string; port: number }[] = [];

  for (const s of objects) {
    switch (types.get(s.name)) {
      case 'server': {
        const address = joined(required(s, 'server', 'address'));
        const serverPort = port(required(s, 'server', 'port'));
        const protocol = s.params.get('protocol');
        servers.push({
          name: s.name,
          parameters: {
            address,
            port: serverPort,
            protocol: protocol ? joined(protocol) : 'MariaDBBackend',
            ...rest(s, ['type', 'address', 'port', 'protocol']),
          },
          status: ['Running'],
          version_string: '',
          node_id: -1,
          master_id: -1,
          replication_depth: 0,
          slaves: [],
          statistics: { connections: 0, total_connections: 0, active_operations: 0 },
        });
        break;
      }
      case 'monitor': {
        const module = joined(required(s, 'monitor', 'module'));
        const serversParam = s.params.get('servers');
        const names = refs(serversParam, 'server', ',');
        for (const name of names) {
          const other = monitoredBy.get(name);
          if (other) fail(serversParam?.line ?? s.line, `server '${name}' is already monitored by '${other}'`);
          monitoredBy.set(name, s.name);
        }
        monitors.push({ name: s.name, module, state: 'Running', parameters: rest(s, ['type', 'module', 'servers']), servers: names });
        break;
      }
      case 'service': {
        const router = joined(required(s, 'service', 'router'));
        const service: ServiceRecord = {
          name: s.name,
          router,
          state: 'Started',
          started: now,
          total_connections: 0,
          connections: 0,
          parameters: { ...SERVICE_PARAMETER_DEFAULTS, ...rest(s, ['type', 'router', 'servers', 'filters']) },
          servers: refs(s.params.get('servers'), 'server', ','),
          filters: refs(s.params.get('filters'), 'filter', '|'),
        };
        // The same diagnostics a service created through the API starts with (MaxscaleModel.createService).
        if (router !== 'cli') service.router_diagnostics = { connections: 0, current_connections: 0, queries: 0 };
        services.push(service);
        break;
      }
      case 'listener':
        listeners.push(listener(s));
        break;
      case 'filter':
        filters.push({ name: s.name, module: joined(required(s, 'filter', 'module')), parameters: rest(s, ['type', 'module']) });
        break;
    }
  }

  function listener(s: RawSection): ListenerRecord {
    for (const p of s.params.values()) {
      if (!LISTENER_PARAMETERS.has(p.key)) fail(p.line, `unknown listener parameter '${p.key}' in section [${s.name}]`);
    }
    const service = refs(required(s, 'listener', 'service'), 'service', ',');
    if (service.length !== 1) fail(required(s, 'listener', 'service').line, `listener '${s.name}' must name exactly one service`);
    const get = (key: string) => {
      const p = s.params.get(key);
      return p ? joined(p) : undefined;
    };
    const socket = s.params.get('socket');
    const portParam = s.params.get('port');
    if (socket && portParam) fail(portParam.line, `listener '${s.name}' gives both 'socket' and 'port'; the twin supports one of them`);
    if (!socket && !portParam) fail(s.line, `listener '${s.name}' is missing the required parameter 'port' (or 'socket')`);
    const protocol = get('protocol') ?? 'MariaDBClient';
    const parameters: ListenerRecord['parameters'] = socket
      ? { address: joined(socket), port: 0, protocol }
      : { ...(get('address') === undefined ? {} : { address: get('address') }), port: port(portParam as RawParam), protocol };
    const authenticator = get('authenticator') ?? (MARIADB_CLIENT_PROTOCOLS.has(protocol.toLowerCase()) ? 'MySQLAuth' : undefined);
    if (authenticator !== undefined) parameters.authenticator = authenticator;
    const options = get('authenticator_options');
    if (options !== undefined) parameters.authenticator_options = options;
    const ssl = s.params.get('ssl');
    if (ssl && !/^(disabled|false|no|off|0)$/i.test(joined(ssl))) {
      const missing = ['ssl_key', 'ssl_cert', 'ssl_ca_cert'].filter((k) => !s.params.has(k));
      if (missing.length) fail(ssl.line, `listener '${s.name}' has ssl=${joined(ssl)} but no ${missing.join(', ')}`);
      parameters.ssl_key = get('ssl_key');
      parameters.ssl_cert = get('ssl_cert');
      parameters.ssl_ca_cert = get('ssl_ca_cert');
      const version = get('ssl_version');
      if (version !== undefined) parameters.ssl_version = version;
      const depth = s.params.get('ssl_cert_verify_depth');
      if (depth) parameters.ssl_cert_verify_depth = integer(depth, 'depth', 0, 100);
    }
    if (!socket && portParam) {
      const address = parameters.address ?? '::';
      const clash = ports.find((p) => p.port === parameters.port && overlaps(p.address, address));
      if (clash) fail(portParam.line, `port ${parameters.port} is already used by listener '${clash.name}'`);
      ports.push({ name: s.name, address, port: parameters.port as number });
    }
    return { name: s.name, service: service[0] as string, parameters };
  }

  assignReplicationRoles(servers, monitors);

  const global = sections.find(isGlobal);
  const maxscale: Record<string, ParamValue> = {};
  const admin: CnfResult['admin'] = { auth: true, host: undefined, port: undefined };
  for (const p of global?.params.values() ?? []) {
    if (p.key === 'admin_auth') {
      admin.auth = boolean(p);
      maxscale[p.key] = admin.auth;
    } else if (p.key === 'admin_port') {
      admin.port = port(p);
      maxscale[p.key] = admin.port;
    } else if (p.key === 'threads' && joined(p).toLowerCase() !== 'auto') {
      maxscale[p.key] = integer(p, 'thread count', 1, 1024);
    } else {
      maxscale[p.key] = typed(p.key, joined(p));
    }
    if (p.key === 'admin_host') admin.host = joined(p);
  }

  const state: MaxscaleState = {
    maxscale: { parameters: { ...maxscale } },
    servers,
    monitors,
    filters,
    services,
    listeners,
    sessions: [],
    users: [],
  };
  // Everything above is checked line by line; this is the same guard every data file passes.
  checkStateConsistency(state);
  return { state, maxscale, admin };
}

/** Reads and parses a configuration file; an unreadable file is reported on line 0. */
export function readMaxscaleCnf(path: string): CnfResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CnfError(path, 0, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseMaxscaleCnf(text, path);
}

/** Two listen addresses overlap when they are equal or either is a wildcard. */
function overlaps(a: string, b: string): boolean {
  const wildcard = (x: string) => x === '::' || x === '0.0.0.0' || x === '';
  return a === b || wildcard(a) || wildcard(b);
}

/**
 * A MariaDB monitor's first server is the master and the others replicate
 * from it (see the header); monitored servers are numbered 3000 + their
 * position in the file, as the documented examples number them.
 */
function assignReplicationRoles(servers: ServerRecord[], monitors: readonly MonitorRecord[]): void {
  const byName = new Map(servers.map((s, index) => [s.name, { server: s, nodeId: 3000 + index }]));
  for (const monitor of monitors) {
    if (!MARIADB_MONITORS.has(monitor.module.toLowerCase())) continue;
    const members = monitor.servers.map((name) => byName.get(name)).filter((m) => m !== undefined);
    const [master, ...slaves] = members;
    if (!master) continue;
    Object.assign(master.server, {
      status: ['Master', 'Running'],
      node_id: master.nodeId,
      master_id: -1,
      replication_depth: 0,
      slaves: slaves.map((s) => s.nodeId),
    });
    for (const slave of slaves) {
      Object.assign(slave.server, {
        status: ['Slave', 'Running'],
        node_id: slave.nodeId,
        master_id: master.nodeId,
        replication_depth: 1,
        slaves: [],
      });
    }
  }
}
