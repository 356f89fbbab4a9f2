import type { KvStore } from './kv.js';
import { UndoLog } from './undo.js';

/**
 * The in-memory store. Documents are stored as JSON strings so that callers
 * can never mutate stored state through a reference they were handed, and a
 * transaction keeps an undo log so a failed mutation leaves nothing behind.
 */
export class MemoryKvStore implements KvStore {
  private readonly collections = new Map<string, Map<string, string>>();
  private readonly undo = new UndoLog();

  private coll(name: string): Map<string, string> {
    let c = this.collections.get(name);
    if (!c) {
      c = new Map();
      this.collections.set(name, c);
    }
    return c;
  }

  get<T>(collection: string, id: string): T | undefined {
    const raw = this.collections.get(collection)?.get(id);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  list<T>(collection: string): T[] {
    return [...(this.collections.get(collection)?.values() ?? [])].map((raw) => JSON.parse(raw) as T);
  }

  put<T>(collection: string, id: string, value: T): void {
    const c = this.coll(collection);
    const before = c.get(id);
    // Restoring a value with Map.set keeps its original position; a new key is removed.
    this.undo.record(before === undefined ? () => c.delete(id) : () => c.set(id, before));
    c.set(id, JSON.stringify(value));
  }

  delete(collection: string, id: string): boolean {
    const c = this.collections.get(collection);
    const before = c?.get(id);
    if (!c || before === undefined) return false;
    this.undo.recordMapSnapshot(c);
    c.delete(id);
    return true;
  }

  transaction<R>(fn: () => R): R {
    return this.undo.run(fn);
  }

  clear(): void {
    this.collections.clear();
  }

  close(): void {}
}
