import type { Handler } from '../context.js';
import type { Params } from '../records.js';
import * as rules from '../rules/monitors.js';
import { monitorResource } from '../views.js';

export const listMonitors: Handler<'listMonitors'> = (_req, { model, links }) => ({
  status: 200,
  body: { links: { self: links.collection('monitors') }, data: model.monitors.list().map((m) => monitorResource(model, links, m)) },
});

export const getMonitor: Handler<'getMonitor'> = (req, { model, links }) => {
  const monitor = model.getMonitor(req.params.name);
  return { status: 200, body: { links: { self: links.resource('monitors', monitor.name) }, data: monitorResource(model, links, monitor) } };
};

export const createMonitor: Handler<'createMonitor'> = (req, { model }) => {
  const { data } = req.body;
  rules.createMonitor(model, {
    id: data.id,
    module: data.attributes.module,
    parameters: data.attributes.parameters as Params,
    servers: data.relationships?.servers?.data,
  });
  return { status: 204 };
};

export const updateMonitor: Handler<'updateMonitor'> = (req, { model }) => {
  const { data } = req.body;
  const relationships = data.relationships ?? {};
  rules.updateMonitor(model, req.params.name, {
    id: data.id,
    module: data.attributes?.module,
    parameters: data.attributes?.parameters as Params | undefined,
    hasServers: 'servers' in relationships,
    servers: relationships.servers?.data,
  });
  return { status: 204 };
};

export const deleteMonitor: Handler<'deleteMonitor'> = (req, { model }) => {
  rules.deleteMonitor(model, req.params.name);
  return { status: 204 };
};

export const updateMonitorRelationships: Handler<'updateMonitorRelationships'> = (req, { model }) => {
  rules.setMonitorServers(model, req.params.name, req.body.data ?? null);
  return { status: 204 };
};

export const stopMonitor: Handler<'stopMonitor'> = (req, { model }) => {
  rules.setMonitorState(model, req.params.name, 'Stopped');
  return { status: 204 };
};

export const startMonitor: Handler<'startMonitor'> = (req, { model }) => {
  rules.setMonitorState(model, req.params.name, 'Running');
  return { status: 204 };
};
