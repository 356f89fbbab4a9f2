/**
 * The MaxScale core object behind `/maxscale` and `/maxscale/logs`: the
 * documented defaults, which parameters can change at runtime, and how a
 * state file's (or a maxscale.cnf's) partial `maxscale` object becomes a
 * full record.
 */
import { ApiError, Errors } from '../errors.js';
import type { CoreRecord, LogParameters, Params, ParamValue } from './records.js';

/** The core parameters of Resources-MaxScale.md's example, plus `passive`; `admin_auth` is on, as MaxScale's default. */
export const CORE_PARAMETER_DEFAULTS: Params = {
  libdir: '/usr/lib64/maxscale',
  datadir: '/var/lib/maxscale',
  process_datadir: '/var/lib/maxscale/data16218',
  cachedir: '/var/cache/maxscale',
  configdir: '/etc',
  config_persistdir: '/var/lib/maxscale/maxscale.cnf.d',
  module_configdir: '/etc/maxscale.modules.d',
  piddir: '/var/run/maxscale',
  logdir: '/var/log/maxscale',
  langdir: '/var/lib/maxscale',
  execdir: '/usr/bin',
  connector_plugindir: '/var/lib/plugin',
  threads: 4,
  thread_stack_size: 8388608,
  auth_connect_timeout: 3,
  auth_read_timeout: 1,
  auth_write_timeout: 2,
  skip_permission_checks: false,
  admin_auth: true,
  admin_enabled: true,
  admin_log_auth_failures: true,
  admin_host: '::',
  admin_port: 8989,
  admin_ssl_key: '',
  admin_ssl_cert: '',
  admin_ssl_ca_cert: '',
  passive: false,
  query_classifier: '',
  query_classifier_cache_size: 416215859,
  retain_last_statements: 2,
  dump_last_statements: 'never',
  load_persisted_configs: false,
};

/** The parameters `PATCH /maxscale` may change (Resources-MaxScale.md). */
export const RUNTIME_CORE_PARAMETERS = [
  'admin_auth',
  'auth_connect_timeout',
  'auth_read_timeout',
  'auth_write_timeout',
  'admin_log_auth_failures',
  'passive',
] as const;

export const LOG_PARAMETER_DEFAULTS: LogParameters = {
  highprecision: false,
  maxlog: true,
  syslog: true,
  throttling: { count: 10, suppress_ms: 10000, window_ms: 1000 },
  log_warning: true,
  log_notice: true,
  log_info: false,
  log_debug: false,
  log_to_shm: false,
};

export const DEFAULT_VERSION = '2.3.6';
export const DEFAULT_COMMIT = '47158faf12c156775c39388652a77f8a8c542d28';

/** RFC 7231's HTTP-date, which MaxScale uses for `started_at` and `activated_at`. */
export function httpDate(date: Date): string {
  return date.toUTCString();
}

const TRUE = /^(true|yes|on|1)$/i;
const FALSE = /^(false|no|off|0)$/i;

function asBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string' && TRUE.test(value)) return true;
  if (typeof value === 'string' && FALSE.test(value)) return false;
  return undefined;
}

function asInt(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isInteger(n) ? n : undefined;
}

/** An integer, or a size with MaxScale's suffixes (`1Gi` = 2^30, `1G` = 10^9). */
function asSize(value: unknown): number | undefined {
  const n = asInt(value);
  if (n !== undefined || typeof value !== 'string') return n;
  const m = /^(\d+)\s*([kmgt])(i?)$/i.exec(value.trim());
  if (!m) return undefined;
  const power = 'kmgt'.indexOf((m[2] as string).toLowerCase()) + 1;
  return Number(m[1]) * (m[3] ? 1024 : 1000) ** power;
}

/** maxscale.cnf names of logging settings, mapped to the `/maxscale/logs` parameter they set. */
const LOG_KEYS: Record<string, keyof LogParameters> = {
  highprecision: 'highprecision',
  ms_timestamp: 'highprecision',
  maxlog: 'maxlog',
  syslog: 'syslog',
  log_warning: 'log_warning',
  log_notice: 'log_notice',
  log_info: 'log_info',
  log_debug: 'log_debug',
  log_to_shm: 'log_to_shm',
};

/**
 * Splits raw `[maxscale]` settings (from a data file's `parameters` or a
 * maxscale.cnf) into typed core parameters and logging parameters: the
 * documented parameters take the type of their default; `threads=auto` is 4;
 * `log_throttling=count, window_ms, suppress_ms` sets `throttling`.
 */
export function splitCoreSettings(raw: Record<string, unknown>): { parameters: Params; logs: Partial<LogParameters> } {
  const parameters: Params = {};
  const logs: Partial<LogParameters> = {};
  for (const [key, value] of Object.entries(raw)) {
    const logKey = Object.hasOwn(LOG_KEYS, key) ? LOG_KEYS[key] : undefined;
    if (logKey && logKey !== 'throttling') {
      const b = asBool(value);
      if (b !== undefined) logs[logKey] = b;
      continue;
    }
    if (key === 'log_throttling' || key === 'throttling') {
      const parts = typeof value === 'string' ? value.split(',').map((p) => asInt(p.trim().replace(/ms$/, ''))) : [];
      const [count, window_ms, suppress_ms] = parts;
      if (count !== undefined && window_ms !== undefined && suppress_ms !== undefined) logs.throttling = { count, window_ms, suppress_ms };
      continue;
    }
    const def = CORE_PARAMETER_DEFAULTS[key];
    if (key === 'threads' && value === 'auto') parameters.threads = 4;
    else if (typeof def === 'boolean') parameters[key] = asBool(value) ?? def;
    else if (typeof def === 'number') parameters[key] = asSize(value) ?? def;
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') parameters[key] = value as ParamValue;
  }
  return { parameters, logs };
}

