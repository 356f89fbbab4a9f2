/**
 * Renders stored records as the JSON API documents the MaxScale docs show,
 * typed by the spec's generated component schemas.
 */
import type { components } from '../../generated/maxscale.js';
import type { MaxscaleModel } from './model.js';
import type { ListenerRecord, ServiceRecord, SessionRecord } from './records.js';

type Schemas = components['schemas'];

/** Builds the absolute `self` links MaxScale writes, e.g. http://localhost:8989/v1/services/CLI. */
export class Links {
  constructor(private readonly base: string) {}
  collection(kind: string): string {
    return `${this.base}/v1/${kind}/`;
  }
  resource(kind: string, id: string): string {
    return `${this.base}/v1/${kind}/${encodeURIComponent(id)}`;
  }
  path(path: string): string {
    return `${this.base}/v1/${path}`;
  }
}

export function relationship(links: Links, kind: string, ids: readonly string[]): Schemas['Relationship'] {
  return { links: { self: links.collection(kind) }, data: ids.map((id) => ({ id, type: kind })) };
}

export function listenerResource(l: ListenerRecord): Schemas['Listener'] {
  return { id: l.name, type: 'listeners', attributes: { parameters: { ...l.parameters } } };
}

export function serviceResource(model: MaxscaleModel, links: Links, s: ServiceRecord): Schemas['Service'] {
  const relationships: Schemas['ServiceRelationships'] = {};
  if (s.servers.length) relationships.servers = relationship(links, 'servers', s.servers);
  if (s.filters.length) relationships.filters = relationship(links, 'filters', s.filters);
  return {
    id: s.name,
    type: 'services',
    attributes: {
      router: s.router,
      state: s.state,
      ...(s.router_diagnostics ? { router_diagnostics: s.router_diagnostics } : {}),
      started: s.started,
      total_connections: s.total_connections,
      connections: s.connections,
      parameters: { ...s.parameters },
      listeners: model.listenersOf(s.name).map(listenerResource),
    },
    relationships,
    links: { self: links.resource('services', s.name) },
  };
}

export function sessionResource(links: Links, s: SessionRecord): Schemas['Session'] {
  return {
    id: s.id,
    type: 'sessions',
    relationships: { services: relationship(links, 'services', [s.service]) },
    attributes: { state: s.state, user: s.user, remote: s.remote, connected: s.connected, idle: s.idle },
    links: { self: links.resource('sessions', s.id) },
  };
}
