/**
 * The modules the twin simulates, as `GET /maxscale/modules` lists them: their
 * type, version, parameters (with MaxScale 2.3's defaults) and commands. The
 * model uses the same catalogue to refuse unknown modules and to check and
 * default the parameters of monitors and filters.
 */
import { ApiError, Errors } from '../errors.js';
import type { Params, ParamValue } from './records.js';

export type ModuleType = 'Filter' | 'Router' | 'Monitor' | 'Protocol' | 'Authenticator' | 'QueryClassifier';

export interface ParamDef {
  name: string;
  /** MaxScale's parameter types: bool, count, int, string, quoted string, password, path, enum, service, serverlist, regex. */
  type: string;
  default_value?: string;
  enum_values?: string[];
  /** A comma-separated list of enum values is accepted (qlafilter's log_data). */
  multi?: boolean;
  mandatory?: boolean;
}

export type CommandArgType = 'MONITOR' | 'SERVER' | 'FILTER' | 'STRING';

export interface CommandDef {
  id: string;
  /** GET for read-only commands, POST for those that modify data. */
  method: 'GET' | 'POST';
  description: string;
  args: { type: CommandArgType; description: string; required: boolean }[];
}

export interface ModuleDef {
  name: string;
  module_type: ModuleType;
  version: string;
  description: string;
  status: 'In development' | 'Alpha' | 'Beta' | 'GA' | 'Experimental';
  parameters: ParamDef[];
  commands: CommandDef[];
}

const API_OF: Record<ModuleType, string> = {
  Filter: 'filter',
  Router: 'router',
  Monitor: 'monitor',
  Protocol: 'protocol',
  Authenticator: 'authenticator',
  QueryClassifier: 'query_classifier',
};

export function apiOf(type: ModuleType): string {
  return API_OF[type];
}

const bool = (name: string, def: boolean): ParamDef => ({ name, type: 'bool', default_value: String(def) });
const count = (name: string, def: number): ParamDef => ({ name, type: 'count', default_value: String(def) });
const str = (name: string, def?: string): ParamDef =>
  def === undefined ? { name, type: 'string' } : { name, type: 'string', default_value: def };
const enumeration = (name: string, values: string[], def: string, multi = false): ParamDef => ({
  name,
  type: 'enum',
  default_value: def,
  enum_values: values,
  ...(multi ? { multi } : {}),
});

/** Parameters every monitor has (monitor.cc), whatever its module. `user` and `password` are mandatory. */
export const COMMON_MONITOR_PARAMETERS: ParamDef[] = [
  { name: 'user', type: 'string', mandatory: true },
  { name: 'password', type: 'password', mandatory: true },
  count('monitor_interval', 2000),
  count('backend_connect_timeout', 3),
  count('backend_read_timeout', 1),
  count('backend_write_timeout', 2),
  count('backend_connect_attempts', 1),
  count('journal_max_age', 28800),
  str('script'),
  count('script_timeout', 90),
];

const monitorArg = { type: 'MONITOR', description: 'Monitor name', required: true } as const;

