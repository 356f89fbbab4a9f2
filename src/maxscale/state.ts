/**
 * Where the MaxScale twin's initial state comes from: a MaxScale
 * configuration file when `--maxscale-config` is given, otherwise a JSON data
 * file (by default the documented examples in data/maxscale.json), plus the
 * configured admin user.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { projectRoot } from '../spec/load.js';
import { readMaxscaleCnf } from './cnf.js';
import { checkStateConsistency } from './model.js';
import type { MaxscaleState } from './records.js';

export function defaultDataFile(): string {
  return join(projectRoot(), 'data', 'maxscale.json');
}

const KINDS = ['servers', 'monitors', 'filters', 'services', 'listeners', 'sessions', 'users'] as const;

export function readStateFile(path: string): MaxscaleState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read MaxScale data file ${path}: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`MaxScale data file ${path} must hold a JSON object`);
  }
  const obj = parsed as Record<string, unknown>;
  for (const kind of KINDS) {
    if (obj[kind] === undefined) obj[kind] = [];
    if (!Array.isArray(obj[kind])) throw new Error(`MaxScale data file ${path}: '${kind}' must be an array`);
  }
  const state = obj as unknown as MaxscaleState;
  try {
    checkStateConsistency(state);
  } catch (err) {
    throw new Error(`MaxScale data file ${path}: ${(err as Error).message}`);
  }
  return state;
}

/** Adds (or overrides) the configured admin user, so `admin:mariadb` always works on a default start. */
export function withAdminUser(state: MaxscaleState, config: Pick<Config, 'adminUser' | 'adminPassword'>): MaxscaleState {
  const users = state.users.filter((u) => !(u.type === 'inet' && u.name === config.adminUser));
  return {
    ...state,
    users: [{ name: config.adminUser, type: 'inet', account: 'admin', password: config.adminPassword }, ...users],
  };
}

/**
 * The state the twin starts from (and the test-only reset goes back to). A
 * maxscale.cnf wins over the data file; an invalid one throws a CnfError
 * (`file:line: reason`), which stops the start. `admin_auth=false` in it
 * turns authentication off, as `maxscale.parameters.admin_auth`.
 */
export function initialState(config: Config): MaxscaleState {
  const state = config.maxscaleConfig ? readMaxscaleCnf(config.maxscaleConfig).state : readStateFile(config.dataFile ?? defaultDataFile());
  return withAdminUser(state, config);
}

/**
 * The listening address and port a maxscale.cnf asks for (`admin_host`,
 * `admin_port` of `[maxscale]`), unless `--host` / `--maxscale-port` (or their
 * environment variables) were given. Without a cnf the config is unchanged.
 */
export function withMaxscaleConfig(config: Config): Config {
  if (!config.maxscaleConfig) return config;
  const { admin } = readMaxscaleCnf(config.maxscaleConfig);
  return {
    ...config,
    ...(admin.host !== undefined && !config.explicit.host ? { host: admin.host } : {}),
    ...(admin.port !== undefined && !config.explicit.maxscalePort ? { maxscalePort: admin.port } : {}),
  };
}
