/**
 * ETag and Last-Modified as MaxScale 2.3 computes them (its REST API's
 * resource watcher): a counter per request path, without the `/v1` prefix.
 * A successful write to a path adds one to the counter of that path and of
 * each parent path (`/servers/server1`, then `/servers`) and stamps their
 * modification time. A path never modified has the ETag `"0"` and the
 * twin's start time as its Last-Modified. Like MaxScale's, the counters live
 * in memory: a restart (or a whole new state) starts them again.
 */
import type { Validators } from '../http/conditional.js';

/** `/v1/servers/server1/` and `/servers/server1` are the same resource path. */
export function resourcePath(path: string): string {
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] === 'v1') parts.shift();
  return `/${parts.join('/')}`;
}

/** The path and each of its parents, longest first: `/a/b` → `/a/b`, `/a`. */
function withParents(path: string): string[] {
  const parts = resourcePath(path)
    .split('/')
    .filter((p) => p !== '');
  const out: string[] = [];
  for (let n = parts.length; n > 0; n--) out.push(`/${parts.slice(0, n).join('/')}`);
  return out;
}

export class PathVersions {
  private readonly counters = new Map<string, { etag: number; modifiedAt: Date }>();
  private startedAt: Date;
  private changes = 0;

  constructor(private readonly now: () => Date = () => new Date()) {
    this.startedAt = now();
  }

  /** Forgets every modification: the state is new (start-up, the test-only reset). */
  reset(): void {
    this.counters.clear();
    this.startedAt = this.now();
    this.changes++;
  }

  /** Moves on every write and every new state (the router's answer cache is kept per generation). */
  generation(): number {
    return this.changes;
  }

  validators(path: string): Validators {
    const entry = this.counters.get(resourcePath(path));
    return { etag: `"${entry?.etag ?? 0}"`, lastModified: entry?.modifiedAt ?? this.startedAt };
  }

  /** A successful write to `path`. */
  modified(path: string): void {
    const at = this.now();
    this.changes++;
    for (const p of withParents(path)) {
      this.counters.set(p, { etag: (this.counters.get(p)?.etag ?? 0) + 1, modifiedAt: at });
    }
  }
}
