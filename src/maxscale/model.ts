/**
 * The MaxScale twin's domain logic over the store: lookups, MaxScale's
 * refusals and state changes. Every mutation checks everything first and
 * runs in one store transaction, so a refused request changes nothing.
 */
import { ApiError, Errors } from '../errors.js';
import { Collection, type KvStore } from '../store/kv.js';
import {
  COLLECTIONS,
  type FilterRecord,
  type ListenerRecord,
  type MaxscaleState,
  type MonitorRecord,
  type Params,
  type ServerRecord,
  type ServiceRecord,
  type SessionRecord,
  type UserRecord,
} from './records.js';

export interface RelationshipRef {
  id: string;
  type: string;
}

/** The time format MaxScale 2.3 uses for `started` and `connected` (C's asctime). */
export function asctime(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${days[date.getDay()]} ${months[date.getMonth()]} ${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${date.getFullYear()}`;
}

/** Service parameters every service reports, with MaxScale 2.3's defaults. */
export const SERVICE_PARAMETER_DEFAULTS: Params = {
  router_options: '',
  enable_root_user: false,
  max_retry_interval: 3600,
  max_connections: 0,
  connection_timeout: 0,
  auth_all_servers: false,
  strip_db_esc: true,
  localhost_match_wildcard_host: true,
  version_string: '',
  log_auth_warnings: true,
  retry_on_failure: true,
};

/** Parameters that are not parameters of a service's `parameters` object (Resources-Service.md). */
const RESERVED_SERVICE_PARAMETERS = ['type', 'router', 'servers', 'filters'];

const notFound = (kind: string, name: string) => ApiError.from(Errors.NOT_FOUND, `No ${kind} named '${name}'`);
const forbidden = (detail: string) => ApiError.from(Errors.FORBIDDEN, detail);

export class MaxscaleModel {
  readonly servers: Collection<ServerRecord>;
  readonly monitors: Collection<MonitorRecord>;
  readonly filters: Collection<FilterRecord>;
  readonly services: Collection<ServiceRecord>;
  readonly listeners: Collection<ListenerRecord>;
  readonly sessions: Collection<SessionRecord>;
  readonly users: Collection<UserRecord>;

  constructor(
    readonly store: KvStore,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.servers = new Collection(store, COLLECTIONS.servers);
    this.monitors = new Collection(store, COLLECTIONS.monitors);
    this.filters = new Collection(store, COLLECTIONS.filters);
    this.services = new Collection(store, COLLECTIONS.services);
    this.listeners = new Collection(store, COLLECTIONS.listeners);
    this.sessions = new Collection(store, COLLECTIONS.sessions);
    this.users = new Collection(store, COLLECTIONS.users);
  }

  /** Replaces the whole state (start-up and the test-only reset). */
  load(state: MaxscaleState): void {
    checkStateConsistency(state);
    this.store.transaction(() => {
      for (const name of Object.values(COLLECTIONS)) {
        for (const doc of this.store.list<{ name?: string; id?: string }>(name)) {
          this.store.delete(name, String(doc.name ?? doc.id));
        }
      }
      for (const s of state.servers) this.servers.put(s.name, s);
      for (const m of state.monitors) this.monitors.put(m.name, m);
      for (const f of state.filters) this.filters.put(f.name, f);
      for (const s of state.services) this.services.put(s.name, s);
      for (const l of state.listeners) this.listeners.put(l.name, l);
      for (const s of state.sessions) this.sessions.put(s.id, s);
      for (const u of state.users) this.users.put(`${u.type}:${u.name}`, u);
      if (state.maxscale) this.store.put(COLLECTIONS.meta, 'maxscale', state.maxscale);
    });
  }

  /** True when the store holds no MaxScale objects yet (a new durable store). */
  isEmpty(): boolean {
    return this.services.list().length === 0 && this.servers.list().length === 0 && this.users.list().length === 0;
  }

  // ---- lookups ---------------------------------------------------------

  /** Service names are case-insensitive (Resources-Service.md). */
  findService(name: string): ServiceRecord | undefined {
    return this.services.get(name) ?? this.services.list().find((s) => s.name.toLowerCase() === name.toLowerCase());
  }

  getService(name: string): ServiceRecord {
    const s = this.findService(name);
    if (!s) throw notFound('service', name);
    return s;
  }

  /** Server names are case-insensitive (Resources-Server.md). */
  findServer(name: string): ServerRecord | undefined {
    return this.servers.get(name) ?? this.servers.list().find((s) => s.name.toLowerCase() === name.toLowerCase());
  }

  listenersOf(service: string): ListenerRecord[] {
    return this.listeners.list().filter((l) => l.service === service);
  }

  getListener(serviceName: string, listenerName: string): ListenerRecord {
    const service = this.getService(serviceName);
    const listener = this.listeners.get(listenerName);
    if (!listener || listener.service !== service.name) throw notFound('listener', `${listenerName}' in service '${service.name}`);
    return listener;
  }

  getSession(id: string): SessionRecord {
    const s = this.sessions.get(id);
    if (!s) throw notFound('session', id);
    return s;
  }

  /** Resolves relationship targets; an unknown name or wrong type is a 403, as MaxScale answers. */
  resolveRefs(kind: 'servers' | 'filters' | 'services' | 'monitors', refs: readonly RelationshipRef[] | null | undefined): string[] {
    const names: string[] = [];
    for (const ref of refs ?? []) {
      if (ref.type !== kind) throw forbidden(`Relationship '${ref.id}' has type '${ref.type}' where '${kind}' is expected`);
      const found =
        kind === 'servers'
          ? this.findServer(ref.id)?.name
          : kind === 'services'
            ? this.findService(ref.id)?.name
            : kind === 'filters'
              ? this.filters.get(ref.id)?.name
              : this.monitors.get(ref.id)?.name;
      if (found === undefined) throw forbidden(`'${ref.id}' is not a valid ${kind.replace(/s$/, '')} name`);
      if (names.includes(found)) throw forbidden(`'${found}' is listed twice in the ${kind} relationship`);
      names.push(found);
    }
    return names;
  }

  // ---- services --------------------------------------------------------

  createService(input: {
    id: string;
    router: string;
    parameters: Params;
    servers?: readonly RelationshipRef[] | null | undefined;
    filters?: readonly RelationshipRef[] | null | undefined;
  }): ServiceRecord {
    return this.store.transaction(() => {
      if (this.findService(input.id)) throw forbidden(`A service named '${input.id}' already exists`);
      if (/\s/.test(input.id)) throw forbidden(`Service name '${input.id}' must not contain whitespace`);
      checkNoReserved(input.parameters);
      const servers = this.resolveRefs('servers', input.servers);
      const filters = this.resolveRefs('filters', input.filters);
      const service: ServiceRecord = {
        name: input.id,
        router: input.router,
        state: 'Started',
        started: asctime(this.now()),
        total_connections: 0,
        connections: 0,
        router_diagnostics: input.router === 'cli' ? undefined : { connections: 0, current_connections: 0, queries: 0 },
        parameters: { ...SERVICE_PARAMETER_DEFAULTS, ...input.parameters },
        servers,
        filters,
      };
      if (service.router_diagnostics === undefined) delete service.router_diagnostics;
      this.services.put(service.name, service);
      return service;
    });
  }

  updateService(
    name: string,
    patch: {
      parameters?: Params | undefined;
      servers?: readonly RelationshipRef[] | null | undefined;
      filters?: readonly RelationshipRef[] | null | undefined;
      hasServers: boolean;
      hasFilters: boolean;
      id?: string | undefined;
    },
  ): void {
    this.store.transaction(() => {
      const service = this.getService(name);
      if (patch.id !== undefined && patch.id !== service.name) {
        throw forbidden(`The id '${patch.id}' in the body does not match the service '${service.name}'`);
      }
      if (patch.parameters) checkNoReserved(patch.parameters);
      const servers = patch.hasServers ? this.resolveRefs('servers', patch.servers) : service.servers;
      const filters = patch.hasFilters ? this.resolveRefs('filters', patch.filters) : service.filters;
      this.services.put(service.name, {
        ...service,
        parameters: { ...service.parameters, ...patch.parameters },
        servers,
        filters,
      });
    });
  }

  setServiceRelationship(name: string, type: 'servers' | 'filters', refs: readonly RelationshipRef[] | null): void {
    this.store.transaction(() => {
      const service = this.getService(name);
      const names = this.resolveRefs(type, refs);
      this.services.put(service.name, { ...service, [type]: names });
    });
  }

  deleteService(name: string): void {
    this.store.transaction(() => {
      const service = this.getService(name);
      const listeners = this.listenersOf(service.name);
      if (listeners.length > 0) {
        throw forbidden(
          `Service '${service.name}' cannot be destroyed: it still has listeners (${listeners.map((l) => l.name).join(', ')})`,
        );
      }
      if (service.servers.length > 0 || service.filters.length > 0) {
        throw forbidden(
          `Service '${service.name}' cannot be destroyed: it still uses ${[...service.servers, ...service.filters].join(', ')}; remove its relationships first`,
        );
      }
      this.services.delete(service.name);
      for (const session of this.sessions.list()) if (session.service === service.name) this.sessions.delete(session.id);
    });
  }

  setServiceState(name: string, state: 'Started' | 'Stopped'): void {
    this.store.transaction(() => {
      const service = this.getService(name);
      if (service.state === state) return;
      this.services.put(service.name, { ...service, state, ...(state === 'Started' ? { started: asctime(this.now()) } : {}) });
    });
  }

  // ---- listeners -------------------------------------------------------

  createListener(serviceName: string, input: { id: string; parameters: ListenerRecord['parameters'] }): ListenerRecord {
    return this.store.transaction(() => {
      const service = this.getService(serviceName);
      if (this.listeners.get(input.id)) throw forbidden(`A listener named '${input.id}' already exists`);
      const p = input.parameters;
      const ssl = [p.ssl_key, p.ssl_cert, p.ssl_ca_cert].filter((v) => v !== undefined).length;
      if (ssl > 0 && ssl < 3) throw forbidden('ssl_key, ssl_cert and ssl_ca_cert must all be given to enable SSL');
      const address = p.address ?? '::';
      const clash = this.listeners
        .list()
        .find((l) => l.parameters.port === p.port && p.port !== 0 && sameAddress(l.parameters.address ?? '::', address));
      if (clash) throw forbidden(`Listener '${clash.name}' already listens on port ${p.port}`);
      const listener: ListenerRecord = {
        name: input.id,
        service: service.name,
        parameters: { protocol: 'MariaDBClient', authenticator: 'MySQLAuth', ...p },
      };
      this.listeners.put(listener.name, listener);
      return listener;
    });
  }

  deleteListener(serviceName: string, listenerName: string): void {
    this.store.transaction(() => {
      const service = this.getService(serviceName);
      const listener = this.listeners.get(listenerName);
      if (!listener) throw notFound('listener', listenerName);
      // MaxScale 2.3 answers 403 when the listener exists but is not the service's.
      if (listener.service !== service.name) {
        throw forbidden(`Listener '${listenerName}' belongs to service '${listener.service}', not '${service.name}'`);
      }
      this.listeners.delete(listener.name);
    });
  }

  // ---- derived relationships -------------------------------------------

  servicesUsingServer(server: string): string[] {
    return this.services
      .list()
      .filter((s) => s.servers.includes(server))
      .map((s) => s.name);
  }

  monitorsOfServer(server: string): string[] {
    return this.monitors
      .list()
      .filter((m) => m.servers.includes(server))
      .map((m) => m.name);
  }

  servicesUsingFilter(filter: string): string[] {
    return this.services
      .list()
      .filter((s) => s.filters.includes(filter))
      .map((s) => s.name);
  }

  // ---- users -----------------------------------------------------------

  findUser(type: 'inet' | 'unix', name: string): UserRecord | undefined {
    return this.users.get(`${type}:${name}`);
  }

  /** MaxScale's `admin_auth=false` turns authentication off. */
  adminAuthDisabled(): boolean {
    const meta = this.store.get<{ parameters?: { admin_auth?: unknown } }>(COLLECTIONS.meta, 'maxscale');
    return meta?.parameters?.admin_auth === false;
  }
}

function sameAddress(a: string, b: string): boolean {
  const any = (x: string) => x === '::' || x === '0.0.0.0' || x === 'default' || x === '';
  return a === b || any(a) || any(b);
}

function checkNoReserved(parameters: Params): void {
  for (const name of RESERVED_SERVICE_PARAMETERS) {
    if (name in parameters) {
      throw forbidden(
        `'${name}' cannot be given as a service parameter${name === 'servers' || name === 'filters' ? '; use data.relationships' : ''}`,
      );
    }
  }
}

/** A data file must name only objects that exist; refusing it early beats a twin with dangling links. */
export function checkStateConsistency(state: MaxscaleState): void {
  const problems: string[] = [];
  const names = (list: readonly { name: string }[]) => new Set(list.map((x) => x.name));
  const servers = names(state.servers);
  const filters = names(state.filters);
  const services = names(state.services);
  for (const s of state.services) {
    for (const x of s.servers) if (!servers.has(x)) problems.push(`service '${s.name}' names unknown server '${x}'`);
    for (const x of s.filters) if (!filters.has(x)) problems.push(`service '${s.name}' names unknown filter '${x}'`);
  }
  for (const m of state.monitors) {
    for (const x of m.servers) if (!servers.has(x)) problems.push(`monitor '${m.name}' names unknown server '${x}'`);
  }
  for (const l of state.listeners) if (!services.has(l.service)) problems.push(`listener '${l.name}' names unknown service '${l.service}'`);
  for (const s of state.sessions) if (!services.has(s.service)) problems.push(`session '${s.id}' names unknown service '${s.service}'`);
  const monitored = new Map<string, string>();
  for (const m of state.monitors) {
    for (const x of m.servers) {
      const other = monitored.get(x);
      if (other) problems.push(`server '${x}' is monitored by both '${other}' and '${m.name}'`);
      monitored.set(x, m.name);
    }
  }
  if (problems.length) throw new Error(`Inconsistent MaxScale state: ${problems.join('; ')}`);
}
