import type { Handler } from '../context.js';
import { canonicalModule } from '../modules.js';
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

export const createFilter: Handler<'createFilter'> = async (req, { model, ruleFiles }) => {
  const { data } = req.body;
  const parameters = (data.attributes.parameters ?? {}) as Params;
  // Like MaxScale, a firewall filter whose rule file cannot be read or parsed is not created.
  const dbfwRules =
    canonicalModule(data.attributes.module) === 'dbfwfilter' && typeof parameters.rules === 'string'
      ? await ruleFiles.load(parameters.rules)
      : undefined;
  rules.createFilter(model, {
    id: data.id,
    module: data.attributes.module,
    parameters,
    services: data.relationships?.services?.data,
    ...(dbfwRules ? { dbfwRules } : {}),
  });
  return { status: 204 };
};

export const deleteFilter: Handler<'deleteFilter'> = (req, { model }) => {
  rules.deleteFilter(model, req.params.name);
  return { status: 204 };
};
