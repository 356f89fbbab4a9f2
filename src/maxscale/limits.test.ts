/**
 * Issue 14 (6): a name longer than a URL can carry could be created but never
 * addressed again (431 on every path). Names are at most 512 characters (the
 * spec's `maxLength`): the longest, percent-encoded, still fits in a URL
 * beside a second name of the same length.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useTwin } from '../testing/twin.js';

const twin = useTwin('maxscale');
// Four UTF-8 bytes each: twelve characters each once percent-encoded.
const longest = '😀'.repeat(512);

const newService = (id: string) => ({
  data: {
    id,
    type: 'services',
    attributes: { router: 'readconnroute', parameters: { user: 'maxuser', password: 'maxpwd' } },
  },
});

describe('name length', () => {
  test('a name over 512 characters is refused with MaxScale’s error document and creates nothing', async () => {
    const before = (await twin.http.get('/v1/services')).body;
    const res = await twin.http.post('/v1/services', newService('s'.repeat(16 * 1024)));
    assert.ok(res.status === 400 || res.status === 403, String(res.status));
    assert.match(res.body.errors[0].detail, /512/);
    assert.deepEqual((await twin.http.get('/v1/services')).body, before);
  });

  test('the longest names can be addressed, two in one URL', async () => {
    assert.equal((await twin.http.post('/v1/services', newService(longest))).status, 204);
    const listener = { data: { id: longest, type: 'listeners', attributes: { parameters: { port: 4999 } } } };
    assert.equal((await twin.http.post(`/v1/services/${encodeURIComponent(longest)}/listeners`, listener)).status, 204);
    const res = await twin.http.get(`/v1/services/${encodeURIComponent(longest)}/listeners/${encodeURIComponent(longest)}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.data.id, longest);
  });
});
