/**
 * Request documents are open, as MaxScale 2.3 reads them: its clients
 * (maxctrl, scripts) change an object by GETting it, editing the document
 * and PATCHing the whole of it back, links, read-only attributes and
 * relationship links included. Only what differs in the writable members
 * changes; what MaxScale still refuses is refused with 403.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useTwin } from '../../testing/twin.js';

const twin = useTwin('maxscale');

// biome-ignore lint/suspicious/noExplicitAny: a JSON API document as a client edits it
type Doc = any;

const resources: [string, string, (d: Doc) => void, (before: Doc, after: Doc) => void][] = [
  [
    'a server',
    '/v1/servers/server1',
    (d) => {
      d.data.attributes.parameters.port = 3999;
    },
    (before, after) => {
      before.data.attributes.parameters.port = 3999;
      assert.deepEqual(after, before);
    },
  ],
  [
    'a service',
    '/v1/services/RW-Split-Router',
    (d) => {
      d.data.attributes.parameters.user = 'edited';
    },
    (before, after) => {
      before.data.attributes.parameters.user = 'edited';
      assert.deepEqual(after, before);
    },
  ],
  [
    'a monitor',
    '/v1/monitors/MariaDB-Monitor',
    (d) => {
      d.data.attributes.parameters.monitor_interval = 5000;
    },
    (before, after) => {
      before.data.attributes.parameters.monitor_interval = 5000;
      assert.deepEqual(after, before);
    },
  ],
];

describe('the whole document a GET answered, PATCHed back', () => {
  for (const [name, path, edit, check] of resources) {
    test(`of ${name} succeeds and changes nothing`, async () => {
      const before = (await twin.http.get(path)).body;
      assert.equal((await twin.http.patch(path, before)).status, 204);
      assert.deepEqual((await twin.http.get(path)).body, before);
    });

    test(`of ${name}, with one writable member edited, changes exactly that member`, async () => {
      const before = (await twin.http.get(path)).body;
      const edited = structuredClone(before);
      edit(edited);
      assert.equal((await twin.http.patch(path, edited)).status, 204);
      check(before, (await twin.http.get(path)).body);
    });
  }

  test('of a server, with a service left out of its relationships, unlinks exactly that service', async () => {
    const before = (await twin.http.get('/v1/servers/server1')).body;
    const edited = structuredClone(before);
    const services = edited.data.relationships.services.data as { id: string }[];
    const dropped = services.shift();
    assert.ok(dropped);
    assert.equal((await twin.http.patch('/v1/servers/server1', edited)).status, 204);
    const after = (await twin.http.get('/v1/servers/server1')).body;
    assert.deepEqual(after.data.relationships.services.data, services);
    assert.deepEqual(after.data.relationships.monitors, before.data.relationships.monitors);
    const service = (await twin.http.get(`/v1/services/${dropped.id}`)).body;
    assert.ok(!(service.data.relationships.servers?.data ?? []).some((s: { id: string }) => s.id === 'server1'));
  });
});

describe('what MaxScale still refuses in an open document', () => {
  const refusals: [string, string, (d: Doc) => void, RegExp][] = [
    [
      'another router',
      '/v1/services/RW-Split-Router',
      (d) => {
        d.data.attributes.router = 'readconnroute';
      },
      /router/,
    ],
    [
      'another monitor module',
      '/v1/monitors/MariaDB-Monitor',
      (d) => {
        d.data.attributes.module = 'galeramon';
      },
      /module/,
    ],
    [
      'an unknown service parameter',
      '/v1/services/RW-Split-Router',
      (d) => {
        d.data.attributes.parameters.colour = 'red';
      },
      /colour/,
    ],
    [
      'an unknown monitor parameter',
      '/v1/monitors/MariaDB-Monitor',
      (d) => {
        d.data.attributes.parameters.colour = 'red';
      },
      /colour/,
    ],
    [
      'a standard server parameter that cannot change at runtime, given another value',
      '/v1/servers/server1',
      (d) => {
        d.data.attributes.parameters.protocol = 'MariaDBClient';
      },
      /protocol/,
    ],
    [
      'a relationship to an unknown object',
      '/v1/servers/server1',
      (d) => {
        d.data.relationships.services.data.push({ id: 'nope', type: 'services' });
      },
      /nope/,
    ],
    [
      'a relationship of the wrong type',
      '/v1/services/RW-Split-Router',
      (d) => {
        d.data.relationships.servers.data = [{ id: 'MariaDB-Monitor', type: 'monitors' }];
      },
      /monitors/,
    ],
  ];
  for (const [name, path, edit, detail] of refusals) {
    test(`${name} is refused with 403 and changes nothing`, async () => {
      const before = (await twin.http.get(path)).body;
      const edited = structuredClone(before);
      edit(edited);
      const res = await twin.http.patch(path, edited);
      assert.equal(res.status, 403);
      assert.match(res.body.errors[0].detail, detail);
      assert.deepEqual((await twin.http.get(path)).body, before);
    });
  }

  const notDocuments: [string, unknown][] = [
    ['an array', [{ data: {} }]],
    ['an object without data', { links: { self: 'x' } }],
  ];
  for (const [name, body] of notDocuments) {
    test(`a body that is ${name} is refused with 403`, async () => {
      const res = await twin.http.patch('/v1/servers/server1', body);
      assert.equal(res.status, 403);
    });
  }
});

describe('POST documents', () => {
  test('an unknown listener parameter is refused with 403', async () => {
    const res = await twin.http.post('/v1/services/RW-Split-Router/listeners', {
      data: { id: 'odd', attributes: { parameters: { port: 4999, colour: 'red' } } },
    });
    assert.equal(res.status, 403);
    assert.match(res.body.errors[0].detail, /colour/);
    assert.equal((await twin.http.get('/v1/services/RW-Split-Router/listeners/odd')).status, 404);
  });

  test('may leave out data.type', async () => {
    const res = await twin.http.post('/v1/servers', {
      data: { id: 'typeless', attributes: { parameters: { address: '10.0.0.9', port: 3306 } } },
    });
    assert.equal(res.status, 204);
    assert.equal((await twin.http.get('/v1/servers/typeless')).status, 200);
  });

  test('the document a GET answered creates a copy of a server, a service and a monitor under a new name', async () => {
    const server = (await twin.http.get('/v1/servers/server2')).body;
    server.data.id = 'server2-copy';
    delete server.data.relationships.monitors; // server2 is monitored already: a second monitor would be refused
    assert.equal((await twin.http.post('/v1/servers', server)).status, 204);
    const service = (await twin.http.get('/v1/services/Read-Connection-Router')).body;
    service.data.id = 'copy-service';
    assert.equal((await twin.http.post('/v1/services', service)).status, 204);
    assert.deepEqual(
      (await twin.http.get('/v1/services/copy-service')).body.data.attributes.parameters,
      service.data.attributes.parameters,
    );
    const monitor = (await twin.http.get('/v1/monitors/MariaDB-Monitor')).body;
    monitor.data.id = 'copy-monitor';
    delete monitor.data.relationships; // its servers are monitored already
    assert.equal((await twin.http.post('/v1/monitors', monitor)).status, 204);
    // The module's defaults fill in what the documented monitor does not set.
    const copied = (await twin.http.get('/v1/monitors/copy-monitor')).body.data.attributes.parameters;
    for (const [key, value] of Object.entries(monitor.data.attributes.parameters)) assert.deepEqual(copied[key], value, key);
  });
});
