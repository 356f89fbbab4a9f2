/**
 * Dredd hooks for a spec that is not ours (`apitwin contract --spec`). Without
 * knowledge of the API, only what is safe and can be made to happen is
 * replayed: the documented 2xx examples of reads. Everything else is skipped
 * with its reason: an error status needs API-specific setup to provoke, and a
 * write replayed from the examples would change the target's own objects
 * (with --allow-destructive, documented 2xx writes are replayed as they are).
 */
import type { DreddTransaction } from '../hooks-api.js';
import { hookSettings, skipReasons } from '../settings.js';

function skip(t: DreddTransaction, why: string): void {
  t.skip = true;
  skipReasons.set(t.id, why);
}

export function beforeEach(t: DreddTransaction): void {
  const status = t.expected.statusCode;
  const method = t.request.method.toUpperCase();
  if (!status.startsWith('2')) {
    skip(t, `provoking ${status} needs setup only API-specific hooks know (the other phases check error responses)`);
  } else if (method !== 'GET' && method !== 'HEAD' && !hookSettings().allowDestructive) {
    skip(t, `replaying the documented ${method} example would change the target's own objects (replay it with --allow-destructive)`);
  }
}
