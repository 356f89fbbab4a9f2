/**
 * Renders stored records as the JSON API documents the MaxScale docs show,
 * typed by the spec's generated component schemas.
 */
import type { components } from '../../generated/maxscale.js';
import type { MaxscaleModel } from './model.js';
import { apiOf, argTypeString, canonicalModule, type ModuleDef } from './modules.js';
import type { FilterRecord, ListenerRecord, MonitorRecord, ServerRecord, ServiceRecord, SessionRecord, UserRecord } from './records.js';
import { stateString } from './status.js';

type Schemas = components['schemas'];

/** Builds the absolute `self` links MaxScale writes, e.g. http://localhost:8989/v1/services/CLI. */
export class Links {
  private readonly baseOf: () => string;
  constructor(base: string | (() => string)) {
    this.baseOf = typeof base === 'string' ? () => base : base;
  }
  private get base(): string {
    return this.baseOf();
  }
  collection(kind: string): string {
    return `${this.base}/v1/${kind}/`;
  }
  resource(kind: string, id: string): string {
    return `${this.base}/v1/${kind}/${encodeURIComponent(id)}`;
  }
  path(path: string): string {
    return `${this.base}/v1/${path}`;
  }
}

export function relationship(links: Links, kind: string, ids: readonly string[]): Schemas['Relationship'] {
  return { links: { self: links.collection(kind) }, data: ids.map((id) => ({ id, type: kind })) };
}

export function listenerResource(l: ListenerRecord): Schemas['Listener'] {
  return { id: l.name, type: 'listeners', attributes: { parameters: { ...l.parameters } } };
}

export function serviceResource(model: MaxscaleModel, links: Links, s: ServiceRecord): Schemas['Service'] {
  const relationships: Schemas['ServiceRelationships'] = {};
  if (s.servers.length) relationships.servers = relationship(links, 'servers', s.servers);
  if (s.filters.length) relationships.filters = relationship(links, 'filters', s.filters);
  return {
    id: s.name,
    type: 'services',
    attributes: {
      router: s.router,
      state: s.state,
      ...(s.router_diagnostics ? { router_diagnostics: s.router_diagnostics } : {}),
      started: s.started,
      total_connections: s.total_connections,
      connections: s.connections,
      parameters: { ...s.parameters },
      listeners: model.listenersOf(s.name).map(listenerResource),
    },
    relationships,
    links: { self: links.resource('services', s.name) },
  };
}

/**
 * A session. A listener's own session shows its state (`Stopped Listener
 * Session` while its service is stopped) and when it started, as the seed
 * Resources-Session.md shows it; a client session also its user, remote
 * address and idle time.
 */
export function sessionResource(model: MaxscaleModel, links: Links, s: SessionRecord): Schemas['Session'] {
  const attributes: Schemas['Session']['attributes'] =
    s.listener !== undefined
      ? {
          state: model.findService(s.service)?.state === 'Stopped' ? 'Stopped Listener Session' : 'Listener Session',
          connected: s.connected,
        }
      : { state: s.state, user: s.user, remote: s.remote, connected: s.connected, idle: s.idle };
  return {
    id: s.id,
    type: 'sessions',
    relationships: { services: relationship(links, 'services', [s.service]) },
    attributes,
    links: { self: links.resource('sessions', s.id) },
  };
}

export function serverResource(model: MaxscaleModel, links: Links, s: ServerRecord): Schemas['Server'] {
  const relationships: Schemas['ServerRelationships'] = {};
  const services = model.servicesUsingServer(s.name);
  const monitors = model.monitorsOfServer(s.name);
  if (services.length) relationships.services = relationship(links, 'services', services);
  if (monitors.length) relationships.monitors = relationship(links, 'monitors', monitors);
  return {
    id: s.name,
    type: 'servers',
    relationships,
    attributes: {
      parameters: { ...s.parameters },
      state: stateString(s.status),
      version_string: s.version_string,
      node_id: s.node_id,
      master_id: s.master_id,
      replication_depth: s.replication_depth,
      slaves: [...s.slaves],
      statistics: { ...s.statistics },
    },
    links: { self: links.resource('servers', s.name) },
  };
}

