import type { Handler } from '../context.js';
import type { Params, ParamValue } from '../records.js';
import * as rules from '../rules/servers.js';
import { serverResource } from '../views.js';

export const listServers: Handler<'listServers'> = (_req, { model, links }) => ({
  status: 200,
  body: { links: { self: links.collection('servers') }, data: model.servers.list().map((s) => serverResource(model, links, s)) },
});

export const getServer: Handler<'getServer'> = (req, { model, links }) => {
  const server = model.getServer(req.params.name);
  return { status: 200, body: { links: { self: links.resource('servers', server.name) }, data: serverResource(model, links, server) } };
};

export const createServer: Handler<'createServer'> = (req, { model }) => {
  const { data } = req.body;
  rules.createServer(model, {
    id: data.id,
    parameters: data.attributes.parameters as Params,
    services: data.relationships?.services?.data,
    monitors: data.relationships?.monitors?.data,
  });
  return { status: 204 };
};

export const updateServer: Handler<'updateServer'> = (req, { model }) => {
  const { data } = req.body;
  const relationships = data.relationships ?? {};
  rules.updateServer(model, req.params.name, {
    id: data.id,
    parameters: data.attributes?.parameters as Record<string, ParamValue | null> | undefined,
    hasServices: 'services' in relationships,
    services: relationships.services?.data,
    hasMonitors: 'monitors' in relationships,
    monitors: relationships.monitors?.data,
  });
  return { status: 204 };
};

export const deleteServer: Handler<'deleteServer'> = (req, { model }) => {
  rules.deleteServer(model, req.params.name);
  return { status: 204 };
};

export const updateServerRelationships: Handler<'updateServerRelationships'> = (req, { model }) => {
  rules.setServerRelationship(model, req.params.name, req.params.type, req.body.data ?? null);
  return { status: 204 };
};

export const setServerState: Handler<'setServerState'> = (req, { model }) => {
  rules.changeServerStatus(model, req.params.name, 'set', req.query.state, req.query.force);
  return { status: 204 };
};

export const clearServerState: Handler<'clearServerState'> = (req, { model }) => {
  rules.changeServerStatus(model, req.params.name, 'clear', req.query.state, undefined);
  return { status: 204 };
};
