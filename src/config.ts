/**
 * The one typed configuration of apitwin. `loadConfig` is the only place that
 * reads flags and the environment; everything else receives a Config.
 */
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MAX_BODY_DEPTH, MAX_BODY_DEPTH_CEILING } from './http/guards.js';
import { projectRoot } from './spec/load.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  /** Address both twins listen on. */
  host: string;
  /** Port of the MaxScale twin (MaxScale's default admin port). */
  maxscalePort: number;
  /** Port of the pip-sessions twin (the real service's default). */
  pipPort: number;
  /** Base URL written into JSON API `links`; defaults to http://localhost:<maxscalePort>. */
  publicUrl: string | undefined;
  /** The default administrative user of the MaxScale twin. */
  adminUser: string;
  adminPassword: string;
  /** `memory` (default) or `sqlite:PATH`. */
  store: string;
  /** JSON file with the MaxScale twin's initial objects; defaults to data/maxscale.json. */
  dataFile: string | undefined;
  /** A MaxScale 2.3 configuration file (maxscale.cnf) to start from. */
  maxscaleConfig: string | undefined;
  logLevel: LogLevel;
  /** Validate every response against the spec (on in tests and by default). */
  validateResponses: boolean;
  /** Deepest nesting of a JSON request body (deeper is a 400 before anything is parsed or stored). */
  maxBodyDepth: number;
  /**
   * The only folder dbfwfilter rule files are read from (a relative `rules`
   * path is read inside it); undefined reads none. Defaults to the folder of
   * the data file (the bundled data/ folder).
   */
  dbfwRulesDir: string | undefined;
  /** HTTP server timeouts, in ms (Node's http.Server options of the same names). */
  http: {
    /** Time to receive a request's complete headers. */
    headersTimeout: number;
    /** Time to receive a whole request, body included. */
    requestTimeout: number;
    /** How long an idle keep-alive connection is kept open. */
    keepAliveTimeout: number;
  };
  /** Serve the admin API (openapi/apitwin-admin.yaml) under `/__apitwin` on both ports, and honour `Prefer`. */
  adminApi: boolean;
  /** How many requests the admin API's journal keeps. */
  journalSize: number;
  /** CORS on every path: `*` (any origin), a list of origins, or none (`[]`). */
  corsOrigins: readonly string[];
  /** `serve --spec`: any OpenAPI 3.x / Swagger 2.0 document (file or URL) served as a generic twin instead of the two twins. */
  spec: string | undefined;
  /** Port of the generic twin (`--spec`). */
  port: number;
  /** Which settings were given by flag or environment (a maxscale.cnf must not override those). */
  explicit: { host: boolean; maxscalePort: boolean; adminUser: boolean };
  pip: {
    /** Largest page `get_sessions` returns (`take` is capped here). */
    maxPageSize: number;
    /** Idle time after which an active session is closed by the expiry timer. */
    expireTimeoutMs: number;
    /** How often the expiry timer runs; 0 turns it off. */
    cleanupIntervalMs: number;
    /** Largest request body in bytes (413 above; the real service has no limit, so one no real client meets). */
    maxBodyBytes: number;
  };
}

/**
 * Short enough that a slow client cannot pin a connection for minutes (Node's
 * own request timeout is 300 s), long enough for any real client.
 */
export const DEFAULT_HTTP_TIMEOUTS = { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 } as const;

export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return {
    host: '127.0.0.1',
    maxscalePort: 8989,
    pipPort: 8080,
    publicUrl: undefined,
    adminUser: 'admin',
    adminPassword: 'mariadb',
    store: 'memory',
    dataFile: undefined,
    maxscaleConfig: undefined,
    logLevel: 'info',
    validateResponses: true,
    maxBodyDepth: DEFAULT_MAX_BODY_DEPTH,
    dbfwRulesDir: join(projectRoot(), 'data'),
    adminApi: false,
    journalSize: 1000,
    corsOrigins: ['*'],
    spec: undefined,
    port: 4010,
    explicit: { host: false, maxscalePort: false, adminUser: false },
    ...overrides,
    http: { ...DEFAULT_HTTP_TIMEOUTS, ...overrides.http },
    pip: {
      maxPageSize: 100,
      expireTimeoutMs: 24 * 60 * 60 * 1000,
      cleanupIntervalMs: 15 * 60 * 1000,
      maxBodyBytes: 32 * 1024 * 1024,
      ...overrides.pip,
    },
  };
}

