/**
 * Conditional requests as API.md documents them: ETag and Last-Modified on
 * GETs, 304 for a current copy, 412 for a write whose precondition no longer
 * holds (and the write then changes nothing).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useTwin } from '../testing/twin.js';

const twin = useTwin('maxscale');

const patchUser = (user: string) => ({ data: { attributes: { parameters: { user } } } });

describe('conditional requests', () => {
  test('a GET carries an ETag and a Last-Modified date', async () => {
    const res = await twin.http.get('/v1/services/CLI');
    assert.match(res.headers.etag ?? '', /^".+"$/);
    assert.ok(!Number.isNaN(Date.parse(res.headers['last-modified'] ?? '')));
  });

  test('If-None-Match with the current ETag is a 304 without a body; any other is a 200', async () => {
    const { etag } = (await twin.http.get('/v1/services/CLI')).headers;
    assert.ok(etag);
    const same = await twin.http.get('/v1/services/CLI', { headers: { 'If-None-Match': etag } });
    assert.equal(same.status, 304);
    assert.equal(same.text, '');
    assert.equal(same.headers.etag, etag);
    const other = await twin.http.get('/v1/services/CLI', { headers: { 'If-None-Match': '"something-else"' } });
    assert.equal(other.status, 200);
  });

  test('a write through the API changes the ETag; a refused one does not', async () => {
    const before = (await twin.http.get('/v1/services')).headers.etag;
    assert.equal((await twin.http.delete('/v1/services/CLI')).status, 403);
    assert.equal((await twin.http.get('/v1/services')).headers.etag, before);
    assert.equal((await twin.http.patch('/v1/services/CLI', patchUser('someone'))).status, 204);
    assert.notEqual((await twin.http.get('/v1/services')).headers.etag, before);
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

  test('a PATCH with a stale If-Match is refused with 412 and changes nothing; with the current one it applies', async () => {
    const { etag } = (await twin.http.get('/v1/services/CLI')).headers;
    assert.ok(etag);
    assert.equal((await twin.http.patch('/v1/services/CLI', patchUser('first'))).status, 204);
    const stale = await twin.http.patch('/v1/services/CLI', patchUser('second'), { headers: { 'If-Match': etag } });
    assert.equal(stale.status, 412);
    assert.match(stale.body.errors[0].detail, /If-Match/);
    assert.equal((await twin.http.get('/v1/services/CLI')).body.data.attributes.parameters.user, 'first');
    const current = (await twin.http.get('/v1/services/CLI')).headers.etag;
    assert.ok(current);
    assert.equal((await twin.http.patch('/v1/services/CLI', patchUser('second'), { headers: { 'If-Match': current } })).status, 204);
    assert.equal((await twin.http.get('/v1/services/CLI')).body.data.attributes.parameters.user, 'second');
  });

  test('If-Modified-Since at or after the last change is a 304; before it, a 200', async () => {
    const lastModified = (await twin.http.get('/v1/servers')).headers['last-modified'];
    assert.ok(lastModified);
    assert.equal((await twin.http.get('/v1/servers', { headers: { 'If-Modified-Since': lastModified } })).status, 304);
    const earlier = new Date(Date.parse(lastModified) - 60_000).toUTCString();
    assert.equal((await twin.http.get('/v1/servers', { headers: { 'If-Modified-Since': earlier } })).status, 200);
  });

  test('a write with If-Unmodified-Since before the last change is refused with 412', async () => {
    const lastModified = (await twin.http.get('/v1/servers')).headers['last-modified'];
    assert.ok(lastModified);
    const earlier = new Date(Date.parse(lastModified) - 60_000).toUTCString();
    const res = await twin.http.put('/v1/services/CLI/stop', undefined, { headers: { 'If-Unmodified-Since': earlier } });
    assert.equal(res.status, 412);
    assert.equal((await twin.http.get('/v1/services/CLI')).body.data.attributes.state, 'Started');
  });

  test('the query classifier computes its answer from the query, so it carries no ETag', async () => {
    const res = await twin.http.get('/v1/maxscale/query_classifier/classify?sql=SELECT%201');
    assert.equal(res.status, 200);
    assert.equal(res.headers.etag, undefined);
  });
});
