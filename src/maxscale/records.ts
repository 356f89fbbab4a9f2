/**
 * The MaxScale twin's stored objects. Relationships are stored on one side
 * only (a service lists its servers and filters, a monitor its servers, a
 * listener its service, a session its service); the other side is derived
 * when a document is rendered, so the two sides can never disagree.
 */
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
  parameters: {
    address?: string;
    port?: number;
    protocol?: string;
    authenticator?: string;
    authenticator_options?: string;
    ssl_key?: string;
    ssl_cert?: string;
    ssl_ca_cert?: string;
    ssl_version?: string;
    ssl_cert_verify_depth?: number;
  };
}

export interface FilterRecord {
  name: string;
  module: string;
  parameters: Params;
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

/** The whole state of a MaxScale twin, as a data file holds it. */
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
