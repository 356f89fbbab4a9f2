import type { Handler } from '../context.js';
import type { Params } from '../records.js';
import * as rules from '../rules/filters.js';
import { filterResource } from '../views.js';

export const listFilters: Handler<'listFilters'> = (_req, { model, links }) => ({
  status: 200,
  body: { links: { self: links.collection('filters') }, data: model.filters.list().map((f) => filterResource(model, links, f)) },
});

export const getFilter: Handler<'getFilter'> = (req, { model, links }) => {
  const filter = model.getFilter(req.params.name);
  return { status: 200, body: { links: { self: links.resource('filters', filter.name) }, data: filterResource(model, links, filter) } };
};

export const createFilter: Handler<'createFilter'> = (req, { model }) => {
  const { data } = req.body;
  rules.createFilter(model, {
    id: data.id,
    module: data.attributes.module,
    parameters: (data.attributes.parameters ?? {}) as Params,
    services: data.relationships?.services?.data,
  });
  return { status: 204 };
};

export const deleteFilter: Handler<'deleteFilter'> = (req, { model }) => {
  rules.deleteFilter(model, req.params.name);
  return { status: 204 };
};
