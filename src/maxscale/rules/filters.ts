/**
 * The rules of filters (Resources-Filter.md): creation with the module's
 * parameters checked (a dbfwfilter's rules are read from its rule file by
 * the caller, as file reads are asynchronous), the services
 * that use a new filter (`relationships.services`), destruction.
 */
import { checkName, forbidden, type MaxscaleModel, type RelationshipRef } from '../model.js';
import { checkParameters, requireModule } from '../modules.js';
import type { DbfwRule, FilterRecord, Params } from '../records.js';

/**
 * Creates a filter; the services named in `relationships.services` use it
 * at once, at the end of their filter chain (both sides show it).
 */
export function createFilter(
  model: MaxscaleModel,
  input: {
    id: string;
    module: string;
    parameters: Params;
    services?: readonly RelationshipRef[] | null | undefined;
    dbfwRules?: DbfwRule[];
  },
): FilterRecord {
  return model.store.transaction(() => {
    if (model.filters.get(input.id)) throw forbidden(`A filter named '${input.id}' already exists`);
    checkName('Filter', input.id);
    const module = requireModule(input.module, 'Filter');
    const parameters = checkParameters(module.name, module.parameters, input.parameters, 'create');
    const services = model.resolveRefs('services', input.services);
    const filter: FilterRecord = { name: input.id, module: module.name, parameters };
    // Like MaxScale, a firewall filter whose rule file cannot be read or parsed is not created.
    if (module.name === 'dbfwfilter') {
      if (!input.dbfwRules) throw forbidden(`The rule file '${String(parameters.rules)}' of filter '${input.id}' could not be read`);
      filter.dbfw_rules = input.dbfwRules;
    }
    model.filters.put(filter.name, filter);
    for (const name of services) {
      const service = model.getService(name);
      model.services.put(service.name, { ...service, filters: [...service.filters, filter.name] });
    }
    return filter;
  });
}

export function deleteFilter(model: MaxscaleModel, name: string): void {
  model.store.transaction(() => {
    const filter = model.getFilter(name);
    const services = model.servicesUsingFilter(filter.name);
    if (services.length) {
      throw forbidden(
        `Filter '${filter.name}' cannot be destroyed: it is used by ${services.map((s) => `service '${s}'`).join(', ')}; remove it from those services first`,
      );
    }
    model.filters.delete(filter.name);
  });
}