export const MODULES: readonly ModuleDef[] = [
  {
    name: 'mariadbmon',
    module_type: 'Monitor',
    version: 'V1.5.0',
    description: 'A MariaDB Master/Slave replication monitor',
    status: 'GA',
    parameters: [
      bool('detect_replication_lag', false),
      bool('detect_stale_master', true),
      bool('detect_stale_slave', true),
      bool('mysql51_replication', false),
      bool('multimaster', false),
      bool('detect_standalone_master', true),
      count('failcount', 5),
      bool('allow_cluster_recovery', true),
      bool('ignore_external_masters', false),
      bool('auto_failover', false),
      bool('auto_rejoin', false),
      bool('enforce_read_only_slaves', false),
      count('failover_timeout', 90),
      count('switchover_timeout', 90),
      str('replication_user'),
      { name: 'replication_password', type: 'password' },
      bool('verify_master_failure', true),
      count('master_failure_timeout', 10),
      { name: 'servers_no_promotion', type: 'serverlist' },
      bool('handle_events', true),
    ],
    commands: [
      {
        id: 'switchover',
        method: 'POST',
        description: 'Perform master switchover',
        args: [
          monitorArg,
          { type: 'SERVER', description: 'New master (optional)', required: false },
          { type: 'SERVER', description: 'Current master (optional)', required: false },
        ],
      },
      { id: 'failover', method: 'POST', description: 'Perform master failover', args: [monitorArg] },
      {
        id: 'rejoin',
        method: 'POST',
        description: 'Rejoin server to a cluster',
        args: [monitorArg, { type: 'SERVER', description: 'Joining server', required: true }],
      },
      {
        id: 'reset-replication',
        method: 'POST',
        description: 'Delete slave connections, delete binary logs and set up replication (dangerous)',
        args: [monitorArg, { type: 'SERVER', description: 'Master server (optional)', required: false }],
      },
    ],
  },
  {
    name: 'galeramon',
    module_type: 'Monitor',
    version: 'V2.0.0',
    description: 'A Galera cluster monitor',
    status: 'GA',
    parameters: [
      bool('disable_master_failback', false),
      bool('available_when_donor', false),
      bool('disable_master_role_setting', false),
      bool('root_node_as_master', false),
      bool('use_priority', false),
      bool('set_donor_nodes', false),
    ],
    commands: [],
  },
  {
    name: 'readwritesplit',
    module_type: 'Router',
    version: 'V1.1.0',
    description: 'A Read/Write splitting router for enhancement read scalability',
    status: 'GA',
    parameters: [
      enumeration('use_sql_variables_in', ['master', 'all'], 'all'),
      enumeration(
        'slave_selection_criteria',
        ['LEAST_GLOBAL_CONNECTIONS', 'LEAST_ROUTER_CONNECTIONS', 'LEAST_BEHIND_MASTER', 'LEAST_CURRENT_OPERATIONS', 'ADAPTIVE_ROUTING'],
        'LEAST_CURRENT_OPERATIONS',
      ),
      enumeration('master_failure_mode', ['fail_instantly', 'fail_on_write', 'error_on_write'], 'fail_instantly'),
      { name: 'max_slave_replication_lag', type: 'int', default_value: '-1' },
      str('max_slave_connections', '255'),
      bool('retry_failed_reads', true),
      bool('prune_sescmd_history', false),
      bool('disable_sescmd_history', false),
      count('max_sescmd_history', 50),
      bool('strict_multi_stmt', false),
      bool('strict_sp_calls', false),
      bool('master_accept_reads', false),
      count('connection_keepalive', 300),
      bool('causal_reads', false),
      str('causal_reads_timeout', '10'),
      bool('master_reconnection', false),
      bool('delayed_retry', false),
      count('delayed_retry_timeout', 10),
      bool('transaction_replay', false),
      str('transaction_replay_max_size', '1Mi'),
      bool('optimistic_trx', false),
    ],
    commands: [],
  },
  {
    name: 'readconnroute',
    module_type: 'Router',
    version: 'V1.1.0',
    description: 'A connection based router to load balance based on connections',
    status: 'GA',
    parameters: [],
    commands: [],
  },
  {
    name: 'schemarouter',
    module_type: 'Router',
    version: 'V1.0.0',
    description: 'A database sharding router for simple sharding',
    status: 'Beta',
    parameters: [
      str('ignore_databases'),
      { name: 'ignore_databases_regex', type: 'regex' },
      count('max_sescmd_history', 0),
      bool('disable_sescmd_history', false),
      bool('refresh_databases', true),
      count('refresh_interval', 300),
      bool('debug', false),
      str('preferred_server'),
    ],
    commands: [],
  },
  {
    name: 'cli',
    module_type: 'Router',
    version: 'V1.0.0',
    description: 'The admin user interface',
    status: 'GA',
    parameters: [],
    commands: [],
  },
  {
    name: 'qlafilter',
    module_type: 'Filter',
    version: 'V1.1.1',
    description: 'A simple query logging filter',
    status: 'GA',
    parameters: [
      { name: 'match', type: 'regex' },
      { name: 'exclude', type: 'regex' },
      str('user'),
      str('source'),
      { name: 'filebase', type: 'string', mandatory: true },
      enumeration('options', ['ignorecase', 'case', 'extended'], 'ignorecase'),
      enumeration('log_type', ['session', 'unified', 'stdout'], 'session', true),
      enumeration('log_data', ['service', 'session', 'date', 'user', 'reply_time', 'query', 'default_db'], 'date,user,query', true),
      { name: 'newline_replacement', type: 'quoted string', default_value: ' ' },
      { name: 'separator', type: 'quoted string', default_value: ',' },
      bool('flush', false),
      bool('append', false),
    ],
    commands: [],
  },
  {
    name: 'hintfilter',
    module_type: 'Filter',
    version: 'V1.0.0',
    description: 'A hint parsing filter',
    status: 'Alpha',
    parameters: [],
    commands: [],
  },
  {
    name: 'dbfwfilter',
    module_type: 'Filter',
    version: 'V1.2.0',
    description: 'Firewall Filter',
    status: 'GA',
    parameters: [
      { name: 'rules', type: 'path', mandatory: true },
      bool('log_match', false),
      bool('log_no_match', false),
      enumeration('action', ['allow', 'block', 'ignore'], 'block'),
    ],
    commands: [
      {
        id: 'rules/reload',
        method: 'POST',
        description: 'Reload dbfwfilter rules',
        args: [
          { type: 'FILTER', description: 'Filter to reload', required: true },
          { type: 'STRING', description: 'Path to rule file', required: false },
        ],
      },
      {
        id: 'rules',
        method: 'GET',
        description: 'Show dbfwfilter rule statistics',
        args: [{ type: 'FILTER', description: 'Filter to inspect', required: true }],
      },
      {
        id: 'rules/json',
        method: 'GET',
        description: 'Show dbfwfilter rule statistics as JSON',
        args: [{ type: 'FILTER', description: 'Filter to inspect', required: true }],
      },
    ],
  },
  {
    name: 'regexfilter',
    module_type: 'Filter',
    version: 'V1.1.0',
    description: 'A query rewrite filter that uses regular expressions to rewrite queries',
    status: 'GA',
    parameters: [
      str('source'),
      str('user'),
      { name: 'match', type: 'string', mandatory: true },
      { name: 'replace', type: 'string', mandatory: true },
      enumeration('options', ['ignorecase', 'case', 'extended'], 'ignorecase'),
      str('log_file'),
      bool('log_trace', false),
    ],
    commands: [],
  },
  {
    name: 'tee',
    module_type: 'Filter',
    version: 'V1.1.0',
    description: 'A tee piece in the filter plumbing',
    status: 'GA',
    parameters: [
      { name: 'service', type: 'service', mandatory: true },
      { name: 'match', type: 'regex' },
      { name: 'exclude', type: 'regex' },
      str('source'),
      str('user'),
      enumeration('options', ['ignorecase', 'case', 'extended'], 'ignorecase'),
    ],
    commands: [],
  },
  {
    name: 'MariaDBClient',
    module_type: 'Protocol',
    version: 'V1.1.0',
    description: 'The client to MaxScale MySQL protocol implementation',
    status: 'GA',
    parameters: [],
    commands: [],
  },
  {
    name: 'MariaDBBackend',
    module_type: 'Protocol',
    version: 'V2.0.0',
    description: 'The MySQL to backend server protocol',
    status: 'GA',
    parameters: [],
    commands: [],
  },
  {
    name: 'maxscaled',
    module_type: 'Protocol',
    version: 'V2.0.0',
    description: 'A maxscale protocol for the administration interface',
    status: 'GA',
    parameters: [],
    commands: [],
  },
  {
    name: 'MySQLAuth',
    module_type: 'Authenticator',
    version: 'V1.1.0',
    description: 'The MySQL client to MaxScale authenticator implementation',
    status: 'GA',
    parameters: [],
    commands: [],
  },
  {
    name: 'MySQLBackendAuth',
    module_type: 'Authenticator',
    version: 'V1.0.0',
    description: 'The MySQL MaxScale to backend server authenticator',
    status: 'GA',
    parameters: [],
    commands: [],
  },
  {
    name: 'MaxAdminAuth',
    module_type: 'Authenticator',
    version: 'V2.1.0',
    description: 'The MaxScale Admin client authenticator implementation',
    status: 'GA',
    parameters: [],
    commands: [],
  },
  {
    name: 'qc_sqlite',
    module_type: 'QueryClassifier',
    version: 'V1.0.0',
    description: 'Query classifier using sqlite.',
    status: 'Beta',
    parameters: [],
    commands: [],
  },
];

