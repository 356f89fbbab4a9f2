/**
 * The rules of monitors (Resources-Monitor.md): creation with the module's
 * parameters checked, updates (a whole GET document sent back changes only
 * what differs; the module stays), the servers a monitor monitors (one
 * monitor per server), start and stop, destruction.
 */

import { checkName, forbidden, type MaxscaleModel, type RelationshipRef } from '../model.js';
import { COMMON_MONITOR_PARAMETERS, checkParameters, findModule, monitorParameterDefs, requireModule } from '../modules.js';
import type { MonitorRecord, Params } from '../records.js';
import { changedParameters, checkSameId, checkSameModule } from './common.js';

/** Servers already monitored by a monitor other than `except` are refused: a server has one monitor. */
function checkUnmonitored(model: MaxscaleModel, servers: string[], except?: string): void {
  for (const server of servers) {
    const other = model.monitorOf(server);
    if (other && other.name !== except) throw forbidden(`Server '${server}' is already monitored by '${other.name}'`);
  }
}

export function createMonitor(
  model: MaxscaleModel,
  input: { id: string; module: string; parameters: Params; servers?: readonly RelationshipRef[] | null | undefined },
): MonitorRecord {
  return model.store.transaction(() => {
    if (model.monitors.get(input.id)) throw forbidden(`A monitor named '${input.id}' already exists`);
    checkName('Monitor', input.id);
    const module = requireModule(input.module, 'Monitor');
    const parameters = checkParameters(module.name, monitorParameterDefs(module), input.parameters, 'create');
    const servers = model.resolveRefs('servers', input.servers);
    checkUnmonitored(model, servers);
    const monitor: MonitorRecord = { name: input.id, module: module.name, state: 'Running', parameters, servers };
    model.monitors.put(monitor.name, monitor);
    model.reprobe(monitor.name);
    return monitor;
  });
}

export function updateMonitor(
  model: MaxscaleModel,
  name: string,
  patch: {
    id?: string | undefined;
    module?: string | undefined;
    parameters?: Params | undefined;
    hasServers: boolean;
    servers?: readonly RelationshipRef[] | null | undefined;
  },
): void {
  model.store.transaction(() => {
    const monitor = model.getMonitor(name);
    checkSameId('monitor', patch.id, monitor.name);
    checkSameModule('monitor', monitor.name, 'module', monitor.module, patch.module);
    const given = changedParameters(monitor.parameters, patch.parameters);
    // A monitor loaded from a maxscale.cnf may use a module the twin does not simulate: only the common parameters change then.
    const module = findModule(monitor.module);
    const defs = module ? monitorParameterDefs(module) : COMMON_MONITOR_PARAMETERS;
    const changed = checkParameters(monitor.module, defs, given, 'update');
    model.monitors.put(monitor.name, { ...monitor, parameters: { ...monitor.parameters, ...changed } });
    if (patch.hasServers) setMonitorServers(model, monitor.name, patch.servers ?? null);
  });
}

export function setMonitorServers(model: MaxscaleModel, name: string, refs: readonly RelationshipRef[] | null): void {
  model.store.transaction(() => {
    const monitor = model.getMonitor(name);
    const servers = model.resolveRefs('servers', refs);
    checkUnmonitored(model, servers, monitor.name);
    model.monitors.put(monitor.name, { ...monitor, servers });
    model.reprobe(monitor.name);
  });
}

export function deleteMonitor(model: MaxscaleModel, name: string): void {
  model.store.transaction(() => {
    const monitor = model.getMonitor(name);
    if (monitor.servers.length) {
      throw forbidden(
        `Monitor '${monitor.name}' cannot be destroyed: it still monitors ${monitor.servers.join(', ')}; remove its servers first`,
      );
    }
    model.monitors.delete(monitor.name);
  });
}

export function setMonitorState(model: MaxscaleModel, name: string, state: 'Running' | 'Stopped'): void {
  model.store.transaction(() => {
    const monitor = model.getMonitor(name);
    if (monitor.state === state) return;
    model.monitors.put(monitor.name, { ...monitor, state });
    model.reprobe(monitor.name);
  });
}