/** A full core record from a state file's partial `maxscale` object, with the documented defaults. */
export function coreRecord(partial: Record<string, unknown> | undefined, now: Date): CoreRecord {
  const p = partial ?? {};
  const given = typeof p.parameters === 'object' && p.parameters !== null ? (p.parameters as Record<string, unknown>) : {};
  const split = splitCoreSettings(given);
  const logsIn =
    typeof p.logs === 'object' && p.logs !== null ? (p.logs as { parameters?: Partial<LogParameters>; log_file?: unknown }) : {};
  const parameters = { ...CORE_PARAMETER_DEFAULTS, ...split.parameters };
  const logParameters: LogParameters = {
    ...LOG_PARAMETER_DEFAULTS,
    ...split.logs,
    ...logsIn.parameters,
    throttling: { ...LOG_PARAMETER_DEFAULTS.throttling, ...split.logs.throttling, ...logsIn.parameters?.throttling },
  };
  const started = typeof p.started_at === 'string' ? p.started_at : httpDate(now);
  return {
    parameters,
    version: typeof p.version === 'string' ? p.version : DEFAULT_VERSION,
    commit: typeof p.commit === 'string' ? p.commit : DEFAULT_COMMIT,
    started_at: started,
    activated_at: typeof p.activated_at === 'string' ? p.activated_at : started,
    logs: {
      parameters: logParameters,
      log_file: typeof logsIn.log_file === 'string' ? logsIn.log_file : `${String(parameters.logdir)}/maxscale.log`,
    },
  };
}

const forbidden = (detail: string) => ApiError.from(Errors.FORBIDDEN, detail);

/**
 * Checks a `PATCH /maxscale` parameter set against the current parameters:
 * a parameter given its current value is no change (the whole GET document
 * may be sent back); only the runtime-changeable ones may differ; an unknown
 * name is refused. Answers the parameters that change.
 */
export function checkCoreUpdate(given: Record<string, unknown>, current: Params): Params {
  const out: Params = {};
  for (const [name, value] of Object.entries(given)) {
    const known = name in current || name in CORE_PARAMETER_DEFAULTS;
    if (!known) throw forbidden(`Unknown MaxScale parameter '${name}'`);
    if (value === current[name]) continue;
    if (!(RUNTIME_CORE_PARAMETERS as readonly string[]).includes(name)) {
      throw forbidden(`Parameter '${name}' cannot be modified at runtime; only ${RUNTIME_CORE_PARAMETERS.join(', ')} can`);
    }
    const def = CORE_PARAMETER_DEFAULTS[name];
    if (typeof def === 'boolean' && typeof value !== 'boolean') throw forbidden(`Parameter '${name}' must be a boolean`);
    if (typeof def === 'number' && !(typeof value === 'number' && Number.isInteger(value) && value > 0)) {
      throw forbidden(`Parameter '${name}' must be a positive integer`);
    }
    out[name] = value as ParamValue;
  }
  return out;
}

/**
 * Checks a `PATCH /maxscale/logs` parameter set: every logging parameter
 * may change but `log_to_shm`, which may only be given its current value.
 */
export function checkLogsUpdate(given: Record<string, unknown>, current: LogParameters): LogParameters {
  const next: LogParameters = { ...current, throttling: { ...current.throttling } };
  for (const [name, value] of Object.entries(given)) {
    if (name === 'throttling') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw forbidden(`Parameter 'throttling' must be an object`);
      for (const [key, n] of Object.entries(value)) {
        if (!(key in current.throttling)) throw forbidden(`Unknown throttling parameter '${key}'`);
        if (!(typeof n === 'number' && Number.isInteger(n) && n >= 0))
          throw forbidden(`Throttling '${key}' must be a non-negative integer`);
        (next.throttling as Record<string, number>)[key] = n;
      }
      continue;
    }
    if (!(name in LOG_PARAMETER_DEFAULTS)) throw forbidden(`Unknown logging parameter '${name}'`);
    if (typeof value !== 'boolean') throw forbidden(`Parameter '${name}' must be a boolean`);
    if (name === 'log_to_shm' && value !== current.log_to_shm) throw forbidden(`Parameter 'log_to_shm' cannot be modified at runtime`);
    (next as unknown as Record<string, boolean>)[name] = value;
  }
  return next;
}

/** The enabled priorities, as `log_priorities` lists them: error always, then the enabled levels. */
export function logPriorities(p: LogParameters): ('error' | 'warning' | 'notice' | 'info' | 'debug')[] {
  const out: ('error' | 'warning' | 'notice' | 'info' | 'debug')[] = ['error'];
  if (p.log_warning) out.push('warning');
  if (p.log_notice) out.push('notice');
  if (p.log_info) out.push('info');
  if (p.log_debug) out.push('debug');
  return out;
}