/** The old names MaxScale 2.3 still loads under their new ones. */
const ALIASES: Record<string, string> = {
  mysqlmon: 'mariadbmon',
  mysqlclient: 'MariaDBClient',
  mysqlbackend: 'MariaDBBackend',
};

/** Module names are case-insensitive when MaxScale loads them (`router=ReadWriteSplit` works), and old names are aliases. */
export function findModule(name: string): ModuleDef | undefined {
  const key = name.toLowerCase();
  // Own keys only: `__proto__` or `constructor` must not find Object's.
  const lower = (Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined)?.toLowerCase() ?? key;
  return MODULES.find((m) => m.name === name) ?? MODULES.find((m) => m.name.toLowerCase() === lower);
}

/** The module's own name for a name or alias; unknown names stay as they are. */
export function canonicalModule(name: string): string {
  return findModule(name)?.name ?? name;
}

const forbidden = (detail: string) => ApiError.from(Errors.FORBIDDEN, detail);

/** The module a monitor, filter or service names; an unknown one, or one of the wrong type, is a 403. */
export function requireModule(name: string, type: ModuleType): ModuleDef {
  const module = findModule(name);
  if (!module) throw forbidden(`Failed to load module '${name}': the twin simulates no such module (see GET /maxscale/modules)`);
  if (module.module_type !== type) {
    throw forbidden(`Module '${module.name}' is a ${module.module_type} module, not a ${type} module`);
  }
  return module;
}

