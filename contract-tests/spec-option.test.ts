/**
 * `apitwin contract --spec` against a spec that is not ours: the Pet Store
 * fixture, served by a small stateful server built on it. The same phases run;
 * what needs knowledge the spec does not give is skipped with its reason; the
 * run leaves the server's pets as they were.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runContractCli } from './cli.js';
import { PETSTORE_SPEC, type PetStore, startPetStore } from './fixtures/petstore-server.js';
import type { JsonReport } from './reporting/files.js';

let store: PetStore;
const dir = mkdtempSync(join(tmpdir(), 'apitwin-spec-'));

before(async () => {
  store = await startPetStore();
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function streams() {
  const out = { text: '', isTTY: false, write: (s: string) => (out.text += s) };
  const err = { text: '', write: (s: string) => (err.text += s) };
  return { stdout: out, stderr: err };
}

test('--spec runs every phase against a spec that is not ours: every operation judged, nothing failed, skips with reasons, the pets as they were', async () => {
  const before = JSON.stringify([...store.pets.values()]);
  const s = streams();
  const json = join(dir, 'petstore.json');
  const code = await runContractCli(['--spec', PETSTORE_SPEC, '--target', store.url, '--report', `json=${json}`], s);
  assert.equal(code, 0, `${s.stdout.text.slice(-4000)}\n${s.stderr.text}`);
  const report = JSON.parse(readFileSync(json, 'utf8')) as JsonReport;
  assert.equal(report.summary.failed, 0);
  const judged = new Set(report.cases.filter((c) => c.phase === 'conformance' && c.status === 'pass').map((c) => c.name));
  for (const op of ['listPets', 'createPet', 'getPet', 'updatePet', 'deletePet', 'getInventory']) {
    assert.ok(
      [...judged].some((name) => name.endsWith(`(${op})`)),
      `${op} was not judged`,
    );
  }
  const passedByCheck = (check: string) => report.cases.filter((c) => c.check === check && c.status === 'pass').length;
  assert.ok(passedByCheck('example_replay') > 0, 'no documented example replayed');
  assert.ok(passedByCheck('negative_data_rejection') > 0);
  assert.ok(passedByCheck('use_after_free') > 0);
  assert.ok(passedByCheck('ensure_resource_availability') > 0);
  const skipped = report.cases.filter((c) => c.status === 'skip');
  assert.ok(skipped.length > 0);
  for (const c of skipped) assert.ok(c.reason && c.reason.length > 10, `${c.check} ${c.name} skipped without a reason`);
  assert.ok(skipped.some((c) => c.check === 'ignored_auth' && /no credentials/.test(c.reason ?? '')));
  assert.equal(JSON.stringify([...store.pets.values()]), before);
});