/** A config for tests: ephemeral, validating, with the admin API (its state reset) and quiet logs. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return defaultConfig({ logLevel: 'silent', adminApi: true, validateResponses: true, ...overrides });
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function toPort(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`${name} must be a port number (0-65535), got '${value}'`);
  return n;
}

function toInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a non-negative integer, got '${value}'`);
  return n;
}

function toBool(name: string, value: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, got '${value}'`);
}

/** `*`, `off` (or false/none), or origins such as `http://localhost:3000,https://app.example`. */
function toOrigins(name: string, value: string): string[] {
  if (/^(off|false|no|none|0)$/i.test(value.trim())) return [];
  const origins = value
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin))
      throw new ConfigError(`${name} must be '*', off, or origins like http://localhost:3000, got '${origin}'`);
  }
  return origins.includes('*') ? ['*'] : origins;
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Each option: its flag, the kind of value it takes, its environment variable, and what it means. */
export const OPTIONS = {
  host: { arg: 'ADDR', env: 'APITWIN_HOST', help: 'address to listen on (default 127.0.0.1)' },
  spec: {
    arg: 'FILE|URL',
    env: 'APITWIN_SPEC',
    help: 'serve a twin of any OpenAPI 3.x or Swagger 2.0 spec instead of the two twins (--data-file: its state)',
  },
  port: { arg: 'PORT', env: 'APITWIN_PORT', help: 'port of the --spec twin (default 4010)' },
  'maxscale-port': { arg: 'PORT', env: 'APITWIN_MAXSCALE_PORT', help: 'port of the MaxScale twin (default 8989)' },
  'pip-port': { arg: 'PORT', env: 'APITWIN_PIP_PORT', help: 'port of the pip-sessions twin (default 8080)' },
  'public-url': {
    arg: 'URL',
    env: 'APITWIN_PUBLIC_URL',
    help: 'base URL used in JSON API links (default http://localhost:<maxscale-port>)',
  },
  'admin-user': { arg: 'NAME', env: 'APITWIN_ADMIN_USER', help: 'default MaxScale admin user (default admin)' },
  'admin-password': { arg: 'PASSWORD', env: 'APITWIN_ADMIN_PASSWORD', help: 'its password (default mariadb)' },
  store: { arg: 'STORE', env: 'APITWIN_STORE', help: 'memory (default) or sqlite:PATH' },
  'data-file': { arg: 'PATH', env: 'APITWIN_DATA_FILE', help: 'JSON file with the MaxScale initial state (default data/maxscale.json)' },
  'maxscale-config': { arg: 'PATH', env: 'APITWIN_MAXSCALE_CONFIG', help: 'a maxscale.cnf to use as the initial state' },
  'log-level': { arg: 'LEVEL', env: 'APITWIN_LOG_LEVEL', help: 'fatal|error|warn|info|debug|trace|silent (default info)' },
  'validate-responses': { arg: 'BOOL', env: 'APITWIN_VALIDATE_RESPONSES', help: 'validate every response against the spec (default true)' },
  'max-body-depth': {
    arg: 'N',
    env: 'APITWIN_MAX_BODY_DEPTH',
    help: `deepest nesting of a JSON request body, 1-${MAX_BODY_DEPTH_CEILING} (default ${DEFAULT_MAX_BODY_DEPTH})`,
  },
  'dbfw-rules-dir': {
    arg: 'PATH|none',
    env: 'APITWIN_DBFW_RULES_DIR',
    help: "the only folder dbfwfilter rule files are read from (default: the data file's folder); none reads no file",
  },
  'headers-timeout': { arg: 'MS', env: 'APITWIN_HEADERS_TIMEOUT_MS', help: "ms to receive a request's headers (default 10000)" },
  'request-timeout': { arg: 'MS', env: 'APITWIN_REQUEST_TIMEOUT_MS', help: 'ms to receive a whole request (default 30000)' },
  'keep-alive-timeout': {
    arg: 'MS',
    env: 'APITWIN_KEEP_ALIVE_TIMEOUT_MS',
    help: 'ms an idle keep-alive connection stays open (default 5000)',
  },
  'admin-api': {
    arg: 'BOOL',
    env: 'APITWIN_ADMIN_API',
    help: 'serve the admin API at /__apitwin (journal, faults, state) and honour Prefer (default false)',
  },
  'journal-size': { arg: 'N', env: 'APITWIN_JOURNAL_SIZE', help: 'requests the admin journal keeps (default 1000)' },
  cors: { arg: 'ORIGINS', env: 'APITWIN_CORS', help: "CORS: '*' (default), comma-separated origins, or off" },
  'pip-max-page-size': { arg: 'N', env: 'APITWIN_PIP_MAX_PAGE_SIZE', help: 'largest get_sessions page (default 100)' },
  'pip-expire-timeout': { arg: 'MS', env: 'APITWIN_PIP_EXPIRE_TIMEOUT_MS', help: 'idle ms before a session expires (default 86400000)' },
  'pip-cleanup-interval': { arg: 'MS', env: 'APITWIN_PIP_CLEANUP_INTERVAL_MS', help: 'ms between expiry sweeps, 0 = off (default 900000)' },
  'pip-max-body-size': {
    arg: 'BYTES',
    env: 'APITWIN_PIP_MAX_BODY_SIZE',
    help: 'largest pip request body, 413 above (default 33554432, 32 MiB)',
  },
} as const;

