/**
 * Where the MaxScale twin's initial state comes from: a JSON data file (by
 * default the documented examples in data/maxscale.json), plus the configured
 * admin user.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { projectRoot } from '../spec/load.js';
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

export function initialState(config: Config): MaxscaleState {
  return withAdminUser(readStateFile(config.dataFile ?? defaultDataFile()), config);
}
