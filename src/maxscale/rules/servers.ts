/**
 * The rules of servers (Resources-Server.md): creation, updates (address,
 * port, monitoruser and monitorpw change; other standard parameters keep
 * their value; any other name is a weighting parameter, removed by `null`),
 * relationships to services and a monitor, state bits, destruction.
 */

import { checkName, forbidden, type MaxscaleModel, type RelationshipRef } from '../model.js';
import { requireModule } from '../modules.js';
import type { Params, ParamValue, ServerRecord } from '../records.js';
import { SETTABLE_STATES, withBit, withoutBit } from '../status.js';
import { checkSameId } from './common.js';

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

export function createServer(
  model: MaxscaleModel,
  input: {
    id: string;
    parameters: Params;
    services?: readonly RelationshipRef[] | null | undefined;
    monitors?: readonly RelationshipRef[] | null | undefined;
  },
): ServerRecord {
  return model.store.transaction(() => {
    if (model.findServer(input.id)) throw forbidden(`A server named '${input.id}' already exists`);
    checkName('Server', input.id);
    const parameters: Params = { protocol: 'MariaDBBackend', ...input.parameters };
    requireModule(String(parameters.protocol), 'Protocol');
    if (parameters.authenticator !== undefined) requireModule(String(parameters.authenticator), 'Authenticator');
    const ssl = ['ssl_key', 'ssl_cert', 'ssl_ca_cert'].filter((k) => parameters[k] !== undefined).length;
    if (ssl > 0 && ssl < 3) throw forbidden('ssl_key, ssl_cert and ssl_ca_cert must all be given to enable SSL');
    const services = model.resolveRefs('services', input.services);
    const monitors = model.resolveRefs('monitors', input.monitors);
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
    model.servers.put(server.name, server);
    linkServer(model, server.name, 'services', services);
    linkServer(model, server.name, 'monitors', monitors);
    return server;
  });
}

/**
 * `PATCH /servers/:name`. A parameter given its current value is no change,
 * so the whole GET document sent back changes only what differs.
 */
export function updateServer(
  model: MaxscaleModel,
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
  model.store.transaction(() => {
    const server = model.getServer(name);
    checkSameId('server', patch.id, server.name, true);
    const parameters: Params = { ...server.parameters };
    for (const [key, value] of Object.entries(patch.parameters ?? {})) {
      if (value === server.parameters[key]) continue;
      const standard = STANDARD_SERVER_PARAMETERS.includes(key);
      if (standard && !MODIFIABLE_SERVER_PARAMETERS.includes(key)) {
        throw forbidden(`Server parameter '${key}' cannot be modified at runtime; only ${MODIFIABLE_SERVER_PARAMETERS.join(', ')} can`);
      }
      if (value === null) {
        if (standard) throw forbidden(`Standard server parameter '${key}' cannot be removed`);
        delete parameters[key];
      } else {
        parameters[key] = value;
      }
    }
    model.servers.put(server.name, { ...server, parameters });
    if (patch.hasServices) linkServer(model, server.name, 'services', model.resolveRefs('services', patch.services));
    if (patch.hasMonitors) linkServer(model, server.name, 'monitors', model.resolveRefs('monitors', patch.monitors));
  });
}

export function setServerRelationship(
  model: MaxscaleModel,
  name: string,
  type: 'services' | 'monitors',
  refs: readonly RelationshipRef[] | null,
): void {
  model.store.transaction(() => {
    const server = model.getServer(name);
    linkServer(model, server.name, type, model.resolveRefs(type, refs));
  });
}

/**
 * Makes `targets` the services (or monitor) of a server by changing the
 * other side, where the relationship is stored: a service keeps the
 * position of servers it already had and gets new ones at the end.
 */
function linkServer(model: MaxscaleModel, server: string, type: 'services' | 'monitors', targets: string[]): void {
  if (type === 'services') {
    for (const service of model.services.list()) {
      const uses = service.servers.includes(server);
      const wanted = targets.includes(service.name);
      if (uses === wanted) continue;
      const servers = wanted ? [...service.servers, server] : service.servers.filter((s) => s !== server);
      model.services.put(service.name, { ...service, servers });
    }
    return;
  }
  if (targets.length > 1) throw forbidden(`A server can be monitored by one monitor only, not by ${targets.join(' and ')}`);
  for (const monitor of model.monitors.list()) {
    const uses = monitor.servers.includes(server);
    const wanted = targets.includes(monitor.name);
    if (uses === wanted) continue;
    const servers = wanted ? [...monitor.servers, server] : monitor.servers.filter((s) => s !== server);
    model.monitors.put(monitor.name, { ...monitor, servers });
    model.reprobe(monitor.name);
  }
}

export function deleteServer(model: MaxscaleModel, name: string): void {
  model.store.transaction(() => {
    const server = model.getServer(name);
    const services = model.servicesUsingServer(server.name);
    const monitors = model.monitorsOfServer(server.name);
    if (services.length || monitors.length) {
      const users = [...services.map((s) => `service '${s}'`), ...monitors.map((m) => `monitor '${m}'`)];
      throw forbidden(`Server '${server.name}' cannot be destroyed: it is used by ${users.join(', ')}; remove those relationships first`);
    }
    model.servers.delete(server.name);
  });
}

/**
 * `PUT /servers/:name/set|clear?state=…`. While a running monitor monitors
 * the server only maintenance can be changed, as in MaxScale 2.3. With
 * `force=yes`, setting maintenance closes the sessions of the services that
 * use the server at once.
 */
export function changeServerStatus(
  model: MaxscaleModel,
  name: string,
  op: 'set' | 'clear',
  state: string | undefined,
  force: string | undefined,
): void {
  model.store.transaction(() => {
    const server = model.getServer(name);
    const valid = Object.keys(SETTABLE_STATES).join(', ');
    if (state === undefined || state === '') throw forbidden(`The 'state' parameter is required: one of ${valid}`);
    const bit = SETTABLE_STATES[state.toLowerCase()];
    if (!bit) throw forbidden(`Invalid 'state' parameter '${state}': expected one of ${valid}`);
    const monitor = model.monitorOf(server.name);
    if (monitor?.state === 'Running' && bit !== 'Maintenance') {
      throw forbidden(
        `The server is monitored by '${monitor.name}', so only the maintenance status can be set/cleared manually. Status was not modified.`,
      );
    }
    const status = op === 'set' ? withBit(server.status, bit) : withoutBit(server.status, bit);
    let statistics = server.statistics;
    if (op === 'set' && bit === 'Maintenance' && force === 'yes') {
      statistics = { ...statistics, connections: 0, active_operations: 0 };
      closeClientSessionsOf(model, model.servicesUsingServer(server.name));
    }
    model.servers.put(server.name, { ...server, status, statistics });
    if (monitor) model.reprobe(monitor.name);
  });
}

/** Closes the client sessions of the services; their listeners' own sessions stay. */
function closeClientSessionsOf(model: MaxscaleModel, services: string[]): void {
  for (const session of model.sessions.list()) {
    if (!services.includes(session.service) || session.listener !== undefined) continue;
    model.sessions.delete(session.id);
    const service = model.services.get(session.service);
    if (service) model.services.put(service.name, { ...service, connections: Math.max(0, service.connections - 1) });
  }
}
