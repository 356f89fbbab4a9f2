/**
 * The MaxScale twin's domain logic over the store: lookups, MaxScale's
 * refusals and state changes. Every mutation checks everything first and
 * runs in one store transaction, so a refused request changes nothing.
 */
import { isAbsolute, join } from 'node:path';
import { ApiError, Errors } from '../errors.js';
import { projectRoot } from '../spec/load.js';
import { Collection, type KvStore } from '../store/kv.js';
import { checkCoreUpdate, checkLogsUpdate, coreRecord, httpDate } from './core.js';
import { loadDbfwRules } from './dbfw.js';
import { COMMON_MONITOR_PARAMETERS, canonicalModule, checkParameters, findModule, monitorParameterDefs, requireModule } from './modules.js';
import {
  COLLECTIONS,
  type CoreRecord,
  type FilterRecord,
  type ListenerRecord,
  type MaxscaleState,
  type MonitorRecord,
  type Params,
  type ParamValue,
  type ServerRecord,
  type ServiceRecord,
  type SessionRecord,
  type UserRecord,
} from './records.js';
import { SETTABLE_STATES, withBit, withoutBit } from './status.js';
import { probe } from './topology.js';

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

/** The standard server parameters (Resources-Server.md); any other name is a custom (weighting) parameter. */
const STANDARD_SERVER_PARAMETERS = [
  'address',
  'port',
  'protocol',
  'authenticator',
  'authenticator_options',
  'monitoruser',
  'monitorpw',
  'ssl_key',
  'ssl_cert',
  'ssl_ca_cert',
  'ssl_version',
  'ssl_cert_verify_depth',
  'ssl_verify_peer_certificate',
];

/** The standard server parameters `PATCH /servers/:name` may change. */
const MODIFIABLE_SERVER_PARAMETERS = ['address', 'port', 'monitoruser', 'monitorpw'];

/** A relative dbfwfilter rule file is read from the twin's data directory (MaxScale reads it from module_configdir). */
export function rulesPath(path: string): string {
  return isAbsolute(path) ? path : join(projectRoot(), 'data', path);
}

/** The meta document keys. */
const META_CORE = 'maxscale';

const notFound = (kind: string, name: string) => ApiError.from(Errors.NOT_FOUND, `No ${kind} named '${name}'`);
const forbidden = (detail: string) => ApiError.from(Errors.FORBIDDEN, detail);

/** Object names become URL segments and configuration section names: no whitespace. */
function checkName(kind: string, name: string): void {
  if (/\s/.test(name)) throw forbidden(`${kind} name '${name}' must not contain whitespace`);
}

/** The state's version: `lineage` changes when a whole new state is loaded, `version` on every write. */
export interface StateVersion {
  lineage: string;
  version: number;
  modifiedAt: string;
}

