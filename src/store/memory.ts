import type { KvStore } from './kv.js';

/**
 * The in-memory store. Documents are stored as JSON strings so that callers
 * can never mutate stored state through a reference they were handed, and a
 * transaction keeps an undo log so a failed mutation leaves nothing behind.
 */
export class MemoryKvStore implements KvStore {
  private readonly collections = new Map<string, Map<string, string>>();
  private undo: Array<() => void> | undefined;

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
    if (this.undo) {
      // Restoring a value with Map.set keeps its original position; a new key is removed.
      this.undo.push(before === undefined ? () => c.delete(id) : () => c.set(id, before));
    }
    c.set(id, JSON.stringify(value));
  }

  delete(collection: string, id: string): boolean {
    const c = this.collections.get(collection);
    const before = c?.get(id);
    if (!c || before === undefined) return false;
    if (this.undo) {
      // Re-inserting would move the key to the end; rebuild the order instead.
      const order = [...c.entries()];
      this.undo.push(() => {
        c.clear();
        for (const [k, v] of order) c.set(k, v);
      });
    }
    c.delete(id);
    return true;
  }

  transaction<R>(fn: () => R): R {
    if (this.undo) return fn(); // nested: the outer transaction owns the undo log
    this.undo = [];
    try {
      const result = fn();
      this.undo = undefined;
      return result;
    } catch (err) {
      const log = this.undo;
      this.undo = undefined;
      for (const step of (log ?? []).reverse()) step();
      throw err;
    }
  }

  clear(): void {
    this.collections.clear();
  }

  close(): void {}
}