/** What `monitor_diagnostics` shows: mariadbmon's flags and per-server replication view; galeramon's flags. */
function monitorDiagnostics(model: MaxscaleModel, m: MonitorRecord): Record<string, unknown> | undefined {
  const p = m.parameters;
  const module = canonicalModule(m.module);
  if (module === 'mariadbmon') {
    const servers = m.servers.map((name) => model.servers.get(name)).filter((s): s is ServerRecord => s !== undefined);
    return {
      monitor_id: 0,
      detect_stale_master: p.detect_stale_master ?? true,
      detect_stale_slave: p.detect_stale_slave ?? true,
      detect_replication_lag: p.detect_replication_lag ?? false,
      multimaster: p.multimaster ?? false,
      detect_standalone_master: p.detect_standalone_master ?? true,
      failcount: p.failcount ?? 5,
      allow_cluster_recovery: p.allow_cluster_recovery ?? true,
      mysql51_replication: p.mysql51_replication ?? false,
      journal_max_age: p.journal_max_age ?? 28800,
      server_info: servers.map((s) => {
        const master = servers.find((x) => x !== s && x.node_id === s.master_id && s.master_id !== -1);
        const configured = master !== undefined;
        const io = configured && s.status.includes('Running') && master.status.includes('Running');
        return {
          name: s.name,
          server_id: s.node_id,
          master_id: s.master_id,
          read_only: s.status.includes('Slave'),
          slave_configured: configured,
          slave_io_running: io,
          slave_sql_running: configured && s.status.includes('Running'),
          master_binlog_file: s.slaves.length ? 'mariadb-bin.000001' : '',
          master_binlog_position: s.slaves.length ? 4 : 0,
        };
      }),
    };
  }
  if (module === 'galeramon') {
    return {
      disable_master_failback: p.disable_master_failback ?? false,
      disable_master_role_setting: p.disable_master_role_setting ?? false,
      root_node_as_master: p.root_node_as_master ?? false,
      use_priority: p.use_priority ?? false,
      set_donor_nodes: p.set_donor_nodes ?? false,
    };
  }
  return undefined;
}

export function monitorResource(model: MaxscaleModel, links: Links, m: MonitorRecord): Schemas['Monitor'] {
  const diagnostics = monitorDiagnostics(model, m);
  return {
    id: m.name,
    type: 'monitors',
    relationships: m.servers.length ? { servers: relationship(links, 'servers', m.servers) } : {},
    attributes: {
      module: m.module,
      state: m.state,
      parameters: { ...m.parameters },
      ...(diagnostics ? { monitor_diagnostics: diagnostics } : {}),
    },
    links: { self: links.resource('monitors', m.name) },
  };
}

export function filterResource(model: MaxscaleModel, links: Links, f: FilterRecord): Schemas['Filter'] {
  return {
    id: f.name,
    type: 'filters',
    relationships: { services: relationship(links, 'services', model.servicesUsingFilter(f.name)) },
    attributes: { module: f.module, parameters: { ...f.parameters } },
    links: { self: links.resource('filters', f.name) },
  };
}

/** A user as MaxScale 2.3 shows it: its own link under `relationships`, and never its password. */
export function userResource(links: Links, u: UserRecord): Schemas['User'] {
  return {
    id: u.name,
    type: u.type,
    attributes: { account: u.account },
    relationships: { self: links.path(`users/${u.type}/${encodeURIComponent(u.name)}`) },
  };
}

/**
 * A module; MaxScale links modules and their commands under /v1/modules/, not /v1/maxscale/modules/.
 * `maturity` is what MaxScale 2.3 sends, `status` (the same value) what its documentation shows.
 */
export function moduleResource(links: Links, m: ModuleDef): Schemas['Module'] {
  const commands: Schemas['ModuleCommand'][] = m.commands.map((c) => ({
    id: c.id,
    type: 'module_command',
    links: { self: links.path(`modules/${c.domain}/${c.id}`) },
    attributes: {
      method: c.method,
      arg_min: c.args.filter((a) => a.required).length,
      arg_max: c.args.length,
      description: c.description,
      parameters: c.args.map((a) => ({ description: a.description, type: argTypeString(a), required: a.required })),
    },
  }));
  return {
    id: m.name,
    type: 'module',
    attributes: {
      module_type: m.module_type,
      version: m.version,
      description: m.description,
      api: apiOf(m.module_type),
      maturity: m.status,
      status: m.status,
      commands,
      parameters: m.parameters.map((p) => ({
        name: p.name,
        type: p.type,
        ...(p.default_value !== undefined ? { default_value: p.default_value } : {}),
        ...(p.enum_values ? { enum_values: [...p.enum_values] } : {}),
      })),
    },
    links: { self: links.path(`modules/${m.name}`) },
  };
}

/** A routing thread; the twin does no I/O, so its statistics are those of an idle MaxScale. */
export function threadResource(links: Links, id: number): Schemas['Thread'] {
  return {
    id: String(id),
    type: 'threads',
    attributes: {
      stats: {
        reads: 1,
        writes: 0,
        errors: 0,
        hangups: 0,
        accepts: 0,
        blocking_polls: 116,
        event_queue_length: 1,
        max_event_queue_length: 1,
        max_exec_time: 0,
        max_queue_time: 0,
        current_descriptors: 1,
        total_descriptors: 1,
        load: { last_second: 0, last_minute: 0, last_hour: 0 },
      },
    },
    links: { self: links.path(`threads/${id}`) },
  };
}
