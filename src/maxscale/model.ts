/**
 * The MaxScale twin's object graph over the store: the collections, loading
 * a whole state, lookups, relationships (stored on one side, derived for the
 * other), the monitors' view of their servers, and the per-path versions
 * behind ETag and Last-Modified. The rules of each resource (what MaxScale
 * refuses, what a change does) live in `rules/<resource>.ts`; every mutation
 * there checks everything first and runs in one store transaction, so a
 * refused request changes nothing.
 */
import { ApiError, Errors } from '../errors.js';
import { Collection, type KvStore } from '../store/kv.js';
import { coreRecord } from './core.js';
import { canonicalModule } from './modules.js';
import {
  COLLECTIONS,
  type CoreRecord,
  type FilterRecord,
  type ListenerRecord,
  type MaxscaleState,
  type MonitorRecord,
  type ServerRecord,
  type ServiceRecord,
  type SessionRecord,
  type UserRecord,
} from './records.js';
import { probe } from './topology.js';
import { PathVersions } from './versions.js';

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

export const notFound = (kind: string, name: string) => ApiError.from(Errors.NOT_FOUND, `No ${kind} named '${name}'`);
export const forbidden = (detail: string) => ApiError.from(Errors.FORBIDDEN, detail);

/** Object names become URL segments and configuration section names: no whitespace. */
export function checkName(kind: string, name: string): void {
  if (/\s/.test(name)) throw forbidden(`${kind} name '${name}' must not contain whitespace`);
}

/** The meta document keys. */
const META_CORE = 'maxscale';
const META_SESSION_COUNTER = 'session_counter';

export class MaxscaleModel {
  readonly servers: Collection<ServerRecord>;
  readonly monitors: Collection<MonitorRecord>;
  readonly filters: Collection<FilterRecord>;
  readonly services: Collection<ServiceRecord>;
  readonly listeners: Collection<ListenerRecord>;
  readonly sessions: Collection<SessionRecord>;
  readonly users: Collection<UserRecord>;
  /** ETag and Last-Modified per request path, as MaxScale keeps them (in memory). */
  readonly versions: PathVersions;

  constructor(
    readonly store: KvStore,
    readonly now: () => Date = () => new Date(),
  ) {
    this.servers = new Collection(store, COLLECTIONS.servers);
    this.monitors = new Collection(store, COLLECTIONS.monitors);
    this.filters = new Collection(store, COLLECTIONS.filters);
    this.services = new Collection(store, COLLECTIONS.services);
    this.listeners = new Collection(store, COLLECTIONS.listeners);
    this.sessions = new Collection(store, COLLECTIONS.sessions);
    this.users = new Collection(store, COLLECTIONS.users);
    this.versions = new PathVersions(now);
  }

  /**
   * Replaces the whole state (start-up and the test-only reset). The
   * listeners start as MaxScale starts them, the services' listeners in
   * configuration order, each allocating its listener session.
   */
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
      for (const u of state.users) this.users.put(`${u.type}:${u.name}`, u);
      this.store.put(COLLECTIONS.meta, META_CORE, coreRecord(state.maxscale, this.now()));
      // Client sessions of the data file keep their ids; listener sessions count from 1 around them.
      const taken = new Set(state.sessions.map((s) => s.id));
      this.store.put(COLLECTIONS.meta, META_SESSION_COUNTER, 0);
      // A state exported from a twin keeps its listeners' sessions; other listeners start theirs.
      const owned = new Set(state.sessions.flatMap((s) => (s.listener === undefined ? [] : [s.listener])));
      for (const service of state.services) {
        for (const listener of state.listeners.filter((l) => l.service === service.name && !owned.has(l.name))) {
          this.startListenerSession(listener, taken);
        }
      }
      for (const s of state.sessions) this.sessions.put(s.id, s);
      const highest = Math.max(this.sessionCounter(), ...state.sessions.map((s) => Number(s.id)).filter(Number.isInteger));
      this.store.put(COLLECTIONS.meta, META_SESSION_COUNTER, highest);
      // What the running monitors see at start: servers a data file or maxscale.cnf leaves unprobed get their roles.
      for (const m of state.monitors) this.reprobe(m.name);
    });
    // A new state: every path is unmodified again, since now.
    this.versions.reset();
  }

  /** True when the store holds no MaxScale objects yet (a new durable store). */
  isEmpty(): boolean {
    return this.services.list().length === 0 && this.servers.list().length === 0 && this.users.list().length === 0;
  }

  // ---- sessions ----------------------------------------------------------

  private sessionCounter(): number {
    return this.store.get<number>(COLLECTIONS.meta, META_SESSION_COUNTER) ?? 0;
  }

  /** The next session id, from the one counter listener and client sessions share (as MaxScale's). */
  nextSessionId(taken: ReadonlySet<string> = new Set()): string {
    let next = this.sessionCounter() + 1;
    while (taken.has(String(next)) || this.sessions.get(String(next))) next++;
    this.store.put(COLLECTIONS.meta, META_SESSION_COUNTER, next);
    return String(next);
  }

  /** A started listener owns one session (MaxScale 2.3), connected at the start time. */
  startListenerSession(listener: ListenerRecord, taken?: ReadonlySet<string>): SessionRecord {
    const session: SessionRecord = {
      id: this.nextSessionId(taken),
      service: listener.service,
      listener: listener.name,
      state: 'Listener Session',
      user: '',
      remote: '',
      connected: asctime(this.now()),
      idle: 0,
    };
    this.sessions.put(session.id, session);
    return session;
  }

  /** Every session, by id. */
  listSessions(): SessionRecord[] {
    return this.sessions.list().sort((a, b) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id));
  }

  getSession(id: string): SessionRecord {
    const s = this.sessions.get(id);
    if (!s) throw notFound('session', id);
    return s;
  }

  // ---- lookups -----------------------------------------------------------

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

  getServer(name: string): ServerRecord {
    const s = this.findServer(name);
    if (!s) throw notFound('server', name);
    return s;
  }

  getMonitor(name: string): MonitorRecord {
    const m = this.monitors.get(name);
    if (!m) throw notFound('monitor', name);
    return m;
  }

  getFilter(name: string): FilterRecord {
    const f = this.filters.get(name);
    if (!f) throw notFound('filter', name);
    return f;
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

  // ---- derived relationships ---------------------------------------------

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

  /** The one monitor that monitors a server, if any. */
  monitorOf(server: string): MonitorRecord | undefined {
    return this.monitors.list().find((m) => m.servers.includes(server));
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

  // ---- core --------------------------------------------------------------

  core(): CoreRecord {
    const core = this.store.get<CoreRecord>(COLLECTIONS.meta, META_CORE);
    return core ?? coreRecord(undefined, this.now());
  }

  putCore(core: CoreRecord): void {
    this.store.put(COLLECTIONS.meta, META_CORE, core);
  }

  /** Seconds since the twin's MaxScale "started". */
  uptime(): number {
    const started = Date.parse(this.core().started_at);
    return Number.isNaN(started) ? 0 : Math.max(0, Math.floor((this.now().getTime() - started) / 1000));
  }

  /** MaxScale's `admin_auth=false` turns authentication off. */
  adminAuthDisabled(): boolean {
    const meta = this.store.get<{ parameters?: { admin_auth?: unknown } }>(COLLECTIONS.meta, META_CORE);
    return meta?.parameters?.admin_auth === false;
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
