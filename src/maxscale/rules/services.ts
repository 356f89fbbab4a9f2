/**
 * The rules of services (Resources-Service.md): creation, updates (a whole
 * GET document sent back changes only what differs), relationships to
 * servers and filters, start and stop, destruction.
 */

import { asctime, checkName, forbidden, type MaxscaleModel, type RelationshipRef } from '../model.js';
import { findModule, parameterDefs, requireModule } from '../modules.js';
import type { Params, ServiceRecord } from '../records.js';
import { changedParameters, checkSameId, checkSameModule } from './common.js';

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

/**
 * The core service parameters of MaxScale 2.3 (config.cc) that a service's
 * `parameters` may hold, whatever its router (from the module catalogue).
 */
const SERVICE_CORE_PARAMETERS = parameterDefs('service').map((d) => d.name);

/** Core parameters that are not parameters of a service's `parameters` object (Resources-Service.md). */
const RESERVED_SERVICE_PARAMETERS = ['type', 'router', 'servers', 'filters'];

function checkNoReserved(parameters: Params): void {
  for (const name of RESERVED_SERVICE_PARAMETERS) {
    if (name in parameters) {
      throw forbidden(
        `'${name}' cannot be given as a service parameter${name === 'servers' || name === 'filters' ? '; use data.relationships' : ''}`,
      );
    }
  }
}

/**
 * Refuses parameter names that are neither core service parameters nor the
 * router's own (nor, on an update, parameters the service already has).
 */
function checkKnownParameters(router: string, given: Params, current: Params = {}): void {
  const routerParameters = findModule(router)?.parameters.map((p) => p.name) ?? [];
  for (const name of Object.keys(given)) {
    if (SERVICE_CORE_PARAMETERS.includes(name) || routerParameters.includes(name) || name in current) continue;
    throw forbidden(`Unknown parameter '${name}' for a service of router '${router}'`);
  }
}

export function createService(
  model: MaxscaleModel,
  input: {
    id: string;
    router: string;
    parameters: Params;
    servers?: readonly RelationshipRef[] | null | undefined;
    filters?: readonly RelationshipRef[] | null | undefined;
  },
): ServiceRecord {
  return model.store.transaction(() => {
    if (model.findService(input.id)) throw forbidden(`A service named '${input.id}' already exists`);
    checkName('Service', input.id);
    requireModule(input.router, 'Router');
    checkNoReserved(input.parameters);
    checkKnownParameters(input.router, input.parameters);
    const servers = model.resolveRefs('servers', input.servers);
    const filters = model.resolveRefs('filters', input.filters);
    const service: ServiceRecord = {
      name: input.id,
      router: input.router,
      state: 'Started',
      started: asctime(model.now()),
      total_connections: 0,
      connections: 0,
      router_diagnostics: input.router === 'cli' ? undefined : { connections: 0, current_connections: 0, queries: 0 },
      parameters: { ...SERVICE_PARAMETER_DEFAULTS, ...input.parameters },
      servers,
      filters,
    };
    if (service.router_diagnostics === undefined) delete service.router_diagnostics;
    model.services.put(service.name, service);
    return service;
  });
}

/**
 * `PATCH /services/:name`. MaxScale reads only what it acts on: the
 * parameters (a parameter given its current value is no change), the
 * relationships given, and the router, which must stay the same.
 */
export function updateService(
  model: MaxscaleModel,
  name: string,
  patch: {
    id?: string | undefined;
    router?: string | undefined;
    parameters?: Params | undefined;
    hasServers: boolean;
    servers?: readonly RelationshipRef[] | null | undefined;
    hasFilters: boolean;
    filters?: readonly RelationshipRef[] | null | undefined;
  },
): void {
  model.store.transaction(() => {
    const service = model.getService(name);
    checkSameId('service', patch.id, service.name);
    checkSameModule('service', service.name, 'router', service.router, patch.router);
    const changed = changedParameters(service.parameters, patch.parameters);
    checkNoReserved(changed);
    checkKnownParameters(service.router, changed, service.parameters);
    const servers = patch.hasServers ? model.resolveRefs('servers', patch.servers) : service.servers;
    const filters = patch.hasFilters ? model.resolveRefs('filters', patch.filters) : service.filters;
    model.services.put(service.name, { ...service, parameters: { ...service.parameters, ...changed }, servers, filters });
  });
}

export function setServiceRelationship(
  model: MaxscaleModel,
  name: string,
  type: 'servers' | 'filters',
  refs: readonly RelationshipRef[] | null,
): void {
  model.store.transaction(() => {
    const service = model.getService(name);
    const names = model.resolveRefs(type, refs);
    model.services.put(service.name, { ...service, [type]: names });
  });
}

export function deleteService(model: MaxscaleModel, name: string): void {
  model.store.transaction(() => {
    const service = model.getService(name);
    const listeners = model.listenersOf(service.name);
    if (listeners.length > 0) {
      throw forbidden(`Service '${service.name}' cannot be destroyed: it still has listeners (${listeners.map((l) => l.name).join(', ')})`);
    }
    if (service.servers.length > 0 || service.filters.length > 0) {
      throw forbidden(
        `Service '${service.name}' cannot be destroyed: it still uses ${[...service.servers, ...service.filters].join(', ')}; remove its relationships first`,
      );
    }
    model.services.delete(service.name);
    for (const session of model.sessions.list()) if (session.service === service.name) model.sessions.delete(session.id);
  });
}

/** Stops or starts a service; its listeners' sessions show it (`Stopped Listener Session`). */
export function setServiceState(model: MaxscaleModel, name: string, state: 'Started' | 'Stopped'): void {
  model.store.transaction(() => {
    const service = model.getService(name);
    if (service.state === state) return;
    model.services.put(service.name, { ...service, state, ...(state === 'Started' ? { started: asctime(model.now()) } : {}) });
  });
}
