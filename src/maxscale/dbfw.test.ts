/**
 * Issue 14 (1): dbfwfilter rule files are read only inside the configured
 * rules folder, asynchronously and up to a size limit; errors name the file
 * as given, never a path of the host; a refused reload or create changes nothing.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { projectRoot } from '../spec/load.js';
import { useTwin } from '../testing/twin.js';
import { MAX_RULE_FILE_BYTES, parseDbfwRules, RuleFiles } from './dbfw.js';

const base = mkdtempSync(join(tmpdir(), 'apitwin-rules-'));
const folder = join(base, 'rules');
mkdirSync(folder);
writeFileSync(join(folder, 'dbfw-rules.txt'), 'rule test3 match columns salary ssn\nusers %@% match any rules test3\n');
writeFileSync(join(folder, 'other.txt'), 'rule no_star match wildcard\nusers %@% match any rules no_star\n');
// A valid rule file just outside the folder: reading it would prove the folder is not enforced.
writeFileSync(join(base, 'outside.txt'), 'rule outside match wildcard\nusers %@% match any rules outside\n');
symlinkSync(join(base, 'outside.txt'), join(folder, 'link-out.txt'));
writeFileSync(join(folder, 'huge.txt'), `${'# padding\n'.repeat(MAX_RULE_FILE_BYTES / 10)}rule x match wildcard\n`);
const fifo = join(folder, 'fifo');
execFileSync('mkfifo', [fifo]);

const twin = useTwin('maxscale', { config: { dbfwRulesDir: folder } });
const RELOAD = '/v1/maxscale/modules/dbfwfilter/rules/reload?Database-Firewall&';

async function reload(path: string) {
  return twin.http.post(`${RELOAD}${encodeURIComponent(path)}`);
}

async function firewallState() {
  const rules = (await twin.http.get('/v1/maxscale/modules/dbfwfilter/rules?Database-Firewall')).body.meta;
  const parameter = (await twin.http.get('/v1/filters/Database-Firewall')).body.data.attributes.parameters.rules;
  return { rules, parameter };
}

describe('dbfwfilter rule files stay inside the rules folder', () => {
  test('a file inside the folder is read, by relative or absolute path', async () => {
    assert.equal((await reload('other.txt')).status, 204);
    assert.deepEqual((await firewallState()).rules, [{ name: 'no_star', type: 'WILDCARD', times_matched: 0 }]);
    assert.equal((await reload(join(folder, 'dbfw-rules.txt'))).status, 204);
    assert.deepEqual((await firewallState()).rules, [{ name: 'test3', type: 'COLUMN', times_matched: 0 }]);
  });

  const refused: [string, { path: string; why: RegExp }][] = [
    ['an absolute path outside the folder', { path: '/etc/passwd', why: /not inside the rules folder/ }],
    ['a host file that does not exist', { path: '/etc/no-such-file', why: /not inside the rules folder/ }],
    ['a relative path that climbs out', { path: '../outside.txt', why: /not inside the rules folder/ }],
    ['a relative path into the project', { path: '../../package.json', why: /not inside the rules folder/ }],
    ['a symbolic link that leads out', { path: 'link-out.txt', why: /not inside the rules folder/ }],
    ['a FIFO (would block a synchronous read forever)', { path: 'fifo', why: /not a regular file/ }],
    ['a file over the size limit', { path: 'huge.txt', why: new RegExp(`larger than ${MAX_RULE_FILE_BYTES} bytes`) }],
    ['a missing file inside the folder', { path: 'missing.txt', why: /no such file/ }],
    ['the folder itself', { path: '.', why: /not inside the rules folder/ }],
  ];
  for (const [name, { path, why }] of refused) {
    test(`reload refuses ${name} with 403, names it as given, and changes nothing`, async () => {
      const before = await firewallState();
      const res = await reload(path);
      assert.equal(res.status, 403);
      const detail: string = res.body.errors[0].detail;
      assert.match(detail, why);
      assert.ok(detail.includes(`'${path}'`), detail);
      // No absolute path of the host but the one the client sent.
      for (const hostPath of [folder, base, projectRoot()]) if (!path.startsWith(hostPath)) assert.ok(!detail.includes(hostPath), detail);
      assert.deepEqual(await firewallState(), before);
    });
  }

  test('a parse error names the file as given', async () => {
    writeFileSync(join(folder, 'bad.txt'), 'rule broken match nonsense\n');
    const res = await reload('bad.txt');
    assert.equal(res.status, 403);
    assert.equal(res.body.errors[0].detail, "Failed to parse rule file: bad.txt:1: unknown rule type 'nonsense'");
  });

  test('creating a firewall filter with a rule file outside the folder is refused and creates nothing', async () => {
    const res = await twin.http.post('/v1/filters', {
      data: { id: 'fw2', type: 'filters', attributes: { module: 'dbfwfilter', parameters: { rules: '/etc/passwd' } } },
    });
    assert.equal(res.status, 403);
    assert.match(res.body.errors[0].detail, /not inside the rules folder/);
    assert.equal((await twin.http.get('/v1/filters/fw2')).status, 404);
  });

  test('a FIFO does not block the twin: other requests are served while it is refused', async () => {
    const [refusedFifo, listed] = await Promise.all([reload('fifo'), twin.http.get('/v1/servers')]);
    assert.equal(refusedFifo.status, 403);
    assert.equal(listed.status, 200);
  });
});

describe('the rule parser', () => {
  test('a rule type named like an Object property is unknown', () => {
    for (const type of ['constructor', '__proto__', 'toString']) {
      assert.throws(() => parseDbfwRules(`rule x match ${type}\n`, 'f.txt'), /unknown rule type/);
    }
  });
});

describe('RuleFiles without a rules folder', () => {
  test('reads no file at all', async () => {
    await assert.rejects(new RuleFiles(undefined).load('dbfw-rules.txt'), /reads no rule files/);
  });
});