const TRUE = /^(true|yes|on|1)$/i;
const FALSE = /^(false|no|off|0)$/i;

/** Checks one value against its definition and returns it normalized (booleans and numbers typed). */
function checkValue(module: string, def: ParamDef, value: ParamValue): ParamValue {
  const bad = (what: string) => forbidden(`Invalid value '${String(value)}' for parameter '${def.name}' of '${module}': ${what}`);
  switch (def.type) {
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (TRUE.test(String(value))) return true;
      if (FALSE.test(String(value))) return false;
      throw bad('expected a boolean');
    case 'count':
    case 'int': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      if (!Number.isInteger(n)) throw bad('expected an integer');
      if (def.type === 'count' && n < 0) throw bad('expected a non-negative integer');
      return n;
    }
    case 'enum': {
      const values = def.multi ? String(value).split(',') : [String(value)];
      for (const v of values) {
        if (!def.enum_values?.includes(v.trim()))
          throw bad(`expected ${def.multi ? 'a list of' : 'one of'} ${def.enum_values?.join(', ')}`);
      }
      return String(value);
    }
    default:
      return value;
  }
}

/** A definition's default as a typed value. */
function defaultOf(def: ParamDef): ParamValue | undefined {
  if (def.default_value === undefined) return undefined;
  if (def.type === 'bool') return def.default_value === 'true';
  if (def.type === 'count' || def.type === 'int') return Number(def.default_value);
  return def.default_value;
}

/**
 * Checks parameters against the definitions: unknown names, bad values and
 * (on creation) missing mandatory parameters are 403s. On creation the
 * defaults of the parameters not given are filled in, as MaxScale shows them.
 */
export function checkParameters(module: string, defs: readonly ParamDef[], given: Params, mode: 'create' | 'update'): Params {
  const out: Params = {};
  for (const [name, value] of Object.entries(given)) {
    const def = defs.find((d) => d.name === name);
    if (!def) throw forbidden(`Unknown parameter '${name}' for '${module}'`);
    out[name] = checkValue(module, def, value);
  }
  if (mode === 'update') return out;
  const missing = defs.filter((d) => d.mandatory && !(d.name in given)).map((d) => d.name);
  if (missing.length) throw forbidden(`Missing mandatory parameter${missing.length > 1 ? 's' : ''} for '${module}': ${missing.join(', ')}`);
  const filled: Params = {};
  for (const def of defs) {
    const value = def.name in out ? out[def.name] : defaultOf(def);
    if (value !== undefined) filled[def.name] = value;
  }
  return filled;
}

/** Every parameter a monitor of this module can have: the common ones, then the module's. */
export function monitorParameterDefs(module: ModuleDef): ParamDef[] {
  return [...COMMON_MONITOR_PARAMETERS, ...module.parameters];
}

/** The type string MaxScale shows for a command argument: `SERVER`, or `[SERVER]` when optional. */
export function argTypeString(arg: CommandDef['args'][number]): string {
  return arg.required ? arg.type : `[${arg.type}]`;
}