const META_VERSION = 'version';

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
        if (name === COLLECTIONS.meta) continue;
        for (const doc of this.store.list<{ name?: string; id?: string; type?: string }>(name)) {
          // Users are keyed by type and name (an inet and a unix user may share a name).
          this.store.delete(name, name === COLLECTIONS.users ? `${doc.type}:${doc.name}` : String(doc.name ?? doc.id));
        }
      }
      for (const s of state.servers) this.servers.put(s.name, s);
      for (const m of state.monitors) this.monitors.put(m.name, m);
      for (const f of state.filters) this.filters.put(f.name, f);
      for (const s of state.services) this.services.put(s.name, s);
      for (const l of state.listeners) this.listeners.put(l.name, l);
      for (const s of state.sessions) this.sessions.put(s.id, s);
      for (const u of state.users) this.users.put(`${u.type}:${u.name}`, u);
      this.store.put(COLLECTIONS.meta, META_CORE, coreRecord(state.maxscale, this.now()));
      // A new state is a new lineage of versions: ETags from before it never match.
      const at = this.now();
      this.store.put<StateVersion>(COLLECTIONS.meta, META_VERSION, {
        lineage: at.getTime().toString(36),
        version: 1,
        modifiedAt: at.toISOString(),
      });
      // What the running monitors see at start: servers a data file or maxscale.cnf leaves unprobed get their roles.
      for (const m of state.monitors) this.reprobe(m.name);
    });
  }

  /** The version of the state as changed through the REST API (for ETag and Last-Modified). */
  stateVersion(): StateVersion {
    return (
      this.store.get<StateVersion>(COLLECTIONS.meta, META_VERSION) ?? { lineage: '0', version: 0, modifiedAt: new Date(0).toISOString() }
    );
  }

  /** Records a modification made through the REST API. */
  touch(): void {
    const v = this.stateVersion();
    this.store.put<StateVersion>(COLLECTIONS.meta, META_VERSION, { ...v, version: v.version + 1, modifiedAt: this.now().toISOString() });
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
      checkName('Service', input.id);
      requireModule(input.router, 'Router');
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
      if (p.protocol !== undefined) requireModule(String(p.protocol), 'Protocol');
      if (p.authenticator !== undefined) requireModule(String(p.authenticator), 'Authenticator');
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

  // ---- servers ---------------------------------------------------------

  getServer(name: string): ServerRecord {
    const s = this.findServer(name);
    if (!s) throw notFound('server', name);
    return s;
  }

  /** The one monitor that monitors a server, if any. */
  monitorOf(server: string): MonitorRecord | undefined {
    return this.monitors.list().find((m) => m.servers.includes(server));
  }

  createServer(input: {
    id: string;
    parameters: Params;
    services?: readonly RelationshipRef[] | null | undefined;
    monitors?: readonly RelationshipRef[] | null | undefined;
  }): ServerRecord {
    return this.store.transaction(() => {
      if (this.findServer(input.id)) throw forbidden(`A server named '${input.id}' already exists`);
      checkName('Server', input.id);
      const parameters: Params = { protocol: 'MariaDBBackend', ...input.parameters };
      requireModule(String(parameters.protocol), 'Protocol');
      if (parameters.authenticator !== undefined) requireModule(String(parameters.authenticator), 'Authenticator');
      const ssl = ['ssl_key', 'ssl_cert', 'ssl_ca_cert'].filter((k) => parameters[k] !== undefined).length;
      if (ssl > 0 && ssl < 3) throw forbidden('ssl_key, ssl_cert and ssl_ca_cert must all be given to enable SSL');
      const services = this.resolveRefs('services', input.services);
      const monitors = this.resolveRefs('monitors', input.monitors);
      if (monitors.length > 1) throw forbidden(`A server can be monitored by one monitor only, not by ${monitors.join(' and ')}`);
      // MaxScale starts a server it does not monitor as Running, with unknown replication details.
      const server: ServerRecord = {
        name: input.id,
        parameters,
        status: ['Running'],
        version_string: '',
        node_id: -1,
        master_id: -1,
        replication_depth: -1,
        slaves: [],
        statistics: { connections: 0, total_connections: 0, active_operations: 0 },
      };
      this.servers.put(server.name, server);
      this.linkServer(server.name, 'services', services);
      this.linkServer(server.name, 'monitors', monitors);
      return server;
    });
  }

  updateServer(
    name: string,
    patch: {
      id?: string | undefined;
      parameters?: Record<string, ParamValue | null> | undefined;
      hasServices: boolean;
      services?: readonly RelationshipRef[] | null | undefined;
      hasMonitors: boolean;
      monitors?: readonly RelationshipRef[] | null | undefined;
    },
  ): void {
    this.store.transaction(() => {
      const server = this.getServer(name);
      if (patch.id !== undefined && patch.id.toLowerCase() !== server.name.toLowerCase()) {
        throw forbidden(`The id '${patch.id}' in the body does not match the server '${server.name}'`);
      }
      const parameters: Params = { ...server.parameters };
      for (const [key, value] of Object.entries(patch.parameters ?? {})) {
        const standard = STANDARD_SERVER_PARAMETERS.includes(key);
        if (standard && !MODIFIABLE_SERVER_PARAMETERS.includes(key) && value !== server.parameters[key]) {
          throw forbidden(`Server parameter '${key}' cannot be modified at runtime; only ${MODIFIABLE_SERVER_PARAMETERS.join(', ')} can`);
        }
        if (value === null) {
          if (standard) throw forbidden(`Standard server parameter '${key}' cannot be removed`);
          delete parameters[key];
        } else {
          parameters[key] = value;
        }
      }
      this.servers.put(server.name, { ...server, parameters });
      if (patch.hasServices) this.linkServer(server.name, 'services', this.resolveRefs('services', patch.services));
      if (patch.hasMonitors) this.linkServer(server.name, 'monitors', this.resolveRefs('monitors', patch.monitors));
    });
  }

  setServerRelationship(name: string, type: 'services' | 'monitors', refs: readonly RelationshipRef[] | null): void {
    this.store.transaction(() => {
      const server = this.getServer(name);
      this.linkServer(server.name, type, this.resolveRefs(type, refs));
    });
  }

  /**
   * Makes `targets` the services (or monitor) of a server by changing the
   * other side, where the relationship is stored: a service keeps the
   * position of servers it already had and gets new ones at the end.
   */
  private linkServer(server: string, type: 'services' | 'monitors', targets: string[]): void {
    if (type === 'services') {
      for (const service of this.services.list()) {
        const uses = service.servers.includes(server);
        const wanted = targets.includes(service.name);
        if (uses === wanted) continue;
        const servers = wanted ? [...service.servers, server] : service.servers.filter((s) => s !== server);
        this.services.put(service.name, { ...service, servers });
      }
      return;
    }
    if (targets.length > 1) throw forbidden(`A server can be monitored by one monitor only, not by ${targets.join(' and ')}`);
    for (const monitor of this.monitors.list()) {
      const uses = monitor.servers.includes(server);
      const wanted = targets.includes(monitor.name);
      if (uses === wanted) continue;
      const servers = wanted ? [...monitor.servers, server] : monitor.servers.filter((s) => s !== server);
      this.monitors.put(monitor.name, { ...monitor, servers });
      this.reprobe(monitor.name);
    }
  }

  deleteServer(name: string): void {
    this.store.transaction(() => {
      const server = this.getServer(name);
      const services = this.servicesUsingServer(server.name);
      const monitors = this.monitorsOfServer(server.name);
      if (services.length || monitors.length) {
        const users = [...services.map((s) => `service '${s}'`), ...monitors.map((m) => `monitor '${m}'`)];
        throw forbidden(`Server '${server.name}' cannot be destroyed: it is used by ${users.join(', ')}; remove those relationships first`);
      }
      this.servers.delete(server.name);
    });
  }

  /**
   * `PUT /servers/:name/set|clear?state=…`. While a running monitor monitors
   * the server only maintenance can be changed, as in MaxScale 2.3. With
   * `force=yes`, setting maintenance closes the sessions of the services that
   * use the server at once.
   */
  changeServerStatus(name: string, op: 'set' | 'clear', state: string | undefined, force: string | undefined): void {
    this.store.transaction(() => {
      const server = this.getServer(name);
      const valid = Object.keys(SETTABLE_STATES).join(', ');
      if (state === undefined || state === '') throw forbidden(`The 'state' parameter is required: one of ${valid}`);
      const bit = SETTABLE_STATES[state.toLowerCase()];
      if (!bit) throw forbidden(`Invalid 'state' parameter '${state}': expected one of ${valid}`);
      const monitor = this.monitorOf(server.name);
      if (monitor?.state === 'Running' && bit !== 'Maintenance') {
        throw forbidden(
          `The server is monitored by '${monitor.name}', so only the maintenance status can be set/cleared manually. Status was not modified.`,
        );
      }
      const status = op === 'set' ? withBit(server.status, bit) : withoutBit(server.status, bit);
      let statistics = server.statistics;
      if (op === 'set' && bit === 'Maintenance' && force === 'yes') {
        statistics = { ...statistics, connections: 0, active_operations: 0 };
        this.closeSessionsOf(this.servicesUsingServer(server.name));
      }
      this.servers.put(server.name, { ...server, status, statistics });
      if (monitor) this.reprobe(monitor.name);
    });
  }

  private closeSessionsOf(services: string[]): void {
    for (const session of this.sessions.list()) {
      if (!services.includes(session.service)) continue;
      this.sessions.delete(session.id);
      const service = this.services.get(session.service);
      if (service) this.services.put(service.name, { ...service, connections: Math.max(0, service.connections - 1) });
    }
  }

  // ---- monitors --------------------------------------------------------

  getMonitor(name: string): MonitorRecord {
    const m = this.monitors.get(name);
    if (!m) throw notFound('monitor', name);
    return m;
  }

  /** Servers already monitored by a monitor other than `except` are refused: a server has one monitor. */
  private checkUnmonitored(servers: string[], except?: string): void {
    for (const server of servers) {
      const other = this.monitorOf(server);
      if (other && other.name !== except) throw forbidden(`Server '${server}' is already monitored by '${other.name}'`);
    }
  }

  createMonitor(input: {
    id: string;
    module: string;
    parameters: Params;
    servers?: readonly RelationshipRef[] | null | undefined;
  }): MonitorRecord {
    return this.store.transaction(() => {
      if (this.monitors.get(input.id)) throw forbidden(`A monitor named '${input.id}' already exists`);
      checkName('Monitor', input.id);
      const module = requireModule(input.module, 'Monitor');
      const parameters = checkParameters(module.name, monitorParameterDefs(module), input.parameters, 'create');
      const servers = this.resolveRefs('servers', input.servers);
      this.checkUnmonitored(servers);
      const monitor: MonitorRecord = { name: input.id, module: module.name, state: 'Running', parameters, servers };
      this.monitors.put(monitor.name, monitor);
      this.reprobe(monitor.name);
      return monitor;
    });
  }

  updateMonitor(
    name: string,
    patch: {
      id?: string | undefined;
      parameters?: Params | undefined;
      hasServers: boolean;
      servers?: readonly RelationshipRef[] | null | undefined;
    },
  ): void {
    this.store.transaction(() => {
      const monitor = this.getMonitor(name);
      if (patch.id !== undefined && patch.id !== monitor.name) {
        throw forbidden(`The id '${patch.id}' in the body does not match the monitor '${monitor.name}'`);
      }
      // A monitor loaded from a maxscale.cnf may use a module the twin does not simulate: only the common parameters change then.
      const module = findModule(monitor.module);
      const defs = module ? monitorParameterDefs(module) : COMMON_MONITOR_PARAMETERS;
      const changed = checkParameters(monitor.module, defs, patch.parameters ?? {}, 'update');
      this.monitors.put(monitor.name, { ...monitor, parameters: { ...monitor.parameters, ...changed } });
      if (patch.hasServers) this.setMonitorServers(monitor.name, patch.servers ?? null);
    });
  }

  setMonitorServers(name: string, refs: readonly RelationshipRef[] | null): void {
    this.store.transaction(() => {
      const monitor = this.getMonitor(name);
      const servers = this.resolveRefs('servers', refs);
      this.checkUnmonitored(servers, monitor.name);
      this.monitors.put(monitor.name, { ...monitor, servers });
      this.reprobe(monitor.name);
    });
  }

  deleteMonitor(name: string): void {
    this.store.transaction(() => {
      const monitor = this.getMonitor(name);
      if (monitor.servers.length) {
        throw forbidden(
          `Monitor '${monitor.name}' cannot be destroyed: it still monitors ${monitor.servers.join(', ')}; remove its servers first`,
        );
      }
      this.monitors.delete(monitor.name);
    });
  }

  setMonitorState(name: string, state: 'Running' | 'Stopped'): void {
    this.store.transaction(() => {
      const monitor = this.getMonitor(name);
      if (monitor.state === state) return;
      this.monitors.put(monitor.name, { ...monitor, state });
      this.reprobe(monitor.name);
    });
  }

  /** Lets a running monitor look at its servers again (see topology.ts); a stopped one changes nothing. */
  reprobe(name: string, change?: (servers: ServerRecord[]) => void): void {
    const monitor = this.monitors.get(name);
    if (monitor?.state !== 'Running') return;
    const mine = monitor.servers.map((s) => this.servers.get(s)).filter((s): s is ServerRecord => s !== undefined);
    const others = new Set(
      this.servers
        .list()
        .filter((s) => !monitor.servers.includes(s.name))
        .map((s) => s.node_id),
    );
    const module = canonicalModule(monitor.module);
    let probed = probe(module, mine, others);
    if (change) {
      change(probed);
      probed = probe(module, probed, others);
    }
    for (const s of probed) this.servers.put(s.name, s);
  }

  // ---- filters ---------------------------------------------------------

  getFilter(name: string): FilterRecord {
    const f = this.filters.get(name);
    if (!f) throw notFound('filter', name);
    return f;
  }

  createFilter(input: { id: string; module: string; parameters: Params }): FilterRecord {
    return this.store.transaction(() => {
      if (this.filters.get(input.id)) throw forbidden(`A filter named '${input.id}' already exists`);
      checkName('Filter', input.id);
      const module = requireModule(input.module, 'Filter');
      const parameters = checkParameters(module.name, module.parameters, input.parameters, 'create');
      const filter: FilterRecord = { name: input.id, module: module.name, parameters };
      // Like MaxScale, a firewall filter whose rule file cannot be read or parsed is not created.
      if (module.name === 'dbfwfilter') filter.dbfw_rules = loadDbfwRules(rulesPath(String(parameters.rules)));
      this.filters.put(filter.name, filter);
      return filter;
    });
  }

  deleteFilter(name: string): void {
    this.store.transaction(() => {
      const filter = this.getFilter(name);
      const services = this.servicesUsingFilter(filter.name);
      if (services.length) {
        throw forbidden(
          `Filter '${filter.name}' cannot be destroyed: it is used by ${services.map((s) => `service '${s}'`).join(', ')}; remove it from those services first`,
        );
      }
      this.filters.delete(filter.name);
    });
  }

  // ---- core ------------------------------------------------------------

  core(): CoreRecord {
    const core = this.store.get<CoreRecord>(COLLECTIONS.meta, META_CORE);
    return core ?? coreRecord(undefined, this.now());
  }

  /** Seconds since the twin's MaxScale "started". */
  uptime(): number {
    const started = Date.parse(this.core().started_at);
    return Number.isNaN(started) ? 0 : Math.max(0, Math.floor((this.now().getTime() - started) / 1000));
  }

  updateCore(parameters: Record<string, unknown>): void {
    this.store.transaction(() => {
      const core = this.core();
      const changed = checkCoreUpdate(parameters);
      const next: CoreRecord = { ...core, parameters: { ...core.parameters, ...changed } };
      if (changed.passive === false && core.parameters.passive !== false) next.activated_at = httpDate(this.now());
      this.store.put(COLLECTIONS.meta, META_CORE, next);
    });
  }

  updateLogs(parameters: Record<string, unknown>): void {
    this.store.transaction(() => {
      const core = this.core();
      const next = checkLogsUpdate(parameters, core.logs.parameters);
      this.store.put(COLLECTIONS.meta, META_CORE, { ...core, logs: { ...core.logs, parameters: next } });
    });
  }

  // ---- users -----------------------------------------------------------

  findUser(type: 'inet' | 'unix', name: string): UserRecord | undefined {
    return this.users.get(`${type}:${name}`);
  }

  getUser(type: 'inet' | 'unix', name: string): UserRecord {
    const u = this.findUser(type, name);
    if (!u) throw notFound(type === 'inet' ? 'network user' : 'enabled UNIX account', name);
    return u;
  }

  listUsers(type?: 'inet' | 'unix'): UserRecord[] {
    const all = this.users.list();
    if (type) return all.filter((u) => u.type === type);
    return [...all.filter((u) => u.type === 'inet'), ...all.filter((u) => u.type === 'unix')];
  }

  createUser(input: { type: 'inet' | 'unix'; id: string; account: 'admin' | 'basic'; password?: string }): void {
    this.store.transaction(() => {
      if (this.findUser(input.type, input.id)) {
        throw forbidden(
          input.type === 'inet' ? `A network user named '${input.id}' already exists` : `UNIX account '${input.id}' is already enabled`,
        );
      }
      if (/[\s:]/.test(input.id)) throw forbidden(`User name '${input.id}' must not contain whitespace or ':'`);
      const user: UserRecord = { name: input.id, type: input.type, account: input.account };
      if (input.type === 'inet') user.password = input.password ?? '';
      this.users.put(`${user.type}:${user.name}`, user);
    });
  }

  /** Removes a user; the last network admin stays, or nobody could administer the twin. */
  deleteUser(type: 'inet' | 'unix', name: string): void {
    this.store.transaction(() => {
      const user = this.getUser(type, name);
      if (type === 'inet' && user.account === 'admin' && this.listUsers('inet').filter((u) => u.account === 'admin').length === 1) {
        throw forbidden(`Cannot delete '${name}': it is the last network user with an admin account`);
      }
      this.users.delete(`${type}:${name}`);
    });
  }

  /** MaxScale's `admin_auth=false` turns authentication off. */
  adminAuthDisabled(): boolean {
    const meta = this.store.get<{ parameters?: { admin_auth?: unknown } }>(COLLECTIONS.meta, META_CORE);
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
