/**
 * `--store sqlite:PATH` against a real `apitwin serve` process: what either
 * twin acknowledged is there after `kill -9` and after a clean SIGTERM
 * shutdown, and a file that cannot be used stops the start with a message
 * that says why.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { failToStart, startTwin, type TwinProcess } from '../testing/process.js';

const dir = mkdtempSync(join(tmpdir(), 'apitwin-durability-'));
const running = new Set<TwinProcess>();
after(async () => {
  for (const twin of running) {
    twin.child.kill('SIGKILL');
    await twin.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

async function start(path: string): Promise<TwinProcess> {
  const twin = await startTwin({ args: ['--store', `sqlite:${path}`] });
  running.add(twin);
  return twin;
}

async function stop(twin: TwinProcess, signal: NodeJS.Signals): Promise<number | string> {
  twin.child.kill(signal);
  const code = await twin.exited;
  running.delete(twin);
  return code;
}

const ADMIN = { Authorization: `Basic ${Buffer.from('admin:mariadb').toString('base64')}` };

async function pip(twin: TwinProcess, command: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${twin.urls.pip}/v1/sessions/${command}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

async function createService(twin: TwinProcess, id: string): Promise<number> {
  const res = await fetch(`${twin.urls.maxscale}/v1/services`, {
    method: 'POST',
    headers: { ...ADMIN, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      data: { id, type: 'services', attributes: { router: 'readwritesplit', parameters: { user: 'maxuser', password: 'maxpwd' } } },
    }),
  });
  await res.text();
  return res.status;
}

async function getService(twin: TwinProcess, id: string): Promise<number> {
  const res = await fetch(`${twin.urls.maxscale}/v1/services/${id}`, { headers: ADMIN });
  await res.text();
  return res.status;
}

/** Writes to both twins and returns what must be read back. */
async function writeBoth(twin: TwinProcess, tag: string) {
  const opened = await pip(twin, 'open_session', { user_id: `user-${tag}`, data: { step: 1 } });
  assert.equal(opened.status, 200);
  const id = String(opened.body.id);
  const stored = await pip(twin, 'store_session_data', { session_id: id, data: { step: 2, tag } });
  assert.equal(stored.status, 200);
  const closedOther = await pip(twin, 'open_session', { user_id: `user-${tag}` });
  assert.equal((await pip(twin, 'close_session', { session_id: closedOther.body.id })).status, 200);
  assert.equal(await createService(twin, `svc-${tag}`), 204);
  return { sessionId: id, closedId: String(closedOther.body.id), session: stored.body, service: `svc-${tag}` };
}

async function readBack(twin: TwinProcess, written: Awaited<ReturnType<typeof writeBoth>>): Promise<void> {
  const session = await pip(twin, 'get_session_by_id', { session_id: written.sessionId });
  assert.equal(session.status, 200);
  assert.deepEqual(session.body, written.session);
  const closed = await pip(twin, 'get_session_by_id', { session_id: written.closedId });
  assert.equal(closed.body.active, false);
  assert.equal(await getService(twin, written.service), 200, 'the MaxScale service is still there');
}

describe('the SQLite store across restarts of a real process', () => {
  // One file through three lives (each start of the real process costs seconds).
  test('what both twins acknowledged survives kill -9, and a clean SIGTERM shutdown exits 0 and keeps everything', async () => {
    const path = join(dir, 'lives.db');
    const first = await start(path);
    const written = await writeBoth(first, 'killed');
    // The last answers are in: kill at once, with no chance to flush or close anything.
    assert.equal(await stop(first, 'SIGKILL'), 'SIGKILL');

    const second = await start(path);
    await readBack(second, written);
    const more = await writeBoth(second, 'stopped');
    assert.equal(await stop(second, 'SIGTERM'), 0);
    assert.ok(!existsSync(`${path}-wal`), 'the write-ahead log was checkpointed into the file and removed');

    const third = await start(path);
    await readBack(third, written);
    await readBack(third, more);
    const list = await pip(third, 'get_sessions', { filter: { user_id: 'user-killed' }, paging: { total: true } });
    assert.equal(list.body.total, 2);
    assert.equal(await stop(third, 'SIGTERM'), 0);
  });

  test('a second apitwin on a file in use refuses to start and says it is locked', async () => {
    const path = join(dir, 'locked.db');
    const owner = await start(path);
    const refused = await failToStart(['--store', `sqlite:${path}`]);
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stderr, /is locked by another process/);
    assert.ok(refused.stderr.includes(path));
    // The owner is unharmed.
    assert.equal((await pip(owner, 'get_sessions', {})).status, 200);
    await stop(owner, 'SIGTERM');
  });

  test('a corrupt file stops the start with a message that names it', async () => {
    const path = join(dir, 'corrupt.db');
    writeFileSync(path, Buffer.alloc(8192, 'not a database '));
    const refused = await failToStart(['--store', `sqlite:${path}`]);
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stderr, /corrupt or not a SQLite database/);
    assert.ok(refused.stderr.includes(path));
  });
});