type OptionName = keyof typeof OPTIONS;

/** Flags that are on or off may be written alone (`--admin-api`), meaning true. */
const BARE_FLAGS = new Set(Object.entries(OPTIONS).flatMap(([name, o]) => (o.arg === 'BOOL' ? [`--${name}`] : [])));

function withBareFlags(argv: readonly string[]): string[] {
  return argv.map((arg, i) => {
    if (!BARE_FLAGS.has(arg)) return arg;
    const next = argv[i + 1];
    return next === undefined || next.startsWith('--') ? `${arg}=true` : arg;
  });
}

/** node:util's parseArgs, with its errors (unknown flag, missing value, stray word) said as a ConfigError. */
function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({
      args: withBareFlags(argv),
      options: Object.fromEntries(Object.keys(OPTIONS).map((k) => [k, { type: 'string' as const }])),
      allowPositionals: false,
      strict: true,
    });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    // Node names the culprit in quotes: 'Unknown option '--foo'', 'Option '--host <value>' argument missing'.
    const named = /'([^' ]+)/.exec((err as Error).message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new ConfigError(`unknown option '${named}'`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new ConfigError(`${named} needs a value: ${named}=VALUE`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
      throw new ConfigError(`unexpected argument '${named}': options are written --name=value`);
    throw err;
  }
}

/** Reads flags (which win) and environment variables into a Config. */
export function loadConfig(argv: readonly string[], env: Record<string, string | undefined>): Config {
  const parsed = parseFlags(argv);
  const get = (name: OptionName): string | undefined => {
    const flag = parsed.values[name];
    if (typeof flag === 'string') return flag;
    // An empty variable counts as unset (`APITWIN_HOST= apitwin serve`).
    const value = env[OPTIONS[name].env];
    return value === '' ? undefined : value;
  };
  /** How the user gave an option, for error messages: the flag, or the environment variable. */
  const label = (name: OptionName): string => (typeof parsed.values[name] === 'string' ? `--${name}` : OPTIONS[name].env);
  const config = defaultConfig();
  const v = {
    host: get('host'),
    spec: get('spec'),
    port: get('port'),
    maxscalePort: get('maxscale-port'),
    pipPort: get('pip-port'),
    publicUrl: get('public-url'),
    adminUser: get('admin-user'),
    adminPassword: get('admin-password'),
    store: get('store'),
    dataFile: get('data-file'),
    maxscaleConfig: get('maxscale-config'),
    logLevel: get('log-level'),
    validateResponses: get('validate-responses'),
    adminApi: get('admin-api'),
    journalSize: get('journal-size'),
    cors: get('cors'),
    maxPageSize: get('pip-max-page-size'),
    expire: get('pip-expire-timeout'),
    cleanup: get('pip-cleanup-interval'),
    maxBody: get('pip-max-body-size'),
    maxBodyDepth: get('max-body-depth'),
    dbfwRulesDir: get('dbfw-rules-dir'),
    headersTimeout: get('headers-timeout'),
    requestTimeout: get('request-timeout'),
    keepAliveTimeout: get('keep-alive-timeout'),
  };
  config.explicit = { host: v.host !== undefined, maxscalePort: v.maxscalePort !== undefined, adminUser: v.adminUser !== undefined };
  if (v.host !== undefined) config.host = v.host;
  if (v.spec !== undefined) config.spec = v.spec;
  if (v.port !== undefined) config.port = toPort(label('port'), v.port);
  if (v.maxscalePort !== undefined) config.maxscalePort = toPort(label('maxscale-port'), v.maxscalePort);
  if (v.pipPort !== undefined) config.pipPort = toPort(label('pip-port'), v.pipPort);
  if (v.publicUrl !== undefined) config.publicUrl = v.publicUrl.replace(/\/+$/, '');
  if (v.adminUser !== undefined) config.adminUser = v.adminUser;
  if (v.adminPassword !== undefined) config.adminPassword = v.adminPassword;
  if (v.store !== undefined) {
    if (v.store !== 'memory' && !/^sqlite:.+/.test(v.store))
      throw new ConfigError(`${label('store')} must be memory or sqlite:PATH, got '${v.store}'`);
    config.store = v.store;
  }
  if (v.dataFile !== undefined) {
    config.dataFile = v.dataFile;
    config.dbfwRulesDir = dirname(resolve(v.dataFile));
  }
  if (v.dbfwRulesDir !== undefined) config.dbfwRulesDir = v.dbfwRulesDir === 'none' ? undefined : resolve(v.dbfwRulesDir);
  if (v.maxBodyDepth !== undefined) {
    const n = toInt(label('max-body-depth'), v.maxBodyDepth);
    if (n < 1 || n > MAX_BODY_DEPTH_CEILING)
      throw new ConfigError(`${label('max-body-depth')} must be between 1 and ${MAX_BODY_DEPTH_CEILING}, got '${v.maxBodyDepth}'`);
    config.maxBodyDepth = n;
  }
  if (v.headersTimeout !== undefined) config.http.headersTimeout = toInt(label('headers-timeout'), v.headersTimeout);
  if (v.requestTimeout !== undefined) config.http.requestTimeout = toInt(label('request-timeout'), v.requestTimeout);
  if (v.keepAliveTimeout !== undefined) config.http.keepAliveTimeout = toInt(label('keep-alive-timeout'), v.keepAliveTimeout);
  // Node refuses a headers timeout longer than the request timeout (0 turns the request timeout off).
  if (config.http.requestTimeout > 0 && config.http.headersTimeout > config.http.requestTimeout)
    throw new ConfigError(
      `${label('headers-timeout')} (${config.http.headersTimeout}) must not be longer than ${label('request-timeout')} (${config.http.requestTimeout})`,
    );
  if (v.maxscaleConfig !== undefined) config.maxscaleConfig = v.maxscaleConfig;
  if (v.logLevel !== undefined) {
    if (!(LOG_LEVELS as readonly string[]).includes(v.logLevel))
      throw new ConfigError(`${label('log-level')} must be one of ${LOG_LEVELS.join(', ')}, got '${v.logLevel}'`);
    config.logLevel = v.logLevel as LogLevel;
  }
  if (v.validateResponses !== undefined) config.validateResponses = toBool(label('validate-responses'), v.validateResponses);
  if (v.adminApi !== undefined) config.adminApi = toBool(label('admin-api'), v.adminApi);
  if (v.journalSize !== undefined) config.journalSize = Math.max(1, toInt(label('journal-size'), v.journalSize));
  if (v.cors !== undefined) config.corsOrigins = toOrigins(label('cors'), v.cors);
  if (v.maxPageSize !== undefined) config.pip.maxPageSize = Math.max(1, toInt(label('pip-max-page-size'), v.maxPageSize));
  if (v.expire !== undefined) config.pip.expireTimeoutMs = toInt(label('pip-expire-timeout'), v.expire);
  if (v.cleanup !== undefined) config.pip.cleanupIntervalMs = toInt(label('pip-cleanup-interval'), v.cleanup);
  if (v.maxBody !== undefined) config.pip.maxBodyBytes = Math.max(1, toInt(label('pip-max-body-size'), v.maxBody));
  return config;
}

/** The ports the twins really listen on (port 0 picks one), told by `startServer` once it listens. */
const listening = new WeakMap<Config, Partial<Record<'maxscale' | 'pip', number>>>();

export function setListeningPorts(config: Config, ports: Partial<Record<'maxscale' | 'pip', number>>): void {
  listening.set(config, { ...listening.get(config), ...ports });
}

export function listeningPort(config: Config, twin: 'maxscale' | 'pip'): number {
  return listening.get(config)?.[twin] ?? (twin === 'maxscale' ? config.maxscalePort : config.pipPort);
}

/** The base of MaxScale's JSON API links: --public-url, else localhost and the port really listened on. */
export function publicUrl(config: Config): string {
  return config.publicUrl ?? `http://localhost:${listeningPort(config, 'maxscale')}`;
}
