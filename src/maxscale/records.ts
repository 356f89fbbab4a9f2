/**
 * The MaxScale twin's stored objects. Relationships are stored on one side
 * only (a service lists its servers and filters, a monitor its servers, a
 * listener its service, a session its service); the other side is derived
 * when a document is rendered, so the two sides can never disagree.
 */
import type { components } from '../../generated/maxscale.js';

export type ParamValue = string | number | boolean;
export type Params = Record<string, ParamValue>;

export interface ServerRecord {
  name: string;
  parameters: Params;
  /** The server's status bits, as MaxScale names them (Master, Slave, Running, Maintenance…). */
  status: string[];
  version_string: string;
  node_id: number;
  master_id: number;
  replication_depth: number;
  slaves: number[];
  statistics: { connections: number; total_connections: number; active_operations: number };
}

export interface ServiceRecord {
  name: string;
  router: string;
  state: 'Started' | 'Stopped';
  started: string;
  total_connections: number;
  connections: number;
  router_diagnostics?: Record<string, unknown>;
  parameters: Params;
  servers: string[];
  filters: string[];
}

export interface ListenerRecord {
  name: string;
  service: string;
  /** Exactly the listener parameters the spec documents. */
  parameters: components['schemas']['ListenerParameters'];
}

export interface FilterRecord {
  name: string;
  module: string;
  parameters: Params;
  /** dbfwfilter only: the rules loaded from the rule file, as the `rules` command shows them. */
  dbfw_rules?: DbfwRule[];
}

export interface DbfwRule {
  name: string;
  /** COLUMN, FUNCTION, USES_FUNCTION, WILDCARD, REGEX, THROTTLE, CLAUSE, PERMISSION. */
  type: string;
  times_matched: number;
}

export interface MonitorRecord {
  name: string;
  module: string;
  state: 'Running' | 'Stopped';
  parameters: Params;
  servers: string[];
}

export interface SessionRecord {
  id: string;
  service: string;
  /** Set on a listener's own session (MaxScale 2.3 gives every listener one). */
  listener?: string;
  state: string;
  user: string;
  remote: string;
  connected: string;
  idle: number;
}

export interface UserRecord {
  name: string;
  type: 'inet' | 'unix';
  account: 'admin' | 'basic';
  /** Only network users have one; it is never rendered. */
  password?: string;
}

/** Logging settings, as `/maxscale/logs` shows them. */
export interface LogParameters {
  highprecision: boolean;
  maxlog: boolean;
  syslog: boolean;
  throttling: { count: number; suppress_ms: number; window_ms: number };
  log_warning: boolean;
  log_notice: boolean;
  log_info: boolean;
  log_debug: boolean;
  log_to_shm: boolean;
}

/** The MaxScale core object (`/maxscale` and `/maxscale/logs`), as the store keeps it. */
export interface CoreRecord {
  parameters: Params;
  version: string;
  commit: string;
  /** HTTP-dates. */
  started_at: string;
  activated_at: string;
  logs: { parameters: LogParameters; log_file: string };
}

/**
 * The whole state of a MaxScale twin, as a data file holds it. `maxscale`
 * may be partial (`parameters`, `version`, `commit`, `logs`); the model fills
 * in the documented defaults when it loads the state.
 */
export interface MaxscaleState {
  maxscale?: Record<string, unknown>;
  servers: ServerRecord[];
  monitors: MonitorRecord[];
  filters: FilterRecord[];
  services: ServiceRecord[];
  listeners: ListenerRecord[];
  sessions: SessionRecord[];
  users: UserRecord[];
}

export const COLLECTIONS = {
  servers: 'maxscale.servers',
  monitors: 'maxscale.monitors',
  filters: 'maxscale.filters',
  services: 'maxscale.services',
  listeners: 'maxscale.listeners',
  sessions: 'maxscale.sessions',
  users: 'maxscale.users',
  meta: 'maxscale.meta',
} as const;
