/**
 * ETag and Last-Modified as MaxScale 2.3 computes them: a counter per request
 * path (without /v1), "0" until the path is modified, bumped with each parent
 * path by a successful write; preconditions on every method, GET included,
 * using only the first present of If-Modified-Since, If-Unmodified-Since,
 * If-Match, If-None-Match. A request whose precondition fails is not run.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useTwin } from '../testing/twin.js';

const twin = useTwin('maxscale');

const patchUser = (user: string) => ({ data: { attributes: { parameters: { user } } } });
const etagOf = async (path: string) => (await twin.http.get(path)).headers.etag;
const dateBefore = (httpDate: string, seconds: number) => new Date(Date.parse(httpDate) - seconds * 1000).toUTCString();

describe('conditional requests', () => {
  test('a GET carries an ETag and a Last-Modified date; a path never modified has the ETag "0"', async () => {
    const res = await twin.http.get('/v1/services/CLI');
    assert.equal(res.headers.etag, '"0"');
    assert.ok(!Number.isNaN(Date.parse(res.headers['last-modified'] ?? '')));
  });

  test('If-None-Match with the current ETag is a 304 without a body; any other is a 200', async () => {
    const same = await twin.http.get('/v1/services/CLI', { headers: { 'If-None-Match': '"0"' } });
    assert.equal(same.status, 304);
    assert.equal(same.text, '');
    assert.equal(same.headers.etag, '"0"');
    const other = await twin.http.get('/v1/services/CLI', { headers: { 'If-None-Match': '"7"' } });
    assert.equal(other.status, 200);
  });

  test('a write counts on its path and each parent path, not elsewhere; a refused one counts nowhere', async () => {
    assert.equal((await twin.http.delete('/v1/services/CLI')).status, 403);
    assert.equal(await etagOf('/v1/services'), '"0"');
    assert.equal((await twin.http.patch('/v1/servers/server1', { data: { attributes: { parameters: { port: 3000 } } } })).status, 204);
    assert.equal(await etagOf('/v1/servers/server1'), '"1"');
    assert.equal(await etagOf('/v1/servers'), '"1"');
    assert.equal(await etagOf('/v1/servers/server2'), '"0"');
    assert.equal(await etagOf('/v1/services'), '"0"');
    assert.equal((await twin.http.put('/v1/servers/server1/set?state=maintenance')).status, 204);
    assert.equal(await etagOf('/v1/servers/server1'), '"2"');
    assert.equal(await etagOf('/v1/servers'), '"2"');
  });

  test('the /v1 prefix and a trailing slash name the same path', async () => {
    await twin.http.patch('/v1/services/CLI', patchUser('someone'));
    assert.equal((await twin.http.get('/services/CLI')).headers.etag, '"1"');
    assert.equal((await twin.http.get('/v1/services/', { unchecked: true })).headers.etag, '"1"');
  });

  test('Last-Modified is the start time for a path never modified, and the time of the last write otherwise', async () => {
    const start = (await twin.http.get('/v1/monitors')).headers['last-modified'];
    assert.ok(start);
    assert.equal((await twin.http.get('/v1/servers')).headers['last-modified'], start);
    await twin.http.patch('/v1/servers/server1', { data: { attributes: { parameters: { port: 3001 } } } });
    const modified = (await twin.http.get('/v1/servers')).headers['last-modified'];
    assert.ok(modified && Date.parse(modified) >= Date.parse(start));
    assert.equal((await twin.http.get('/v1/monitors')).headers['last-modified'], start);
  });

  test('a GET answered again from the cache is the same, and shows a write at once (issue 13)', async () => {
    const first = await twin.http.get('/v1/services/CLI');
    const again = await twin.http.get('/v1/services/CLI');
    assert.equal(again.text, first.text);
    assert.equal(again.headers.etag, first.headers.etag);
    const compact = await twin.http.get('/v1/services/CLI?pretty=false');
    assert.deepEqual(JSON.parse(compact.text), JSON.parse(first.text));
    assert.notEqual(compact.text, first.text);
    assert.equal((await twin.http.patch('/v1/services/CLI', patchUser('someone'))).status, 204);
    const after = await twin.http.get('/v1/services/CLI');
    assert.equal(after.body.data.attributes.parameters.user, 'someone');
    assert.notEqual(after.headers.etag, first.headers.etag);
  });

  test('a cached answer shows a write to another path that changes it (a relationship shows on both sides)', async () => {
    const before = await twin.http.get('/v1/services/RW-Split-Router');
    const servers = (before.body.data.relationships.servers?.data ?? []).map((r: { id: string }) => r.id);
    assert.ok(servers.includes('server1'));
    // The write is to /servers/server1: the service's own ETag stays, but its relationships change.
    const unlink = await twin.http.patch('/v1/servers/server1', {
      data: { relationships: { services: { data: [] } } },
    });
    assert.equal(unlink.status, 204);
    const after = await twin.http.get('/v1/services/RW-Split-Router');
    assert.equal(after.headers.etag, before.headers.etag);
    const now = (after.body.data.relationships.servers?.data ?? []).map((r: { id: string }) => r.id);
    assert.ok(!now.includes('server1'), 'the service still lists server1 after server1 left it');
  });

  test('a PATCH with a stale If-Match is refused with 412 and changes nothing; with the current one it applies', async () => {
    assert.equal((await twin.http.patch('/v1/services/CLI', patchUser('first'))).status, 204);
    const stale = await twin.http.patch('/v1/services/CLI', patchUser('second'), { headers: { 'If-Match': '"0"' } });
    assert.equal(stale.status, 412);
    assert.match(stale.body.errors[0].detail, /If-Match/);
    assert.equal((await twin.http.get('/v1/services/CLI')).body.data.attributes.parameters.user, 'first');
    const current = await etagOf('/v1/services/CLI');
    assert.equal(current, '"1"');
    assert.equal((await twin.http.patch('/v1/services/CLI', patchUser('second'), { headers: { 'If-Match': current } })).status, 204);
    assert.equal((await twin.http.get('/v1/services/CLI')).body.data.attributes.parameters.user, 'second');
  });

  test('If-Modified-Since at or after the last change is a 304; before it, a 200', async () => {
    const lastModified = (await twin.http.get('/v1/servers')).headers['last-modified'];
    assert.ok(lastModified);
    assert.equal((await twin.http.get('/v1/servers', { headers: { 'If-Modified-Since': lastModified } })).status, 304);
    assert.equal((await twin.http.get('/v1/servers', { headers: { 'If-Modified-Since': dateBefore(lastModified, 60) } })).status, 200);
  });

  test('a write with If-Unmodified-Since before the last change is refused with 412', async () => {
    const lastModified = (await twin.http.get('/v1/services/CLI/stop')).headers['last-modified'];
    const res = await twin.http.put('/v1/services/CLI/stop', undefined, {
      headers: { 'If-Unmodified-Since': dateBefore(lastModified ?? new Date().toUTCString(), 60) },
    });
    assert.equal(res.status, 412);
    assert.equal((await twin.http.get('/v1/services/CLI')).body.data.attributes.state, 'Started');
  });

  test('preconditions hold on GET too: a stale If-Match or an old If-Unmodified-Since is a 412', async () => {
    assert.equal((await twin.http.get('/v1/services', { headers: { 'If-Match': '"5"' } })).status, 412);
    assert.equal((await twin.http.get('/v1/services', { headers: { 'If-Match': '"0"' } })).status, 200);
    const lastModified = (await twin.http.get('/v1/services')).headers['last-modified'] ?? '';
    assert.equal((await twin.http.get('/v1/services', { headers: { 'If-Unmodified-Since': dateBefore(lastModified, 60) } })).status, 412);
  });

  test('preconditions hold on writes too: If-None-Match with the current ETag is a 304 and the write is not run', async () => {
    const res = await twin.http.patch('/v1/services/CLI', patchUser('skipped'), { headers: { 'If-None-Match': '"0"' } });
    assert.equal(res.status, 304);
    assert.notEqual((await twin.http.get('/v1/services/CLI')).body.data.attributes.parameters.user, 'skipped');
    assert.equal(await etagOf('/v1/services/CLI'), '"0"');
  });

  test('only the first present header counts: If-Modified-Since wins over a stale If-Match', async () => {
    const lastModified = (await twin.http.get('/v1/services/CLI')).headers['last-modified'] ?? '';
    // If-Modified-Since is checked first and holds (modified since long ago), so If-Match is never looked at.
    const res = await twin.http.patch('/v1/services/CLI', patchUser('applied'), {
      headers: { 'If-Modified-Since': dateBefore(lastModified, 3600), 'If-Match': '"99"' },
    });
    assert.equal(res.status, 204);
    // If-Unmodified-Since holds (not modified since), so the stale If-Match is ignored here too…
    const now = new Date(Date.now() + 60_000).toUTCString();
    assert.equal((await twin.http.get('/v1/services', { headers: { 'If-Unmodified-Since': now, 'If-Match': '"99"' } })).status, 200);
    // …and If-Match comes before If-None-Match.
    const etag = (await etagOf('/v1/services')) ?? '';
    assert.equal((await twin.http.get('/v1/services', { headers: { 'If-Match': etag, 'If-None-Match': etag } })).status, 200);
  });

  test('the query classifier carries the validators of its path too', async () => {
    const res = await twin.http.get('/v1/maxscale/query_classifier/classify?sql=SELECT%201');
    assert.equal(res.status, 200);
    assert.equal(res.headers.etag, '"0"');
  });
});
