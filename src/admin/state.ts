/**
 * The twins' whole state as a file (json-server's idea): MaxScale's as the
 * data file `--data-file` reads, pip-sessions' as a list of sessions. An
 * import is checked before anything changes, and the model replaces the
 * state in one store transaction, so a bad file changes nothing.
 */
import type { components } from '../../generated/apitwin-admin.js';
import type { Config } from '../config.js';
import { ApiError, Errors } from '../errors.js';
import { checkStateConsistency, type MaxscaleModel } from '../maxscale/model.js';
import type { MaxscaleState } from '../maxscale/records.js';
import { withAdminUser } from '../maxscale/state.js';
import type { SessionsModel } from '../pip/model.js';
import type { SessionRecord } from '../pip/store.js';

export type MaxscaleStateFile = components['schemas']['MaxscaleState'];
export type PipSessionsStateFile = components['schemas']['PipSessionsState'];

function invalid(detail: string): ApiError {
  return ApiError.from(Errors.VALIDATION_FAILED, detail, { details: { errors: [detail] } });
}

/** The MaxScale twin's state as a data file (the core object in full, so nothing falls back to a default). */
export function exportMaxscale(model: MaxscaleModel): MaxscaleStateFile {
  return {
    maxscale: model.core() as unknown as MaxscaleStateFile['maxscale'],
    servers: model.servers.list(),
    monitors: model.monitors.list(),
    filters: model.filters.list(),
    services: model.services.list(),
    listeners: model.listeners.list(),
    sessions: model.sessions.list(),
    users: model.users.list(),
  } as MaxscaleStateFile;
}

/** Replaces the MaxScale twin's state with a data file (already validated against its schema). */
export function importMaxscale(model: MaxscaleModel, file: MaxscaleStateFile, config: Config): void {
  const state = withAdminUser(
    {
      ...(file.maxscale !== undefined ? { maxscale: file.maxscale as Record<string, unknown> } : {}),
      servers: file.servers ?? [],
      monitors: file.monitors ?? [],
      filters: file.filters ?? [],
      services: file.services ?? [],
      listeners: file.listeners ?? [],
      sessions: file.sessions ?? [],
      users: file.users ?? [],
    } as MaxscaleState,
    config,
  );
  const duplicates = duplicateNames(state);
  if (duplicates.length) throw invalid(`The state names objects twice: ${duplicates.join(', ')}`);
  try {
    checkStateConsistency(state);
  } catch (err) {
    throw invalid(err instanceof Error ? err.message : String(err));
  }
  model.load(state);
}

function duplicateNames(state: MaxscaleState): string[] {
  const out: string[] = [];
  const check = (kind: string, keys: string[]) => {
    const seen = new Set<string>();
    for (const key of keys) {
      const folded = kind === 'services' ? key.toLowerCase() : key;
      if (seen.has(folded)) out.push(`${kind} '${key}'`);
      seen.add(folded);
    }
  };
  const keys: Record<string, string[]> = {
    servers: state.servers.map((x) => x.name),
    monitors: state.monitors.map((x) => x.name),
    filters: state.filters.map((x) => x.name),
    services: state.services.map((x) => x.name),
    listeners: state.listeners.map((x) => x.name),
    sessions: state.sessions.map((x) => x.id),
    users: state.users.map((x) => `${x.type}:${x.name}`),
  };
  for (const [kind, names] of Object.entries(keys)) check(kind, names);
  return out;
}

/** Every pip session, in the order they were opened, with `user` and `data`. */
export function exportPipSessions(model: SessionsModel): PipSessionsStateFile {
  const sessions = model.store
    .find({}, 0, undefined)
    .map((summary) => model.store.get(summary.id))
    .filter((s): s is SessionRecord => s !== undefined);
  return { sessions };
}

/**
 * Replaces every pip session. Times are stored as `Date#toISOString` gives
 * them (the store compares them as strings), so they are normalised here.
 */
export function importPipSessions(model: SessionsModel, file: PipSessionsStateFile): void {
  const seen = new Set<string>();
  const sessions: SessionRecord[] = file.sessions.map((s, i) => {
    if (seen.has(s.id)) throw invalid(`/sessions/${i}/id '${s.id}' is used by an earlier session`);
    seen.add(s.id);
    const iso = (value: string) => new Date(value).toISOString();
    return {
      ...s,
      open_time: iso(s.open_time),
      request_time: iso(s.request_time),
      ...(s.close_time !== undefined ? { close_time: iso(s.close_time) } : {}),
    };
  });
  model.reset(sessions);
}
