import type { Handler } from '../context.js';
import type { Params } from '../records.js';
import { createListener, deleteListener } from '../rules/listeners.js';
import * as rules from '../rules/services.js';
import { listenerResource, serviceResource } from '../views.js';

export const listServices: Handler<'listServices'> = (_req, { model, links }) => ({
  status: 200,
  body: {
    links: { self: links.collection('services') },
    data: model.services.list().map((s) => serviceResource(model, links, s)),
  },
});

export const getService: Handler<'getService'> = (req, { model, links }) => {
  const service = model.getService(req.params.name);
  return {
    status: 200,
    body: { links: { self: links.resource('services', service.name) }, data: serviceResource(model, links, service) },
  };
};

export const createService: Handler<'createService'> = (req, { model }) => {
  const { data } = req.body;
  rules.createService(model, {
    id: data.id,
    router: data.attributes.router,
    parameters: data.attributes.parameters as Params,
    servers: data.relationships?.servers?.data,
    filters: data.relationships?.filters?.data,
  });
  return { status: 204 };
};

export const updateService: Handler<'updateService'> = (req, { model }) => {
  const { data } = req.body;
  const relationships = data.relationships ?? {};
  rules.updateService(model, req.params.name, {
    id: data.id,
    router: data.attributes?.router,
    parameters: data.attributes?.parameters as Params | undefined,
    hasServers: 'servers' in relationships,
    servers: relationships.servers?.data,
    hasFilters: 'filters' in relationships,
    filters: relationships.filters?.data,
  });
  return { status: 204 };
};

export const deleteService: Handler<'deleteService'> = (req, { model }) => {
  rules.deleteService(model, req.params.name);
  return { status: 204 };
};

export const updateServiceRelationships: Handler<'updateServiceRelationships'> = (req, { model }) => {
  rules.setServiceRelationship(model, req.params.name, req.params.type, req.body.data ?? null);
  return { status: 204 };
};

export const stopService: Handler<'stopService'> = (req, { model }) => {
  rules.setServiceState(model, req.params.name, 'Stopped');
  return { status: 204 };
};

export const startService: Handler<'startService'> = (req, { model }) => {
  rules.setServiceState(model, req.params.name, 'Started');
  return { status: 204 };
};

export const listServiceListeners: Handler<'listServiceListeners'> = (req, { model, links }) => {
  const service = model.getService(req.params.name);
  return {
    status: 200,
    body: {
      links: { self: links.path(`services/${encodeURIComponent(service.name)}/listeners`) },
      data: model.listenersOf(service.name).map(listenerResource),
    },
  };
};

export const getServiceListener: Handler<'getServiceListener'> = (req, { model, links }) => {
  const listener = model.getListener(req.params.name, req.params.listener);
  return {
    status: 200,
    body: {
      links: { self: links.path(`services/${encodeURIComponent(listener.service)}/listeners/${encodeURIComponent(listener.name)}`) },
      data: listenerResource(listener),
    },
  };
};

export const createServiceListener: Handler<'createServiceListener'> = (req, { model }) => {
  const { data } = req.body;
  createListener(model, req.params.name, { id: data.id, parameters: data.attributes.parameters });
  return { status: 204 };
};

export const deleteServiceListener: Handler<'deleteServiceListener'> = (req, { model }) => {
  deleteListener(model, req.params.name, req.params.listener);
  return { status: 204 };
};
