/**
 * The rules of listeners (Resources-Service.md): a listener belongs to one
 * service, and when it starts it allocates its own session (MaxScale 2.3),
 * which goes when the listener is destroyed.
 */
import { forbidden, type MaxscaleModel, notFound } from '../model.js';
import { requireModule } from '../modules.js';
import type { ListenerRecord } from '../records.js';

function sameAddress(a: string, b: string): boolean {
  const any = (x: string) => x === '::' || x === '0.0.0.0' || x === 'default' || x === '';
  return a === b || any(a) || any(b);
}

/** Creates and starts a listener; without `address` it binds `::`, as MaxScale's default, and shows it. */
export function createListener(
  model: MaxscaleModel,
  serviceName: string,
  input: { id: string; parameters: ListenerRecord['parameters'] },
): ListenerRecord {
  return model.store.transaction(() => {
    const service = model.getService(serviceName);
    if (model.listeners.get(input.id)) throw forbidden(`A listener named '${input.id}' already exists`);
    const p = input.parameters;
    if (p.protocol !== undefined) requireModule(String(p.protocol), 'Protocol');
    if (p.authenticator !== undefined) requireModule(String(p.authenticator), 'Authenticator');
    const ssl = [p.ssl_key, p.ssl_cert, p.ssl_ca_cert].filter((v) => v !== undefined).length;
    if (ssl > 0 && ssl < 3) throw forbidden('ssl_key, ssl_cert and ssl_ca_cert must all be given to enable SSL');
    const address = p.address ?? '::';
    const clash = model.listeners
      .list()
      .find((l) => l.parameters.port === p.port && p.port !== 0 && sameAddress(l.parameters.address ?? '::', address));
    if (clash) throw forbidden(`Listener '${clash.name}' already listens on port ${p.port}`);
    const listener: ListenerRecord = {
      name: input.id,
      service: service.name,
      parameters: { address, protocol: 'MariaDBClient', authenticator: 'MySQLAuth', ...p },
    };
    model.listeners.put(listener.name, listener);
    model.startListenerSession(listener);
    return listener;
  });
}

export function deleteListener(model: MaxscaleModel, serviceName: string, listenerName: string): void {
  model.store.transaction(() => {
    const service = model.getService(serviceName);
    const listener = model.listeners.get(listenerName);
    if (!listener) throw notFound('listener', listenerName);
    // MaxScale 2.3 answers 403 when the listener exists but is not the service's.
    if (listener.service !== service.name) {
      throw forbidden(`Listener '${listenerName}' belongs to service '${listener.service}', not '${service.name}'`);
    }
    model.listeners.delete(listener.name);
    for (const session of model.sessions.list()) if (session.listener === listener.name) model.sessions.delete(session.id);
  });
}
