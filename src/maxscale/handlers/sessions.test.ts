/**
 * Listener sessions, as MaxScale 2.3 has them: every listener owns one
 * session, allocated when it starts, its id from the counter client sessions
 * use too (from 1, the services' listeners in configuration order).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ids, useTwin } from '../../testing/twin.js';

const twin = useTwin('maxscale');

const newListener = (id: string, port: number, extra: Record<string, unknown> = {}) => ({
  data: { id, type: 'listeners', attributes: { parameters: { port, ...extra } } },
});

describe('listener sessions', () => {
  test('each listener of the documented state owns a Listener Session, numbered from 1 in service then listener order', async () => {
    const sessions = (await twin.http.get('/v1/sessions')).body.data;
    const listenerSessions = sessions.filter((s: { attributes: { state: string } }) => s.attributes.state === 'Listener Session');
    // Services in configuration order: Read-Connection-Router, CLI (two listeners), RW-Split-Router.
    assert.deepEqual(
      listenerSessions.map((s: { id: string; relationships: { services: { data: { id: string }[] } } }) => [
        s.id,
        s.relationships.services.data[0]?.id,
      ]),
      [
        ['1', 'Read-Connection-Router'],
        ['2', 'CLI'],
        ['3', 'CLI'],
        ['4', 'RW-Split-Router'],
      ],
    );
  });

  test('a listener session shows its state and the time its listener started, as the seed example does', async () => {
    const res = await twin.http.get('/v1/sessions/1');
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body.data.attributes), ['state', 'connected']);
    assert.equal(res.body.data.attributes.state, 'Listener Session');
    assert.match(res.body.data.attributes.connected, /^\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} \d{4}$/);
  });

  test('while its service is stopped, a listener session is a Stopped Listener Session', async () => {
    assert.equal((await twin.http.put('/v1/services/Read-Connection-Router/stop')).status, 204);
    assert.equal((await twin.http.get('/v1/sessions/1')).body.data.attributes.state, 'Stopped Listener Session');
    assert.equal((await twin.http.put('/v1/services/Read-Connection-Router/start')).status, 204);
    assert.equal((await twin.http.get('/v1/sessions/1')).body.data.attributes.state, 'Listener Session');
  });

  test('a listener created at runtime gets the next session id; a destroyed listener’s session is gone', async () => {
    assert.equal((await twin.http.post('/v1/services/RW-Split-Router/listeners', newListener('extra', 4444))).status, 204);
    // The documented client sessions 9 and 10 came from the same counter, so the next id is 11.
    const created = await twin.http.get('/v1/sessions/11');
    assert.equal(created.status, 200);
    assert.equal(created.body.data.attributes.state, 'Listener Session');
    assert.deepEqual(created.body.data.relationships.services.data, [{ id: 'RW-Split-Router', type: 'services' }]);
    assert.equal((await twin.http.delete('/v1/services/RW-Split-Router/listeners/extra')).status, 204);
    assert.equal((await twin.http.get('/v1/sessions/11')).status, 404);
    assert.equal((await twin.http.post('/v1/services/RW-Split-Router/listeners', newListener('again', 4445))).status, 204);
    assert.deepEqual(ids(await twin.http.get('/v1/sessions')), ['1', '2', '3', '4', '9', '10', '12'], 'ids are never reused');
  });
});

describe('a listener created without an address', () => {
  test('binds :: and shows "address": "::"', async () => {
    assert.equal((await twin.http.post('/v1/services/RW-Split-Router/listeners', newListener('anywhere', 4446))).status, 204);
    const res = await twin.http.get('/v1/services/RW-Split-Router/listeners/anywhere');
    assert.equal(res.body.data.attributes.parameters.address, '::');
    // Bound to every address, so another listener on that port clashes whatever its address.
    const clash = await twin.http.post('/v1/services/CLI/listeners', newListener('other', 4446, { address: '127.0.0.1' }));
    assert.equal(clash.status, 403);
  });
});

const dir = mkdtempSync(join(tmpdir(), 'apitwin-sessions-'));
const cnf = join(dir, 'five-listeners.cnf');
// Five listeners over three services; the second service's listeners come last in the file.
writeFileSync(
  cnf,
  `[maxscale]
threads=1

[db1]
type=server
address=10.0.0.1
port=3306

[Writer]
type=service
router=readwritesplit
servers=db1
user=u
password=p

[Reader]
type=service
router=readconnroute
servers=db1
user=u
password=p

[Admin]
type=service
router=cli

[Writer-Listener]
type=listener
service=Writer
port=4006

[Admin-Listener]
type=listener
service=Admin
protocol=maxscaled
port=6603

[Writer-Listener-2]
type=listener
service=Writer
port=4007

[Reader-Listener]
type=listener
service=Reader
port=4008

[Reader-Listener-2]
type=listener
service=Reader
port=4009
`,
);

describe('a twin started from a maxscale.cnf with five listeners', () => {
  const fromCnf = useTwin('maxscale', { config: { maxscaleConfig: cnf }, reset: false });

  test('answers GET /v1/sessions/1 … /5, the services’ listeners in configuration order', async () => {
    const services: string[] = [];
    for (const id of ['1', '2', '3', '4', '5']) {
      const res = await fromCnf.http.get(`/v1/sessions/${id}`);
      assert.equal(res.status, 200, `session ${id}`);
      assert.equal(res.body.data.attributes.state, 'Listener Session');
      services.push(res.body.data.relationships.services.data[0].id);
    }
    assert.deepEqual(services, ['Writer', 'Writer', 'Reader', 'Reader', 'Admin']);
    assert.equal((await fromCnf.http.get('/v1/sessions/6')).status, 404);
  });
});
