import { ApiError, Errors } from '../errors.js';
import { UndoLog } from '../store/undo.js';
import { matches, type SessionQuery, type SessionRecord, type SessionSummary, type SessionsStore, summaryOf } from './store.js';

/**
 * A copy of a record. JSON rather than structuredClone: records are JSON, and
 * structuredClone gives up far sooner on deeply nested data (a RangeError at
 * about 2,000 levels, fewer under a deep call stack).
 */
function copy(session: SessionRecord): SessionRecord {
  return JSON.parse(JSON.stringify(session)) as SessionRecord;
}

/**
 * The in-memory sessions store. A Map keeps the order sessions were opened
 * (`set` on an existing key keeps its place). Stored records are copies, so
 * callers never change stored state through a reference; a transaction keeps
 * an undo log so a failed command leaves nothing behind.
 */
export class MemorySessionsStore implements SessionsStore {
  readonly kind = 'memory';
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly undo = new UndoLog();
  private changes = 0;

  generation(): number {
    return this.changes;
  }

  find(query: SessionQuery, skip: number, take: number | undefined): SessionSummary[] {
    const out: SessionSummary[] = [];
    let skipped = 0;
    for (const s of this.sessions.values()) {
      if (take !== undefined && out.length >= take) break;
      if (!matches(s, query)) continue;
      if (skipped < skip) {
        skipped++;
        continue;
      }
      out.push(summaryOf(s));
    }
    return out;
  }

  count(query: SessionQuery): number {
    let n = 0;
    for (const s of this.sessions.values()) if (matches(s, query)) n++;
    return n;
  }

  get(id: string): SessionRecord | undefined {
    const s = this.sessions.get(id);
    return s === undefined ? undefined : copy(s);
  }

  insert(session: SessionRecord): void {
    this.changes++;
    if (this.sessions.has(session.id)) throw ApiError.from(Errors.CONFLICT, `A session with id '${session.id}' exists`);
    this.undo.record(() => this.sessions.delete(session.id));
    this.sessions.set(session.id, copy(session));
  }

  replace(session: SessionRecord): boolean {
    this.changes++;
    const before = this.sessions.get(session.id);
    if (before === undefined) return false;
    this.undo.record(() => this.sessions.set(session.id, before));
    this.sessions.set(session.id, copy(session));
    return true;
  }

  delete(id: string): SessionRecord | undefined {
    this.changes++;
    const before = this.sessions.get(id);
    if (before === undefined) return undefined;
    this.undo.recordMapSnapshot(this.sessions);
    this.sessions.delete(id);
    return copy(before);
  }

  transaction<R>(fn: () => R): R {
    return this.undo.run(fn);
  }

  clear(): void {
    this.changes++;
    this.undo.recordMapSnapshot(this.sessions);
    this.sessions.clear();
  }

  close(): void {}
}
